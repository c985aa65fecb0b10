import type { FastifyPluginAsync } from 'fastify'
import { createAuditRepository } from '../audit/audit.repository.js'
import { createMessagesRepository } from './messages.repository.js'
import { messagesRoutes } from './messages.routes.js'
import { createMessagesService } from './messages.service.js'

/** Reviewers ask and respond; the reporter's side lives with the receipt (src/modules/receipts). */
export const messagesModule: FastifyPluginAsync = async (app) => {
  const service = createMessagesService({ repository: createMessagesRepository(app.db.prisma), keys: app.keys })
  await app.register(messagesRoutes, {
    prefix: '/api/v1/reports',
    service,
    audit: createAuditRepository(app.db.prisma)
  })
}
