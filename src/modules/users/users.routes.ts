import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { AppError } from '../../lib/errors.js'
import type { RequestSession } from '../../plugins/sessions.js'
import type { GrantsService } from './grants.service.js'
import { grantSchema, listUsersSchema } from './users.schemas.js'
import type { UsersRepository } from './users.repository.js'
import { toUserSummary } from './users.service.js'

export type UsersRoutesOptions = { repository: Pick<UsersRepository, 'list' | 'findById'>; grants: GrantsService }

/** Account administration over HTTP (creating accounts stays in the admin CLI, which shows the TOTP URI once). */
export const usersRoutes: FastifyPluginAsyncZod<UsersRoutesOptions> = async (app, { repository, grants }) => {
  const admins = app.requireRole('admin')

  app.get('', { schema: listUsersSchema, onRequest: admins }, async () => ({
    users: (await repository.list()).map(toUserSummary)
  }))

  app.post('/:id/grant', { schema: grantSchema, onRequest: admins }, async (request) => {
    await grants.grant(request.session as RequestSession, request.params.id)
    const granted = await repository.findById(request.params.id)
    if (!granted) {
      throw new AppError('NOT_FOUND', 'There is no such user.')
    }
    return toUserSummary(granted)
  })
}
