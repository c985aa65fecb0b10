import type { FastifyPluginAsync } from 'fastify'
import type { Config } from '../../config/env.js'
import { createKeysRepository } from '../keys/keys.repository.js'
import { createKeysService } from '../keys/keys.service.js'
import { createUsersRepository } from '../users/users.repository.js'
import { authRoutes } from './auth.routes.js'
import { createAuthService } from './auth.service.js'
import { createLoginAttemptsRepository, createSessionsRepository } from './sessions.repository.js'

/** POST /api/v1/auth/login, /logout, /password, /recover; GET /api/v1/auth/session. */
export const authModule: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const service = createAuthService({
    users: createUsersRepository(app.db.prisma),
    sessions: createSessionsRepository(app.db.prisma),
    attempts: createLoginAttemptsRepository(app.db.prisma),
    keys: app.keys,
    openWithRecoveryKey: (recoveryKey) =>
      createKeysService({ repository: createKeysRepository(app.db.prisma), sodium: app.keys.get().sodium })
        .openWithRecoveryKey(recoveryKey)
  })
  await app.register(authRoutes, { prefix: '/api/v1/auth', service, loginsPerMinute: config.rateLimits.loginPerMin })
}
