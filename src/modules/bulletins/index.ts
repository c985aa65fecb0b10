import fp from 'fastify-plugin'
import type { Config } from '../../config/env.js'
import { createAuditRepository } from '../audit/audit.repository.js'
import { bulletinsPublicRoutes } from './bulletins.public.js'
import { createBulletinsRepository } from './bulletins.repository.js'
import { bulletinsRoutes } from './bulletins.routes.js'
import { type BulletinsService, createBulletinsService } from './bulletins.service.js'

declare module 'fastify' {
  interface FastifyInstance {
    bulletins: BulletinsService
  }
}

/**
 * The quarterly learning bulletin (issue 13.3): drafted by staff at /api/v1/bulletins/drafts, approved by two leads
 * other than the drafter, then public at /bulletins (HTML, PDF, Atom) and as JSON at /api/v1/bulletins for API keys.
 */
export const bulletinsModule = fp<{ config: Config; clock?: () => Date }>(
  async (app, { config, clock }) => {
    const service = createBulletinsService({
      repository: createBulletinsRepository(app.db.prisma),
      taxonomy: app.taxonomy,
      regions: config.regions,
      pepper: () => app.keys.get().apiKeyPepper,
      clock
    })
    app.decorate('bulletins', service)
    await app.register(bulletinsRoutes, {
      prefix: '/api/v1/bulletins',
      service,
      audit: createAuditRepository(app.db.prisma)
    })
    await app.register(bulletinsPublicRoutes, { service })
  },
{ name: 'bulletins', fastify: '5.x', dependencies: ['database', 'api-keys', 'sessions', 'taxonomy'] }
)
