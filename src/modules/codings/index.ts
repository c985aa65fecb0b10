import type { FastifyPluginAsync } from 'fastify'
import { createAuditRepository } from '../audit/audit.repository.js'
import { createCodingsRepository } from './codings.repository.js'
import { codingsRoutes } from './codings.routes.js'
import { createCodingsService } from './codings.service.js'

/** POST /api/v1/reports/{id}/codings. */
export const codingsModule: FastifyPluginAsync = async (app) => {
  const service = createCodingsService({
    repository: createCodingsRepository(app.db.prisma),
    taxonomy: app.taxonomy,
    audit: createAuditRepository(app.db.prisma)
  })
  await app.register(codingsRoutes, { prefix: '/api/v1/reports', service })
}
