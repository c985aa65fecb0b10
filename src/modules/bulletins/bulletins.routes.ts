import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { RequestSession } from '../../plugins/sessions.js'
import type { AuditRepository } from '../audit/audit.repository.js'
import {
  apiNationalSchema,
  apiRegionSchema,
  approveSchema,
  createDraftSchema,
  editDraftSchema,
  listDraftsSchema,
  NATIONAL,
  showDraftSchema,
  type TBulletin
} from './bulletins.schemas.js'
import type { BulletinsService } from './bulletins.service.js'

const JSON_TYPE = 'application/json; charset=utf-8'

/**
 * /api/v1/bulletins: drafting, editing and approving (staff; the drafts routes), and the approved bulletins as JSON
 * for API keys. The static "drafts" segment wins over the {quarter} parameter in the router.
 */
export const bulletinsRoutes: FastifyPluginAsyncZod<{ service: BulletinsService; audit: AuditRepository }> = async (
  app,
  { service, audit }
) => {
  const staff = app.requireRole('reviewer', 'lead')
  const leads = app.requireRole('lead')
  const record = (session: RequestSession, action: string, bulletin: string) =>
    audit.record({ actorId: session.userId, action, detail: { bulletin } }, new Date())

  app.post('/drafts', { schema: createDraftSchema, onRequest: staff }, async (request, reply) => {
    const session = request.session as RequestSession
    const draft = await service.create(request.body, session.userId)
    await record(session, 'bulletin.draft', draft.id)
    return reply.code(201).send(draft)
  })

  app.get('/drafts', { schema: listDraftsSchema, onRequest: staff }, async (request) =>
    service.list((request.session as RequestSession).userId))

  app.get('/drafts/:id', { schema: showDraftSchema, onRequest: staff }, async (request) =>
    service.show(request.params.id, (request.session as RequestSession).userId))

  app.patch('/drafts/:id', { schema: editDraftSchema, onRequest: staff }, async (request) => {
    const session = request.session as RequestSession
    const edited = await service.edit(request.params.id, request.body, session.userId)
    await record(session, 'bulletin.edit', edited.id)
    return edited
  })

  app.post('/drafts/:id/approvals', { schema: approveSchema, onRequest: leads }, async (request) => {
    const session = request.session as RequestSession
    const approved = await service.approve(request.params.id, session.userId)
    await record(session, 'bulletin.approve', approved.id)
    return approved
  })

  // The stored bytes as they are: every pull is byte-identical (they were checked against ZBulletin when frozen).
  app.get('/:quarter', { schema: apiNationalSchema, onRequest: app.requireApiKey }, async (request, reply) => {
    const { json } = await service.published(request.params.quarter, NATIONAL)
    return reply.type(JSON_TYPE).send(json as unknown as TBulletin)
  })
  app.get('/:quarter/:region', { schema: apiRegionSchema, onRequest: app.requireApiKey }, async (request, reply) => {
    const { json } = await service.published(request.params.quarter, request.params.region, { region: true })
    return reply.type(JSON_TYPE).send(json as unknown as TBulletin)
  })
}
