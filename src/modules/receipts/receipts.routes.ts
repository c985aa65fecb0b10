import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { receiptSchema } from './receipts.schemas.js'
import type { ReceiptsService } from './receipts.service.js'

export type ReceiptsRoutesOptions = { service: ReceiptsService; perMinute: number }

export const receiptsRoutes: FastifyPluginAsyncZod<ReceiptsRoutesOptions> = async (app, { service, perMinute }) => {
  app.get(
    '/:receipt',
    { schema: receiptSchema, config: { anonymous: true, rateLimit: { max: perMinute, timeWindow: '1 minute' } } },
    async (request) => service.findStatus(request.params.receipt)
  )
}
