import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { RequestSession } from '../../plugins/sessions.js'
import type { AuditRepository } from '../audit/audit.repository.js'
import { createApiKeySchema, listApiKeysSchema, revokeApiKeySchema } from './api-keys.schemas.js'
import type { ApiKeySummary, ApiKeysService } from './api-keys.service.js'

export type ApiKeysRoutesOptions = {
  service: ApiKeysService
  audit: AuditRepository
  pepper: () => Uint8Array
  regions: readonly string[]
}

// Each key is for exactly one region (R26), so the console names it rather than a list.
const summary = ({ regions, ...key }: ApiKeySummary) => ({ ...key, region: regions[0] ?? '' })

/**
 * /api/v1/api-keys: what `admin create-api-key`, `list-api-keys` and `revoke-api-key` do, for admins in the console.
 * The same service, so a key made here is hashed, scoped and limited exactly as one made on the server's shell.
 */
export const apiKeysRoutes: FastifyPluginAsyncZod<ApiKeysRoutesOptions> = async (
  app,
  { service, audit, pepper, regions }
) => {
  const admins = app.requireRole('admin')

  app.get('', { schema: listApiKeysSchema, onRequest: admins }, async (_request, reply) => {
    reply.header('Cache-Control', 'no-store')
    return { apiKeys: (await service.list()).map(summary), regions: [...regions] }
  })

  app.post('', { schema: createApiKeySchema, onRequest: admins }, async (request, reply) => {
    const session = request.session as RequestSession
    const { region, label, days } = request.body
    const made = await service.create([region], label, { pepper: pepper(), days })
    // The prefix only: it names the key and takes nothing from its secret part.
    const entry = { actorId: session.userId, action: 'api-key.created', detail: { prefix: made.prefix, region } }
    await audit.record(entry, new Date())
    request.log.info({ event: 'api-key-created', user: session.userId, prefix: made.prefix }, 'API key created')
    const listed = (await service.list()).find((key) => key.prefix === made.prefix)
    if (!listed) {
      throw new Error('the API key just made is not in the listing')
    }
    // The key itself is in this answer only, which must never be cached anywhere on the way.
    reply.header('Cache-Control', 'no-store')
    return reply.code(201).send({ ...summary(listed), key: made.key })
  })

  app.post('/:prefix/revoke', { schema: revokeApiKeySchema, onRequest: admins }, async (request) => {
    const session = request.session as RequestSession
    const { prefix } = request.params
    const revoked = await service.revoke(prefix)
    if (!revoked.wasRevoked) {
      await audit.record({ actorId: session.userId, action: 'api-key.revoked', detail: { prefix } }, new Date())
      request.log.info({ event: 'api-key-revoked', user: session.userId, prefix }, 'API key revoked')
    }
    return { prefix, ...revoked }
  })
}
