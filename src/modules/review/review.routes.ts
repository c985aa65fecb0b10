import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { RequestSession } from '../../plugins/sessions.js'
import { duplicatesSchema, mergeSchema, queueSchema, readSchema, statusSchema } from './review.schemas.js'
import type { ReviewService } from './review.service.js'

/** Narratives are for reviewers and leads; admins manage accounts and do not read reports. */
export const reviewRoutes: FastifyPluginAsyncZod<{ service: ReviewService }> = async (app, { service }) => {
  const reviewers = app.requireRole('reviewer', 'lead')
  const sessionOf = (request: { session: RequestSession | null }) => request.session as RequestSession

  app.get('', { schema: queueSchema, onRequest: reviewers }, async (request) => service.queue(request.query))

  app.get('/:id', { schema: readSchema, onRequest: reviewers }, async (request) => {
    const session = sessionOf(request)
    const report = await service.read(session, request.params.id)
    // R40: the security log records who unsealed which report (never what it says), beside the audit table, so a
    // read stays on record in the log sink even if the database's audit rows were altered.
    request.log.info({ event: 'report-unsealed', user: session.userId, report: report.id }, 'narrative unsealed')
    return report
  })

  app.patch('/:id', { schema: statusSchema, onRequest: reviewers }, async (request) =>
    service.moveStatus(sessionOf(request), request.params.id, request.body.status)
  )

  app.get('/:id/duplicates', { schema: duplicatesSchema, onRequest: reviewers }, async (request) =>
    service.duplicates(sessionOf(request), request.params.id)
  )

  app.post('/:id/merge', { schema: mergeSchema, onRequest: reviewers }, async (request) =>
    service.merge(sessionOf(request), request.params.id, request.body.into)
  )
}
