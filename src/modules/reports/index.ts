import type { FastifyPluginAsync } from 'fastify'
import type { Config } from '../../config/env.js'
import { toDateOnly } from '../../lib/dates.js'
import { flushHeldReports, scheduleFlushes } from './intake-batch.js'
import { createReportsRepository } from './reports.repository.js'
import { reportsRoutes } from './reports.routes.js'
import { createReportsService } from './reports.service.js'

const DAY_MS = 86_400_000
const CLEANUP_INTERVAL_MS = 60 * 60 * 1000

/** POST /api/v1/reports: anonymous intake. */
export const reportsModule: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const repository = createReportsRepository(app.db)
  const flush = () => flushHeldReports(app.db.prisma, config.intakeBatchSeconds)
  // Reports reach the review table in batches (issue 17.6). 0 (tests only; refused in production) flushes right
  // after each report through the same code.
  const service = createReportsService({
    repository,
    keys: app.keys,
    afterStore: config.intakeBatchSeconds === 0 ? flush : undefined
  })
  if (config.intakeBatchSeconds > 0) {
    const schedule = scheduleFlushes(flush, config.intakeBatchSeconds, (error) =>
      app.log.warn({ err: error }, 'moving held reports to the review table failed; the next flush will retry')
    )
    app.addHook('onClose', () => schedule.stop())
  }

  // Replay records are kept for a day (R34): drop older ones hourly, and once at start.
  const cleanUp = async () => {
    try {
      await repository.deleteIdempotencyEntriesBefore(toDateOnly(new Date(Date.now() - DAY_MS)))
    } catch (error) {
      app.log.warn({ err: error }, 'idempotency clean-up failed')
    }
  }
  const timer = setInterval(cleanUp, CLEANUP_INTERVAL_MS).unref()
  app.addHook('onReady', cleanUp)
  app.addHook('onClose', async () => clearInterval(timer))

  await app.register(reportsRoutes, {
    prefix: '/api/v1/reports',
    service,
    regions: config.regions,
    per10Minutes: config.rateLimits.intakePer10Min
  })
}
