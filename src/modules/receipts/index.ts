import type { FastifyPluginAsync } from 'fastify'
import type { Config } from '../../config/env.js'
import { createReceiptsRepository } from './receipts.repository.js'
import { receiptsRoutes } from './receipts.routes.js'
import { createReceiptsService } from './receipts.service.js'

/** GET /api/v1/receipts/{receipt}: the reporter's way back, with nothing but the receipt. */
export const receiptsModule: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const service = createReceiptsService({ repository: createReceiptsRepository(app.db.prisma), keys: app.keys })

  await app.register(receiptsRoutes, {
    prefix: '/api/v1/receipts',
    service,
    perMinute: config.rateLimits.receiptPerMin
  })
}
