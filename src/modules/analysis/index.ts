import type { FastifyPluginAsync } from 'fastify'
import type { Config } from '../../config/env.js'
import { createAuditRepository } from '../audit/audit.repository.js'
import { createCodingsRepository } from '../codings/codings.repository.js'
import { analysisRoutes } from './analysis.routes.js'
import { createAnalysisService } from './analysis.service.js'
import { createFactsRepository } from './facts.repository.js'
import { createTrendsRepository } from './trends.repository.js'
import { createTrendsService } from './trends.service.js'

/** /api/v1/analysis: coder agreement, themed trends, co-occurrence and rising themes, for safety leads. */
export const analysisModule: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const audit = createAuditRepository(app.db.prisma)
  // The first start after the analysis tables arrived derives them from the codings already there: in the
  // background once the server is up, since a server must start (live, not ready) even with its database down.
  const facts = createFactsRepository()
  let rebuilding: Promise<void> | undefined
  app.addHook('onReady', async () => {
    rebuilding = (async () => {
      if (await facts.needsRebuild(app.db.prisma)) {
        // A ceiling, not an estimate: 10M reports took 42–77 minutes on two cores (docs/benchmarks.md), and a rebuild
        // cut short is rolled back and begun again at the next start, so a tight limit would never let one finish.
        await app.db.prisma.$transaction((tx) => facts.rebuild(tx), { timeout: 6 * 3_600_000 })
        app.log.info({ event: 'analysis' }, 'derived the analysis record from the codings already stored')
      }
    })().catch((error: unknown) => app.log.warn({ err: error, event: 'analysis' }, 'analysis rebuild check failed'))
  })
  app.addHook('onClose', async () => {
    await rebuilding
  })
  const { prisma } = app.db
  const service = createAnalysisService({ codings: createCodingsRepository(prisma), taxonomy: app.taxonomy, audit })
  const repository = createTrendsRepository(prisma, { queryTimeoutMs: config.analysisQueryTimeoutMs })
  const trends = createTrendsService({ repository, taxonomy: app.taxonomy, audit })
  await app.register(analysisRoutes, { prefix: '/api/v1/analysis', service, trends })
}
