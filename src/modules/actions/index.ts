import fp from 'fastify-plugin'
import { createAuditRepository } from '../audit/audit.repository.js'
import { createActionsRepository } from './actions.repository.js'
import { actionsRoutes } from './actions.routes.js'
import { createActionsService, type ActionsService } from './actions.service.js'

declare module 'fastify' {
  interface FastifyInstance {
    actions: ActionsService
  }
}

/** /api/v1/actions ("you said, we did"), and `app.actions` for the receipt page. */
export const actionsModule = fp(
  async (app) => {
    const service = createActionsService({ repository: createActionsRepository(app.db.prisma), taxonomy: app.taxonomy })
    app.decorate('actions', service)
    await app.register(actionsRoutes, { prefix: '/api/v1/actions', service, audit: createAuditRepository(app.db.prisma) })
  },
  { name: 'actions', fastify: '5.x', dependencies: ['database', 'sessions', 'taxonomy'] }
)
