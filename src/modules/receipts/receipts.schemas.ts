import { z } from 'zod'
import { ZErrorResponse } from '../../lib/http-schemas.js'

/** What a reporter is told: where the report stands, never who is looking at it or what else it was merged with. */
export const REPORTER_STATUSES = ['received', 'in_review', 'reviewed', 'closed', 'withdrawn'] as const

// No length limit here: anything that is not a receipt gets the same 404 (past 100 characters, Fastify's router's).
export const ZReceiptParams = z.object({ receipt: z.string() }).strict()

export const ZReceiptResponse = z.object({ status: z.enum(REPORTER_STATUSES) }).strict()

export type TReceiptResponse = z.infer<typeof ZReceiptResponse>

export const receiptSchema = {
  tags: ['reporting'],
  summary: 'Where a report stands, for whoever holds its receipt. Unknown receipts are 404, as fast as known ones.',
  params: ZReceiptParams,
  response: { 200: ZReceiptResponse, 404: ZErrorResponse, 429: ZErrorResponse }
}
