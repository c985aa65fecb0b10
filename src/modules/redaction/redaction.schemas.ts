import { z } from 'zod'
import { ZErrorResponse } from '../../lib/http-schemas.js'
import { IDENTIFIER_TYPES } from '../../lib/redaction/types.js'

export const NARRATIVE_MAX = 10_000

export const ZFinding = z
  .object({
    type: z.enum(IDENTIFIER_TYPES),
    start: z.number().int().min(0).describe('offset of the first character in the text sent (UTF-16 code units)'),
    end: z.number().int().min(0).describe('offset just past the last character')
  })
  .strict()

export const ZPreviewBody = z
  .object({ text: z.string().min(1).max(NARRATIVE_MAX).describe('the narrative as written, up to 10,000 characters') })
  .strict()

export const ZPreviewResponse = z
  .object({
    redacted: z.string().describe('the text with each identifier replaced by a typed placeholder such as [NAME]'),
    findings: z.array(ZFinding),
    liveRisk: z.boolean().describe('true when the text reads like a child at risk now: show the referral routes')
  })
  .strict()

export type TPreviewBody = z.infer<typeof ZPreviewBody>

export const previewSchema = {
  tags: ['reporting'],
  summary: 'Show what reviewers would see: identifiers replaced by placeholders. Stores and logs nothing.',
  body: ZPreviewBody,
  response: {
    200: ZPreviewResponse,
    400: ZErrorResponse,
    413: ZErrorResponse,
    415: ZErrorResponse,
    429: ZErrorResponse
  }
}
