import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { RequestSession } from '../../plugins/sessions.js'
import type { AuditRepository } from '../audit/audit.repository.js'
import { questionSchema, responseSchema } from './messages.schemas.js'
import type { MessagesService } from './messages.service.js'

export type MessagesRoutesOptions = { service: MessagesService; audit: AuditRepository }

/** Reviewers' side of the conversation: POST /api/v1/reports/{id}/questions and /responses (audited). */
export const messagesRoutes: FastifyPluginAsyncZod<MessagesRoutesOptions> = async (app, { service, audit }) => {
  const reviewers = app.requireRole('reviewer', 'lead')

  for (const [path, kind, schema] of [
    ['/:id/questions', 'question', questionSchema],
    ['/:id/responses', 'response', responseSchema]
  ] as const) {
    app.post(path, { schema, onRequest: reviewers }, async (request, reply) => {
      const posted = await service.post(request.params.id, kind, request.body.text)
      const session = request.session as RequestSession
      await audit.record({ actorId: session.userId, action: `report.${kind}`, reportId: request.params.id }, new Date())
      return reply.code(201).send(posted)
    })
  }
}
