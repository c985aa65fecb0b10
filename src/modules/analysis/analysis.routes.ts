import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { RequestSession } from '../../plugins/sessions.js'
import { agreementSchema } from './analysis.schemas.js'
import type { AnalysisService } from './analysis.service.js'
import { cooccurrenceSchema, risingSchema, trendsSchema } from './trends.schemas.js'
import type { TrendsService } from './trends.service.js'

/** Analysis is for safety leads: coded fields only, and every read audited. */
export const analysisRoutes: FastifyPluginAsyncZod<{ service: AnalysisService; trends: TrendsService }> = async (
  app,
  { service, trends }
) => {
  const lead = app.requireRole('lead')
  app.get('/agreement', { schema: agreementSchema, onRequest: lead }, async (request) =>
    service.agreement(request.session as RequestSession, request.query)
  )
  app.get('/trends', { schema: trendsSchema, onRequest: lead }, async (request) =>
    trends.trends(request.session as RequestSession, request.query)
  )
  app.get('/cooccurrence', { schema: cooccurrenceSchema, onRequest: lead }, async (request) =>
    trends.cooccurrence(request.session as RequestSession, request.query)
  )
  app.get('/rising', { schema: risingSchema, onRequest: lead }, async (request) =>
    trends.rising(request.session as RequestSession, request.query)
  )
}
