import { z } from 'zod'
import { isFutureMonth } from '../../lib/dates.js'
import { ZErrorResponse } from '../../lib/http-schemas.js'
import { NARRATIVE_MAX, ZMarkedFinding, ZMarks } from '../redaction/redaction.schemas.js'

export const EVENT_CLASSES = ['near_miss', 'incident', 'unsafe_condition', 'good_catch'] as const
export const DETECTIONS = [
  'self',
  'colleague',
  'supervisor',
  'other_agency',
  'family',
  'system_check',
  'chance',
  'not_caught'
] as const
export const SETTINGS = [
  'front_door',
  'assessment',
  'child_in_need',
  'child_protection',
  'children_in_care',
  'leaving_care',
  'out_of_hours',
  'court',
  'other'
] as const

/** The intake contract (other tools rely on it). Regions come from configuration, so the schema is built. */
export const buildCreateReportBody = (regions: readonly string[]) =>
  z
    .object({
      eventClass: z.enum(EVENT_CLASSES),
      // Not trimmed: the findings' offsets must point into the text exactly as sent.
      narrative: z
        .string()
        .max(NARRATIVE_MAX, { error: 'write at most 10,000 characters' })
        .refine((text) => text.trim().length >= 20, { error: 'write at least 20 characters' }),
      detection: z.enum(DETECTIONS),
      setting: z.enum(SETTINGS),
      region: z.enum(regions as [string, ...string[]]),
      occurredMonth: z
        .string()
        .regex(/^(?:19|20)\d{2}-(?:0[1-9]|1[0-2])$/, { error: 'expected a month as YYYY-MM' })
        .refine((month) => !isFutureMonth(month, new Date()), { error: 'the month may not be in the future' }),
      handover: z.boolean(),
      consentToPublish: z.boolean(),
      // Applied after the redaction; each must match text still shown, or the report is refused (400).
      marks: ZMarks.optional()
    })
    .strict()

export type TCreateReportBody = z.infer<ReturnType<typeof buildCreateReportBody>>

export const ZCreateReportResponse = z
  .object({
    receipt: z.string().describe('shown once: the only way back to this report (status, questions, withdrawal)'),
    redacted: z.string().describe('the narrative as stored and as reviewers will see it, marks applied'),
    findings: z.array(ZMarkedFinding)
  })
  .strict()

export type TCreateReportResponse = z.infer<typeof ZCreateReportResponse>

export const ZIdempotencyHeaders = z.looseObject({
  'idempotency-key': z
    .string()
    // At least 128 bits if random: a UUID, or 22+ base64url characters.
    .regex(/^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[A-Za-z0-9_-]{22,128})$/, {
      error: 'expected a random UUID, or 22–128 letters, digits, - or _'
    })
    .optional()
    .describe('send the same random key when retrying: the report is stored once and the first answer replayed')
})

export const buildCreateReportSchema = (regions: readonly string[]) => ({
  tags: ['reporting'],
  summary: 'File a report anonymously. The narrative is redacted, then sealed so that only reviewers can read it.',
  headers: ZIdempotencyHeaders,
  body: buildCreateReportBody(regions),
  response: {
    201: ZCreateReportResponse,
    400: ZErrorResponse,
    409: ZErrorResponse,
    413: ZErrorResponse,
    415: ZErrorResponse,
    422: ZErrorResponse,
    429: ZErrorResponse
  }
})
