import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { AppError } from '../../lib/errors.js'
import type { RequestApiKey } from '../../plugins/api-keys.js'
import { summarySchema, type TSummary } from './summaries.schemas.js'
import type { SummariesService } from './summaries.service.js'

/** JSON unless the client asks for CSV (and accepts nothing it cannot get). */
const formatFor = (accept: string | undefined): 'json' | 'csv' => {
  if (!accept) return 'json'
  const types = accept.split(',').map((part) => part.split(';')[0]?.trim().toLowerCase())
  if (types.includes('text/csv')) return 'csv'
  if (types.some((type) => type === 'application/json' || type === '*/*' || type === 'application/*')) return 'json'
  throw new AppError('NOT_ACCEPTABLE', 'This summary is served as application/json or text/csv.')
}

/** Regional groups' API: published quarterly summaries, by API key only. */
export const summariesRoutes: FastifyPluginAsyncZod<{ service: SummariesService }> = async (app, { service }) => {
  app.get('/quarterly', { schema: summarySchema, onRequest: app.requireApiKey }, async (request, reply) => {
    const format = formatFor(request.headers.accept)
    const key = request.apiKey as RequestApiKey
    const body = await service.read(key.regions, request.query, format)
    // The stored bytes themselves: every pull of a published quarter is byte-identical (R30). They were checked
    // against the response schema when published; Fastify sends a string as it is, without serialising again.
    reply
      .header('Cache-Control', 'no-store')
      .header('Vary', 'Accept, Authorization')
      .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
    return reply.send(body as unknown as TSummary)
  })
}
