import { z } from 'zod'
import { errorResponses, ZReportParams } from '../../lib/http-schemas.js'
import { ZFinding } from '../redaction/redaction.schemas.js'

export const MESSAGE_MAX = 5000
export const MESSAGE_KINDS = ['question', 'answer', 'response'] as const

export const ZMessageBody = z
  .object({ text: z.string().trim().min(1).max(MESSAGE_MAX).describe('redacted before it is sealed and stored') })
  .strict()

export const ZMessage = z
  .object({
    id: z.uuid(),
    kind: z.enum(MESSAGE_KINDS).describe('question and response: from reviewers; answer: from the reporter'),
    text: z.string().describe('as stored: after redaction'),
    sentOn: z.string().describe('the date it was sent (YYYY-MM-DD)')
  })
  .strict()

export const ZPostedMessage = z.object({ message: ZMessage, findings: z.array(ZFinding) }).strict()

const errors = errorResponses(400, 401, 403, 404, 409)

export const questionSchema = {
  tags: ['review'],
  summary: 'Ask the reporter a question; they read it with their receipt (needs X-CSRF-Token).',
  params: ZReportParams,
  body: ZMessageBody,
  response: { 201: ZPostedMessage, ...errors }
}

export const responseSchema = {
  tags: ['review'],
  summary: "Publish the team's response to the reporter; they read it with their receipt (needs X-CSRF-Token).",
  params: ZReportParams,
  body: ZMessageBody,
  response: { 201: ZPostedMessage, ...errors }
}
