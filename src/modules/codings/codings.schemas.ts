import { z } from 'zod'
import { ZErrorResponse, ZReportParams } from '../../lib/http-schemas.js'
import { ZFinding } from '../redaction/redaction.schemas.js'

export const SUMMARY_MAX = 2000
export const LEARNING_POINT_MAX = 600
export const CODE_ROLES = ['contributing', 'mitigating'] as const

const ZFacetValue = z.string().min(1).max(64)

export const ZFacets = z
  .object({
    eventType: ZFacetValue.describe('a value of the taxonomy facet event_type'),
    reachAndHarm: ZFacetValue.describe('a value of the taxonomy facet reach_and_harm'),
    detection: ZFacetValue.describe('a value of the taxonomy facet detection'),
    setting: ZFacetValue.describe('a value of the taxonomy facet setting'),
    handover: z.boolean()
  })
  .strict()

export const ZCodingBody = z
  .object({
    taxonomyVersion: z.number().int().min(1).max(10_000).optional().describe('default and only choice: the current'),
    codes: z
      .array(
        z
          .object({
            code: z.string().min(1).max(32).describe('a leaf code, e.g. TC.HO.02'),
            role: z.enum(CODE_ROLES).describe('did this factor contribute to the event or help to catch it?')
          })
          .strict()
      )
      .min(1)
      .max(30),
    facets: ZFacets,
    summary: z
      .string()
      .trim()
      .max(SUMMARY_MAX)
      .describe("the reviewer's de-identified summary; redacted, then sealed to the team key like a narrative"),
    learningPoint: z
      .string()
      .trim()
      .max(LEARNING_POINT_MAX)
      .default('')
      .describe(
        'a de-identified learning point for the regional summaries, redacted and sealed like the summary (readable ' +
          'to the server only once two people approve it); published only if the reporter consented, and destroyed ' +
          'if they withdraw'
      )
  })
  .strict()

export type TCodingBody = z.infer<typeof ZCodingBody>

export const ZCoding = z
  .object({
    id: z.uuid(),
    coderId: z.uuid(),
    isMine: z.boolean(),
    taxonomyVersion: z.number().int(),
    codes: z.array(z.object({ code: z.string(), role: z.enum(CODE_ROLES) }).strict()),
    facets: ZFacets,
    summary: z.string(),
    learningPoint: z.string(),
    codedOn: z.string().describe('YYYY-MM-DD')
  })
  .strict()

export type TCoding = z.infer<typeof ZCoding>

export const ZCodingResponse = z
  .object({
    coding: ZCoding,
    findings: z.array(ZFinding).describe('what redaction removed from the summary'),
    learningPointFindings: z.array(ZFinding).describe('what redaction removed from the learning point')
  })
  .strict()

export const codingSchema = {
  tags: ['review'],
  summary:
    'Code a report (needs X-CSRF-Token). Each reviewer has one coding per report, made independently; sending ' +
    'again replaces your own (200) rather than adding one (201).',
  params: ZReportParams,
  body: ZCodingBody,
  response: {
    200: ZCodingResponse,
    201: ZCodingResponse,
    400: ZErrorResponse,
    401: ZErrorResponse,
    403: ZErrorResponse,
    404: ZErrorResponse,
    409: ZErrorResponse
  }
}
