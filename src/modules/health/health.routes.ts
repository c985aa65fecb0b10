import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { liveSchema, readySchema } from './health.schemas.js'
import type { HealthService } from './health.service.js'

export const healthRoutes: FastifyPluginAsyncZod<{ service: HealthService }> = async (app, { service }) => {
  app.get('/live', { schema: liveSchema, config: { exemptFromLoadShedding: true } }, async () => ({
    status: 'ok' as const
  }))

  app.get('/ready', { schema: readySchema }, async () => {
    await service.assertReady()

    return { status: 'ready' as const }
  })
}
