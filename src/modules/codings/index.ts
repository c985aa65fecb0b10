import type { FastifyPluginAsync } from 'fastify'
import { createAuditRepository } from '../audit/audit.repository.js'
import { sealUnsealedCodings } from './coding-legacy.js'
import { createCodingsRepository } from './codings.repository.js'
import { codingsRoutes } from './codings.routes.js'
import { createCodingsService } from './codings.service.js'

const RETRY_MS = 5_000

/** POST /api/v1/reports/{id}/codings. */
export const codingsModule: FastifyPluginAsync = async (app) => {
  const service = createCodingsService({
    repository: createCodingsRepository(app.db.prisma),
    taxonomy: app.taxonomy,
    audit: createAuditRepository(app.db.prisma),
    keys: app.keys
  })
  await app.register(codingsRoutes, { prefix: '/api/v1/reports', service })

  // Codings from before sealing (issue 17.5) are sealed with the team public key as soon as it is loaded; until then
  // (a database not yet reachable, a team key not yet made) this retries. Errors are logged, never served.
  let retry: NodeJS.Timeout | undefined
  const sealLegacy = async () => {
    if (!app.keys.isReady()) return false
    const { sodium, teamKey } = app.keys.get()
    const sealed = await sealUnsealedCodings(app.db.prisma, sodium, teamKey)
    if (sealed > 0) app.log.warn({ codings: sealed }, 'sealed codings written before sealing to the team key')
    return true
  }
  const attempt = () =>
    sealLegacy().then(
      (done) => {
        if (done) clearInterval(retry)
      },
      (error: unknown) => app.log.warn({ err: error }, 'sealing older codings failed; retrying')
    )
  app.addHook('onReady', async () => {
    await attempt()
    if (!app.keys.isReady()) {
      retry = setInterval(() => {
        attempt().catch(() => undefined)
      }, RETRY_MS).unref()
    }
  })
  app.addHook('onClose', async () => {
    clearInterval(retry)
  })
}
