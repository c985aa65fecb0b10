import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { RequestSession } from '../../plugins/sessions.js'
import type { AuditRepository } from '../audit/audit.repository.js'
import { overviewSchema, previewSchema, publishSchema } from './publications.schemas.js'
import type { TSummary } from './summaries.schemas.js'
import type { SummariesService } from './summaries.service.js'

/**
 * /api/v1/publications, for admins in the console: what has been published and what is due, publishing a due
 * quarter, and a preview of what a region's key receives. Summaries hold counts only (disclosure-controlled), but
 * a preview is not yet public, so nothing here is cached.
 */
export const publicationsRoutes: FastifyPluginAsyncZod<{ service: SummariesService; audit: AuditRepository }> = async (
  app,
  { service, audit }
) => {
  const admins = app.requireRole('admin')
  app.addHook('onSend', async (_request, reply) => {
    reply.header('Cache-Control', 'no-store')
  })

  app.get('', { schema: overviewSchema, onRequest: admins }, async () => service.overview())

  app.post('/:quarter', { schema: publishSchema, onRequest: admins }, async (request) => {
    const session = request.session as RequestSession
    const outcome = await service.publish(request.params.quarter)
    if (outcome.outcome === 'published') {
      await audit.record({ actorId: session.userId, action: 'summary.published', detail: { quarter: outcome.quarter } }, new Date())
      request.log.info({ event: 'publication', user: session.userId, quarter: outcome.quarter }, 'quarter published')
    }
    return outcome
  })

  app.get('/:quarter/regions/:region', { schema: previewSchema, onRequest: admins }, async (request) => {
    const { published, json } = await service.preview(request.params.quarter, request.params.region)
    return { published, summary: JSON.parse(json) as TSummary }
  })
}
