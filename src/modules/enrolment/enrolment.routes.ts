import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { RequestSession } from '../../plugins/sessions.js'
import { createAuditRepository } from '../audit/audit.repository.js'
import { completeSchema, inviteSchema, resetAuthenticatorSchema, startSchema } from './enrolment.schemas.js'
import type { EnrolmentService } from './enrolment.service.js'

type Options = { service: EnrolmentService }

/** Admins: POST /api/v1/users (create an account) and /api/v1/users/{id}/reset-authenticator, both audited. */
export const enrolmentAdminRoutes: FastifyPluginAsyncZod<Options> = async (app, { service }) => {
  const admins = app.requireRole('admin')
  const audit = createAuditRepository(app.db.prisma)

  app.post('', { schema: inviteSchema, onRequest: admins }, async (request, reply) => {
    const session = request.session as RequestSession
    const made = await service.invite(request.body.email, request.body.role)
    await audit.record({ actorId: session.userId, action: 'user.invited', detail: { user: made.userId } }, new Date())
    request.log.info({ event: 'user-invited', user: session.userId, invited: made.userId }, 'account created')
    return reply.code(201).send(made)
  })

  app.post('/:id/reset-authenticator', { schema: resetAuthenticatorSchema, onRequest: admins }, async (request) => {
    const session = request.session as RequestSession
    const link = await service.resetAuthenticator(request.params.id)
    const entry = { actorId: session.userId, action: 'user.authenticator-reset', detail: { user: request.params.id } }
    await audit.record(entry, new Date())
    request.log.info({ event: 'authenticator-reset', user: session.userId, target: request.params.id }, 'authenticator reset')
    return link
  })
}

/** The new user's side, before they have an account that works: the token in the body, never in a path. */
type PublicOptions = Options & { perMinute: number }
export const enrolmentRoutes: FastifyPluginAsyncZod<PublicOptions> = async (app, { service, perMinute }) => {
  const config = { rateLimit: { max: perMinute, timeWindow: '1 minute' } }
  app.post('/start', { schema: startSchema, config }, async (request) => service.start(request.body.token))
  app.post('/complete', { schema: completeSchema, config }, async (request) => {
    const done = await service.complete(request.body.token, request.body)
    request.log.info({ event: 'enrolled' }, 'enrolment completed')
    return done
  })
}
