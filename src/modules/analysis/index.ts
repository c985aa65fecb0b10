import type { FastifyPluginAsync } from 'fastify'
import { createAuditRepository } from '../audit/audit.repository.js'
import { createCodingsRepository } from '../codings/codings.repository.js'
import { analysisRoutes } from './analysis.routes.js'
import { createAnalysisService } from './analysis.service.js'

/** /api/v1/analysis: coder agreement (and, with issue 5, trends). */
export const analysisModule: FastifyPluginAsync = async (app) => {
  const service = createAnalysisService({
    codings: createCodingsRepository(app.db.prisma),
    taxonomy: app.taxonomy,
    audit: createAuditRepository(app.db.prisma)
  })
  await app.register(analysisRoutes, { prefix: '/api/v1/analysis', service })
}
