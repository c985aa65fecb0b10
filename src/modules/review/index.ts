import type { FastifyPluginAsync } from 'fastify'
import { createAuditRepository } from '../audit/audit.repository.js'
import { createCodingsRepository } from '../codings/codings.repository.js'
import { createCodingsService } from '../codings/codings.service.js'
import { createMessagesRepository } from '../messages/messages.repository.js'
import { createMessagesService } from '../messages/messages.service.js'
import { createReviewRepository } from './review.repository.js'
import { reviewRoutes } from './review.routes.js'
import { createReviewService } from './review.service.js'

/** GET /api/v1/reports (queue), GET and PATCH /api/v1/reports/{id}, merge: the reviewers' side of reports. */
export const reviewModule: FastifyPluginAsync = async (app) => {
  const audit = createAuditRepository(app.db.prisma)
  const service = createReviewService({
    repository: createReviewRepository(app.db.prisma),
    audit,
    keys: app.keys,
    codings: createCodingsService({
      repository: createCodingsRepository(app.db.prisma),
      taxonomy: app.taxonomy,
      audit,
      keys: app.keys
    }),
    messages: createMessagesService({ repository: createMessagesRepository(app.db.prisma), keys: app.keys })
  })
  await app.register(reviewRoutes, { prefix: '/api/v1/reports', service })
}
