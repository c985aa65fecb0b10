import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { RequestApiKey } from '../../plugins/api-keys.js'
import type { RequestSession } from '../../plugins/sessions.js'
import type { AuditRepository } from '../audit/audit.repository.js'
import { addRecipientSchema, addWebhookSchema, approveSchema, draftSchema, listSchema, showSchema } from './alerts.schemas.js'
import type { AlertsService } from './alerts.service.js'

export type AlertsRoutesOptions = { service: AlertsService; audit: AuditRepository }

/** /api/v1/alerts: drafting and approving (staff), the regional list (API keys), receivers (admins). */
export const alertsRoutes: FastifyPluginAsyncZod<AlertsRoutesOptions> = async (app, { service, audit }) => {
  const reviewers = app.requireRole('reviewer', 'lead')
  const leads = app.requireRole('lead')
  const admins = app.requireRole('admin')

  app.get('', { schema: listSchema, onRequest: app.requireApiKey }, async (request, reply) => {
    const key = request.apiKey as RequestApiKey
    reply.header('Cache-Control', 'no-store').header('Vary', 'Authorization')
    return service.listForRegions(key.regions)
  })

  app.post('', { schema: draftSchema, onRequest: reviewers }, async (request, reply) => {
    const session = request.session as RequestSession
    const drafted = await service.draft(request.body, session.userId)
    await audit.record(
      { actorId: session.userId, action: 'alert.draft', reportId: request.body.reportId, detail: { alert: drafted.alert.id } },
      new Date()
    )
    return reply.code(201).send(drafted)
  })

  app.get('/:id', { schema: showSchema, onRequest: reviewers }, async (request) => service.show(request.params.id))

  app.post('/:id/approve', { schema: approveSchema, onRequest: leads }, async (request) => {
    const session = request.session as RequestSession
    const approved = await service.approve(request.params.id, session.userId)
    await audit.record({ actorId: session.userId, action: 'alert.approve', detail: { alert: approved.alert.id } }, new Date())
    return approved
  })

  app.post('/recipients', { schema: addRecipientSchema, onRequest: admins }, async (request, reply) =>
    reply.code(201).send(await service.addRecipient(request.body.region, request.body.email))
  )

  app.post('/webhooks', { schema: addWebhookSchema, onRequest: admins }, async (request, reply) =>
    reply.code(201).send(await service.addWebhook(request.body.region, request.body.url))
  )
}
