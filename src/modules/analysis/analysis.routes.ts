import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { RequestSession } from '../../plugins/sessions.js'
import { agreementSchema } from './analysis.schemas.js'
import type { AnalysisService } from './analysis.service.js'

/** Analysis is for safety leads. */
export const analysisRoutes: FastifyPluginAsyncZod<{ service: AnalysisService }> = async (app, { service }) => {
  app.get('/agreement', { schema: agreementSchema, onRequest: app.requireRole('lead') }, async (request) =>
    service.agreement(request.session as RequestSession, request.query)
  )
}
