import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { answerSchema, receiptSchema, withdrawSchema } from './receipts.schemas.js'
import type { ReceiptsService } from './receipts.service.js'

export type ReceiptsRoutesOptions = { service: ReceiptsService; perMinute: number }

/** Anonymous routes: no session, no cookie; rate limited per daily-keyed address hash like the intake. */
export const receiptsRoutes: FastifyPluginAsyncZod<ReceiptsRoutesOptions> = async (app, { service, perMinute }) => {
  const config = { anonymous: true, rateLimit: { max: perMinute, timeWindow: '1 minute' } }

  app.get('/:receipt', { schema: receiptSchema, config }, async (request) => service.findStatus(request.params.receipt))

  app.post('/:receipt/messages', { schema: answerSchema, config }, async (request, reply) =>
    reply.code(201).send(await service.answer(request.params.receipt, request.body.text))
  )

  app.post('/:receipt/withdraw', { schema: withdrawSchema, config }, async (request) =>
    service.withdraw(request.params.receipt)
  )
}
