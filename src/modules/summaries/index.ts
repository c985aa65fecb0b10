import fp from 'fastify-plugin'
import type { Config } from '../../config/env.js'
import { scheduleSweeps } from '../retention/index.js'
import { createAuditRepository } from '../audit/audit.repository.js'
import { createLearningPointsRepository } from './learning-points.js'
import { learningPointsRoutes } from './learning-points.routes.js'
import { createLearningPointsService } from './learning-points.service.js'
import { createPublicationRepository } from './publication.repository.js'
import { createReadingService } from './reading.service.js'
import { publicationsRoutes } from './publications.routes.js'
import { summariesRoutes } from './summaries.routes.js'
import { createSummariesService, type SummariesService } from './summaries.service.js'

declare module 'fastify' {
  interface FastifyInstance {
    summaries: SummariesService
  }
}

const MINUTE_MS = 60_000

/**
 * What only tests set: the date the publication sees (so a test can make a quarter due) and the time between checks
 * instead of PUBLISH_CHECK_MINUTES (which still turns the checks on or off), so the scheduled job is tested as wired.
 */
export type SummariesSchedule = { clock?: () => Date; checkEveryMs?: number }

/**
 * /api/v1/summaries: quarterly learning summaries for regional groups. Publishes each quarter automatically
 * PUBLISH_AFTER_DAYS after it ends (checked every PUBLISH_CHECK_MINUTES; 0 turns that off), or by
 * `admin publish-quarter`.
 */
export const summariesModule = fp<{ config: Config } & SummariesSchedule>(
  async (app, { config, clock, checkEveryMs }) => {
    const service = createSummariesService({
      repository: createPublicationRepository(app.db.prisma),
      taxonomy: app.taxonomy,
      regions: config.regions,
      afterDays: config.publication.afterDays,
      threshold: config.publication.threshold,
      base: config.publication.base,
      clock
    })
    app.decorate('summaries', service)
    await app.register(summariesRoutes, {
      prefix: '/api/v1/summaries',
      service,
      reading: createReadingService(app.db.prisma, app.taxonomy),
      disclosure: { threshold: config.publication.threshold, base: config.publication.base }
    })
    // Admins see, publish and preview the publications in the console (issue 12).
    await app.register(publicationsRoutes, {
      prefix: '/api/v1/publications',
      service,
      audit: createAuditRepository(app.db.prisma)
    })
    // Leads approve learning points for publication here (issue 18.1).
    await app.register(learningPointsRoutes, {
      prefix: '/api/v1/learning-points',
      service: createLearningPointsService({
        repository: createLearningPointsRepository(app.db.prisma),
        audit: createAuditRepository(app.db.prisma),
        keys: app.keys,
        clock
      })
    })
    if (config.publication.checkMinutes > 0) {
      const publishDue = async () => ((await service.publishDue()) ? 1 : 0)
      const everyMs = checkEveryMs ?? config.publication.checkMinutes * MINUTE_MS
      const stop = scheduleSweeps(publishDue, app.log, {
        firstMs: Math.min(60_000, everyMs),
        everyMs,
        event: 'publication',
        done: 'published the quarter due',
        failed: 'automatic publication failed; it will be tried again at the next check'
      })
      app.addHook('onClose', stop)
    }
  },
  { name: 'summaries', fastify: '5.x', dependencies: ['database', 'api-keys', 'sessions'] }
)
