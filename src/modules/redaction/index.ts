import type { FastifyPluginAsync } from 'fastify'
import type { Config } from '../../config/env.js'
import { redactionRoutes } from './redaction.routes.js'

/** POST /api/v1/redaction/preview: the reporter sees exactly what reviewers will see before sending anything. */
export const redactionModule: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  await app.register(redactionRoutes, { prefix: '/api/v1/redaction', perMinute: config.rateLimits.previewPerMin })
}
