import fp from 'fastify-plugin'
import type { Config } from '../../config/env.js'
import { createRetentionRepository } from './retention.repository.js'
import { createRetentionService, type RetentionService } from './retention.service.js'

declare module 'fastify' {
  interface FastifyInstance {
    retention: RetentionService
  }
}

/**
 * Runs `sweep` after `firstMs` and then every `everyMs`, one run at a time, logging only counts and failures.
 * Returns a stop function that waits for a run in progress.
 */
export const scheduleSweeps = (
  sweep: () => Promise<number>,
  log: { info(fields: object, message: string): void; warn(fields: object, message: string): void },
  {
    firstMs,
    everyMs,
    event = 'retention',
    done = 'destroyed narratives past retention',
    failed = 'retention sweep failed; it will run again'
  }: { firstMs: number; everyMs: number; event?: string; done?: string; failed?: string }
) => {
  let running: Promise<void> | undefined
  const run = () => {
    running ??= sweep()
      .then((destroyed) => {
        if (destroyed > 0) {
          log.info({ event, count: destroyed }, done)
        }
      })
      .catch((error: unknown) => log.warn({ err: error, event }, failed))
      .finally(() => {
        running = undefined
      })
  }
  const first = setTimeout(run, firstMs).unref()
  const timer = setInterval(run, everyMs).unref()
  return async () => {
    clearTimeout(first)
    clearInterval(timer)
    await running
  }
}

/** Runs the retention sweep 30 seconds after start and then every RETENTION_SWEEP_MINUTES (no routes). */
export const retentionModule = fp<{ config: Config }>(
  async (app, { config }) => {
    const service = createRetentionService({
      repository: createRetentionRepository(app.db.prisma),
      monthsAfterClosure: config.retention.monthsAfterClosure
    })
    app.decorate('retention', service)
    if (config.retention.sweepMinutes === 0) {
      return
    }
    const everyMs = config.retention.sweepMinutes * 60_000
    const stop = scheduleSweeps(() => service.sweep(), app.log, { firstMs: Math.min(30_000, everyMs), everyMs })
    app.addHook('onClose', stop)
  },
  { name: 'retention', fastify: '5.x', dependencies: ['database'] }
)
