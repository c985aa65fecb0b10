import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { AppError } from '../../lib/errors.js'
import { csrfTokenFor } from '../../lib/auth/tokens.js'
import type { RequestSession } from '../../plugins/sessions.js'
import { createAuditRepository } from '../audit/audit.repository.js'
import { createSessionsRepository } from './sessions.repository.js'
import { loginSchema, logoutSchema, passwordSchema, recoverSchema, sessionSchema } from './auth.schemas.js'
import { type AuthService, TotpSecretUnreadableError } from './auth.service.js'

export type AuthRoutesOptions = { service: AuthService; loginsPerMinute: number }

export const authRoutes: FastifyPluginAsyncZod<AuthRoutesOptions> = async (app, { service, loginsPerMinute }) => {
  const sessions = createSessionsRepository(app.db.prisma)
  const audit = createAuditRepository(app.db.prisma)
  const anyRole = app.requireRole('reviewer', 'lead', 'admin')

  app.post(
    '/login',
    { schema: loginSchema, config: { rateLimit: { max: loginsPerMinute, timeWindow: '1 minute' } } },
    async (request, reply) => {
      try {
        const { token, session, userId } = await service.login(request.body, request.ip)
        request.log.info({ event: 'sign-in', outcome: 'success', user: userId }, 'signed in')
        app.sessionCookie.set(reply, token)
        return session
      } catch (error) {
        if (error instanceof AppError) {
          const account = service.accountReference(request.body.email)
          request.log.info({ event: 'sign-in', outcome: error.code, account }, 'sign-in refused')
          if (error.cause instanceof TotpSecretUnreadableError) {
            // The user cannot sign in until an operator acts; they see only the usual 401.
            request.log.error(
              { event: 'sign-in', outcome: 'totp-secret-unreadable', user: error.cause.userId },
              "a reviewer's stored TOTP secret cannot be opened: the server secret is not the one it was sealed " +
                'under, or the row is damaged (docs/keys.md, "The server secret")'
            )
          }
        }
        throw error
      }
    }
  )

  app.post('/logout', { schema: logoutSchema, onRequest: anyRole }, async (request, reply) => {
    const session = request.session
    if (session) {
      await sessions.delete(session.tokenHash)
      request.log.info({ event: 'sign-out', user: session.userId }, 'signed out')
    }
    app.sessionCookie.clear(reply)
    return reply.code(204).send(null)
  })

  app.get('/session', { schema: sessionSchema, onRequest: anyRole }, async (request) => {
    const session = request.session as RequestSession
    return {
      email: session.email,
      role: session.role,
      canUnseal: session.teamKeyWrap !== null,
      csrfToken: csrfTokenFor(session.token)
    }
  })

  app.post('/password', { schema: passwordSchema, onRequest: anyRole }, async (request, reply) => {
    const session = request.session as RequestSession
    await service.changePassword(session, request.body.currentPassword, request.body.newPassword, request.ip)
    request.log.info({ event: 'password-changed', user: session.userId }, 'password changed')
    return reply.code(204).send(null)
  })

  app.post('/recover', { schema: recoverSchema, onRequest: anyRole }, async (request) => {
    const session = request.session as RequestSession
    await service.recover(session, request.body.password, request.body.recoveryKey, request.ip)
    await audit.record({ actorId: session.userId, action: 'user.recovered-unsealing' }, new Date())
    request.log.warn({ event: 'unsealing-recovered', user: session.userId }, 'unsealing restored with the recovery key')
    return { email: session.email, role: session.role, canUnseal: true, csrfToken: csrfTokenFor(session.token) }
  })
}
