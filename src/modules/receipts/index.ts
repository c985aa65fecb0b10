import type { FastifyPluginAsync } from 'fastify'
import type { Config } from '../../config/env.js'
import { createMessagesRepository } from '../messages/messages.repository.js'
import { createMessagesService } from '../messages/messages.service.js'
import { createReceiptsRepository } from './receipts.repository.js'
import { receiptsRoutes } from './receipts.routes.js'
import { createReceiptsService } from './receipts.service.js'

/** /api/v1/receipts/{receipt}: status and conversation, answers, withdrawal — with nothing but the receipt. */
export const receiptsModule: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const service = createReceiptsService({
    repository: createReceiptsRepository(app.db.prisma),
    messages: createMessagesService({ repository: createMessagesRepository(app.db.prisma), keys: app.keys }),
    keys: app.keys
  })

  await app.register(receiptsRoutes, {
    prefix: '/api/v1/receipts',
    service,
    perMinute: config.rateLimits.receiptPerMin
  })
}
