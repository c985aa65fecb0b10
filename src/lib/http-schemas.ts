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
