import { z } from 'zod'
import { ZErrorResponse } from '../../lib/http-schemas.js'
import { MESSAGE_KINDS, ZMessageBody } from '../messages/messages.schemas.js'
import { ZReporterAction } from '../actions/actions.schemas.js'
import { ZFinding } from '../redaction/redaction.schemas.js'

/** What a reporter is told: where the report stands, never who is looking at it or what else it was merged with. */
/** The queue's status names (a merged duplicate shows as coded). */
export const REPORTER_STATUSES = ['new', 'in_review', 'coded', 'closed', 'withdrawn'] as const

// No length limit here: anything that is not a receipt gets the same 404 (past 100 characters, Fastify's router's).
export const ZReceiptParams = z.object({ receipt: z.string() }).strict()

const ZReporterMessage = z
  .object({
    kind: z.enum(MESSAGE_KINDS).describe('question and response: from the reviewers; answer: yours'),
    text: z.string(),
    sentOn: z.string().describe('YYYY-MM-DD')
  })
  .strict()

export const ZReceiptResponse = z
  .object({
    status: z.enum(REPORTER_STATUSES),
    messages: z.array(ZReporterMessage).describe("reviewers' questions and response, and your answers, oldest first"),
    alerts: z
      .array(z.object({ issuedOn: z.string().describe('YYYY-MM-DD') }).strict())
      .describe('hazard alerts the team sent out about what this report raised, oldest first'),
    actions: z.array(ZReporterAction).describe('"you said, we did": what the team is changing in answer, and where it stands')
  })
  .strict()

export type TReceiptResponse = z.infer<typeof ZReceiptResponse>

export const ZWithdrawBody = z
  .object({ confirm: z.literal(true).describe('withdrawal destroys the narrative and the conversation at once') })
  .strict()

// 400: an address the router cannot read (bad percent-encoding); 404: any receipt that is not one.
const notFound = { 400: ZErrorResponse, 404: ZErrorResponse, 429: ZErrorResponse }

export const receiptSchema = {
  tags: ['reporting'],
  summary: 'Where a report stands and the conversation about it, for whoever holds its receipt. Unknown receipts are 404.',
  params: ZReceiptParams,
  response: { 200: ZReceiptResponse, ...notFound }
}

export const answerSchema = {
  tags: ['reporting'],
  summary: "Answer the reviewers' question: the text is redacted, then sealed like the narrative.",
  params: ZReceiptParams,
  body: ZMessageBody,
  response: {
    201: z.object({ message: ZReporterMessage, findings: z.array(ZFinding) }).strict(),
    409: ZErrorResponse,
    ...notFound
  }
}

export const withdrawSchema = {
  tags: ['reporting'],
  summary: 'Withdraw the report: the narrative and conversation are destroyed; a coding already made is kept.',
  params: ZReceiptParams,
  body: ZWithdrawBody,
  response: { 200: z.object({ status: z.literal('withdrawn') }).strict(), ...notFound }
}
