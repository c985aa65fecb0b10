import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { RequestSession } from '../../plugins/sessions.js'
import { codingSchema } from './codings.schemas.js'
import type { CodingsService } from './codings.service.js'

export const codingsRoutes: FastifyPluginAsyncZod<{ service: CodingsService }> = async (app, { service }) => {
  const reviewers = app.requireRole('reviewer', 'lead')
  app.post('/:id/codings', { schema: codingSchema, onRequest: reviewers }, async (request, reply) => {
    const session = request.session as RequestSession
    const { replaced, ...result } = await service.code(session, request.params.id, request.body)
    return reply.code(replaced ? 200 : 201).send(result)
  })
}
