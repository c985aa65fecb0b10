import type { FastifyPluginAsync } from 'fastify'
import { readMigrations } from '../../db/migrator.js'
import { healthRoutes } from './health.routes.js'
import { createHealthService } from './health.service.js'

/** GET /health/live and /health/ready, for operators, orchestrators and load balancers. */
export const healthModule: FastifyPluginAsync = async (app) => {
  const { names } = await readMigrations()
  const service = createHealthService({
    db: app.db,
    keys: app.keys,
    isDatabaseDurable: app.isDatabaseDurable,
    expectedMigrations: names
  })

  await app.register(healthRoutes, { prefix: '/health', service })
}
