import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { RequestSession } from '../../plugins/sessions.js'
import { approveSchema, listSchema } from './learning-points.schemas.js'
import type { LearningPointsService } from './learning-points.service.js'

/** /api/v1/learning-points: safety leads approve learning points for the regional summaries (issue 18.1). */
export const learningPointsRoutes: FastifyPluginAsyncZod<{ service: LearningPointsService }> = async (
  app,
  { service }
) => {
  const lead = app.requireRole('lead')
  app.get('', { schema: listSchema, onRequest: lead }, async (request) =>
    service.list(request.session as RequestSession))
  app.post('/:codingId/approvals', { schema: approveSchema, onRequest: lead }, async (request) =>
    service.approve(request.session as RequestSession, request.params.codingId, request.body))
}
