import { z } from 'zod'
import { ZErrorResponse } from '../../lib/http-schemas.js'
import { PLACEHOLDER_PATTERN, REMOVED } from '../../lib/marks.js'
import { IDENTIFIER_TYPES } from '../../lib/redaction/types.js'

export const NARRATIVE_MAX = 10_000

export const ZFinding = z
  .object({
    type: z.enum(IDENTIFIER_TYPES),
    start: z.number().int().min(0).describe('offset of the first character in the text sent (UTF-16 code units)'),
    end: z.number().int().min(0).describe('offset just past the last character')
  })
  .strict()

/** A finding in a reporter's text: the pipeline's types, and REMOVED for what the reporter marked. */
export const ZMarkedFinding = z
  .object({
    type: z.enum([...IDENTIFIER_TYPES, REMOVED]),
    start: z.number().int().min(0).describe('offset of the first character in the text sent (UTF-16 code units)'),
    end: z.number().int().min(0).describe('offset just past the last character')
  })
  .strict()

export const MARKS_MAX = 50
export const MARK_PHRASE_MAX = 200

/**
 * A word or phrase the reporter saw in the preview and wants removed too. It is matched after the redaction, as
 * whole words and ignoring case, everywhere it is still shown, and becomes [REMOVED]. It may not contain a
 * placeholder: a mark can only cover text still shown, so it can never reach into (or give back) what was removed.
 */
export const ZMark = z
  .object({
    phrase: z
      .string()
      .trim()
      .min(1, { error: 'mark at least one word' })
      .max(MARK_PHRASE_MAX, { error: `mark at most ${MARK_PHRASE_MAX} characters at a time` })
      .refine((phrase) => /[\p{L}\p{N}]/u.test(phrase), { error: 'mark a word, not only punctuation' })
      .refine((phrase) => !PLACEHOLDER_PATTERN.test(phrase), {
        error: 'a mark may not include a placeholder such as [NAME]: mark the words either side of it separately'
      })
      .describe('a word or phrase still shown in the preview, as shown (case and spacing do not matter)')
  })
  .strict()

export const ZMarks = z
  .array(ZMark)
  .max(MARKS_MAX, { error: `mark at most ${MARKS_MAX} words or phrases` })
  .describe('the reporter\'s own marks, applied after the redaction; each becomes [REMOVED] everywhere it appears')

export const ZPreviewBody = z
  .object({
    text: z.string().min(1).max(NARRATIVE_MAX).describe('the narrative as written, up to 10,000 characters'),
    marks: ZMarks.optional()
  })
  .strict()

export const ZPreviewResponse = z
  .object({
    redacted: z
      .string()
      .describe('the text with each identifier replaced by a typed placeholder such as [NAME], and each mark by [REMOVED]'),
    findings: z.array(ZMarkedFinding),
    marks: z
      .array(z.object({ found: z.number().int().min(0) }).strict())
      .describe('for each mark sent, in order, how many places it removed; 0 means it matches nothing still shown'),
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
