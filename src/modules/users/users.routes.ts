import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { AppError } from '../../lib/errors.js'
import type { RequestSession } from '../../plugins/sessions.js'
import type { AuditRepository } from '../audit/audit.repository.js'
import type { GrantsService } from './grants.service.js'
import { disableSchema, enableSchema, grantSchema, listUsersSchema } from './users.schemas.js'
import type { UsersRepository } from './users.repository.js'
import { toUserSummary } from './users.service.js'

export type UsersRoutesOptions = {
  repository: Pick<UsersRepository, 'list' | 'findById' | 'disable' | 'enable'>
  grants: GrantsService
  audit: AuditRepository
}

/**
 * Account administration over HTTP: listing, granting unsealing, disabling and enabling. Creating accounts and
 * resetting authenticators are in src/modules/enrolment (they hand out enrolment links).
 */
export const usersRoutes: FastifyPluginAsyncZod<UsersRoutesOptions> = async (app, { repository, grants, audit }) => {
  const admins = app.requireRole('admin')

  const summaryOf = async (id: string) => {
    const user = await repository.findById(id)
    if (!user) {
      throw new AppError('NOT_FOUND', 'There is no such user.')
    }
    return toUserSummary(user)
  }

  app.get('', { schema: listUsersSchema, onRequest: admins }, async () => ({
    users: (await repository.list()).map(toUserSummary)
  }))

  app.post('/:id/grant', { schema: grantSchema, onRequest: admins }, async (request) => {
    await grants.grant(request.session as RequestSession, request.params.id)
    return summaryOf(request.params.id)
  })

  app.post('/:id/disable', { schema: disableSchema, onRequest: admins }, async (request) => {
    const session = request.session as RequestSession
    const { id } = request.params
    await summaryOf(id)
    // An admin locking themselves out could leave no one to undo it.
    if (id === session.userId) {
      throw new AppError('CONFLICT', 'You cannot disable your own account; ask another admin.')
    }
    await repository.disable(id, new Date())
    await audit.record({ actorId: session.userId, action: 'user.disabled', detail: { user: id } }, new Date())
    request.log.info({ event: 'user-disabled', user: session.userId, target: id }, 'account disabled')
    return summaryOf(id)
  })

  app.post('/:id/enable', { schema: enableSchema, onRequest: admins }, async (request) => {
    const session = request.session as RequestSession
    const { id } = request.params
    await summaryOf(id)
    await repository.enable(id)
    await audit.record({ actorId: session.userId, action: 'user.enabled', detail: { user: id } }, new Date())
    request.log.info({ event: 'user-enabled', user: session.userId, target: id }, 'account enabled')
    return summaryOf(id)
  })
}
