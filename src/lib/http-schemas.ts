import { z } from 'zod'
import { ERROR_STATUS } from './errors.js'

/** The one error body of the API, for OpenAPI and response validation. */
export const ZErrorResponse = z
  .object({
    error: z.enum(Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS, ...(keyof typeof ERROR_STATUS)[]]),
    message: z.string(),
    requestId: z.string()
  })
  .strict()
  .describe('Error')

export type TErrorResponse = z.infer<typeof ZErrorResponse>

/** The error answers a route declares, each with the one error body: `errorResponses(400, 401, 403)`. */
export const errorResponses = <const C extends number>(...codes: C[]) =>
  Object.fromEntries(codes.map((code) => [code, ZErrorResponse])) as Record<C, typeof ZErrorResponse>

/** A month as YYYY-MM (events are kept to their month, never their day). */
export const ZMonth = z.string().regex(/^(?:19|20)\d{2}-(?:0[1-9]|1[0-2])$/, { error: 'expected a month as YYYY-MM' })

/**
 * A UUID in its canonical lower-case form: ids are bound into ciphertexts' associated data and compared as text,
 * so "ABC…" and "abc…" must be one id.
 */
export const ZId = z.uuid().toLowerCase()

/** The path parameter of every /api/v1/reports/{id} route. */
export const ZReportParams = z.object({ id: ZId }).strict()
