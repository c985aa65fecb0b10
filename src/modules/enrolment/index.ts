import type { FastifyPluginAsync } from 'fastify'
import type { Config } from '../../config/env.js'
import { createUsersRepository } from '../users/users.repository.js'
import { createEnrolmentRepository } from './enrolment.repository.js'
import { enrolmentAdminRoutes, enrolmentRoutes } from './enrolment.routes.js'
import { createEnrolmentService } from './enrolment.service.js'

/** Accounts made and authenticators reset through the console, by one-time enrolment links (issue 12). */
export const enrolmentModule: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const service = createEnrolmentService({
    repository: createEnrolmentRepository(app.db.prisma),
    users: createUsersRepository(app.db.prisma),
    keys: app.keys
  })
  await app.register(enrolmentAdminRoutes, { prefix: '/api/v1/users', service })
  await app.register(enrolmentRoutes, { prefix: '/api/v1/enrolment', service, perMinute: config.rateLimits.loginPerMin })
}
