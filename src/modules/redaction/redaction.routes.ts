import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { suggestsLiveRisk } from '../../lib/live-risk.js'
import { redact } from '../../lib/redaction/index.js'
import { previewSchema } from './redaction.schemas.js'

export type RedactionRoutesOptions = { perMinute: number }

export const redactionRoutes: FastifyPluginAsyncZod<RedactionRoutesOptions> = async (app, { perMinute }) => {
  app.post(
    '/preview',
    { schema: previewSchema, config: { anonymous: true, rateLimit: { max: perMinute, timeWindow: '1 minute' } } },
    async (request) => ({ ...redact(request.body.text), liveRisk: suggestsLiveRisk(request.body.text) })
  )
}
