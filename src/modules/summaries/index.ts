import fp from 'fastify-plugin'
import type { Config } from '../../config/env.js'
import { scheduleSweeps } from '../retention/index.js'
import { createPublicationRepository } from './publication.repository.js'
import { summariesRoutes } from './summaries.routes.js'
import { createSummariesService, type SummariesService } from './summaries.service.js'

declare module 'fastify' {
  interface FastifyInstance {
    summaries: SummariesService
  }
}

const MINUTE_MS = 60_000

/**
 * /api/v1/summaries: quarterly learning summaries for regional groups. Publishes each quarter automatically
 * PUBLISH_AFTER_DAYS after it ends (checked every PUBLISH_CHECK_MINUTES; 0 turns that off), or by
 * `admin publish-quarter`.
 */
export const summariesModule = fp<{ config: Config }>(
  async (app, { config }) => {
    const service = createSummariesService({
      repository: createPublicationRepository(app.db.prisma),
      taxonomy: app.taxonomy,
      regions: config.regions,
      afterDays: config.publication.afterDays,
      threshold: config.publication.threshold,
      base: config.publication.base
    })
    app.decorate('summaries', service)
    await app.register(summariesRoutes, {
      prefix: '/api/v1/summaries',
      service,
      disclosure: { threshold: config.publication.threshold, base: config.publication.base }
    })
    if (config.publication.checkMinutes > 0) {
      const publishDue = async () => ((await service.publishDue()) ? 1 : 0)
      const stop = scheduleSweeps(publishDue, app.log, {
        firstMs: 60_000,
        everyMs: config.publication.checkMinutes * MINUTE_MS,
        event: 'publication',
        done: 'published the quarter due',
        failed: 'automatic publication failed; it will be tried again at the next check'
      })
      app.addHook('onClose', stop)
    }
  },
  { name: 'summaries', fastify: '5.x', dependencies: ['database', 'api-keys'] }
)
