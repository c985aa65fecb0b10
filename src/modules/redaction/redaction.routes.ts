import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { suggestsLiveRisk } from '../../lib/live-risk.js'
import { applyMarks } from '../../lib/marks.js'
import { redact } from '../../lib/redaction/index.js'
import { previewSchema } from './redaction.schemas.js'

export type RedactionRoutesOptions = { perMinute: number }

export const redactionRoutes: FastifyPluginAsyncZod<RedactionRoutesOptions> = async (app, { perMinute }) => {
  app.post(
    '/preview',
    { schema: previewSchema, config: { anonymous: true, rateLimit: { max: perMinute, timeWindow: '1 minute' } } },
    async (request) => {
      const { text, marks = [] } = request.body
      // The same two passes as the intake, so the preview is exactly what would be stored. A mark that matches
      // nothing is reported (found: 0) rather than refused: the page uses it to tell the reporter at once.
      const { redacted, findings, found } = applyMarks(
        text,
        redact(text),
        marks.map((mark) => mark.phrase)
      )
      return { redacted, findings, marks: found.map((count) => ({ found: count })), liveRisk: suggestsLiveRisk(text) }
    }
  )
}
