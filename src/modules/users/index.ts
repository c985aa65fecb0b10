import type { FastifyPluginAsync } from 'fastify'
import { createAuditRepository } from '../audit/audit.repository.js'
import { createGrantsService } from './grants.service.js'
import { createUsersRepository } from './users.repository.js'
import { usersRoutes } from './users.routes.js'

/** GET /api/v1/users and POST /api/v1/users/{id}/grant, /disable and /enable, for admins. */
export const usersModule: FastifyPluginAsync = async (app) => {
  const repository = createUsersRepository(app.db.prisma)
  const audit = createAuditRepository(app.db.prisma)
  const grants = createGrantsService({ repository, audit, keys: app.keys })
  await app.register(usersRoutes, { prefix: '/api/v1/users', repository, grants, audit })
}
