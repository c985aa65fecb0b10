import type { FastifyPluginAsync } from 'fastify'
import type { Config } from '../../config/env.js'
import { createAuditRepository } from '../audit/audit.repository.js'
import { createApiKeysRepository } from './api-keys.repository.js'
import { apiKeysRoutes } from './api-keys.routes.js'
import { createApiKeysService } from './api-keys.service.js'

/** Admins manage regional groups' API keys over HTTP (issue 12): /api/v1/api-keys. */
export const apiKeysModule: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const service = createApiKeysService({ repository: createApiKeysRepository(app.db.prisma), regions: config.regions })
  await app.register(apiKeysRoutes, {
    prefix: '/api/v1/api-keys',
    service,
    regions: config.regions,
    audit: createAuditRepository(app.db.prisma),
    // Read at each call: the key ring loads after the modules register.
    pepper: () => app.keys.get().apiKeyPepper
  })
}
