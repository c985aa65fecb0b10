import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { RequestSession } from '../../plugins/sessions.js'
import type { AuditRepository } from '../audit/audit.repository.js'
import { createActionSchema, listActionsSchema, updateActionSchema } from './actions.schemas.js'
import type { ActionsService } from './actions.service.js'

/** /api/v1/actions: leads record and move on "you said, we did" actions; every change is audited. */
export const actionsRoutes: FastifyPluginAsyncZod<{ service: ActionsService; audit: AuditRepository }> = async (
  app,
  { service, audit }
) => {
  const leads = app.requireRole('lead')

  app.get('', { schema: listActionsSchema, onRequest: leads }, async (request) =>
    service.list({ overdue: request.query.overdue === 'true' })
  )

  app.post('', { schema: createActionSchema, onRequest: leads }, async (request, reply) => {
    const session = request.session as RequestSession
    const action = await service.create(request.body, session.userId)
    await audit.record({ actorId: session.userId, action: 'action.create', detail: { action: action.id } }, new Date())
    return reply.code(201).send(action)
  })

  app.patch('/:id', { schema: updateActionSchema, onRequest: leads }, async (request) => {
    const session = request.session as RequestSession
    const action = await service.update(request.params.id, request.body)
    await audit.record(
      { actorId: session.userId, action: 'action.update', detail: { action: action.id, status: action.status } },
      new Date()
    )
    return action
  })
}
