import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import Negotiator from 'negotiator'
import { AppError } from '../../lib/errors.js'
import type { RequestApiKey } from '../../plugins/api-keys.js'
import { quarterlySchema, seriesSchema } from './reading.schemas.js'
import type { ReadingService } from './reading.service.js'
import { type Disclosure, summaryListSchema } from './summaries.schemas.js'
import type { SummariesService } from './summaries.service.js'

const JSON_TYPE = 'application/json; charset=utf-8'
const CSV_TYPE = 'text/csv; charset=utf-8'
/** In order of our preference: JSON wins where the client likes both equally (any type, say). */
const OFFERED = [JSON_TYPE, CSV_TYPE] as const

/**
 * The format the client prefers by RFC 9110 negotiation (q-values, wildcards, the most specific range deciding, so
 * text/csv with q=0 beside any type refuses CSV), or 406 when it accepts neither. No Accept header (or an empty
 * one, which some clients send for "anything") gets JSON.
 */
const formatFor = (accept: string | undefined): 'json' | 'csv' => {
  if (!accept?.trim()) return 'json'
  const chosen = new Negotiator({ headers: { accept } }).mediaType(OFFERED)
  if (chosen === JSON_TYPE) return 'json'
  if (chosen === CSV_TYPE) return 'csv'
  throw new AppError('NOT_ACCEPTABLE', 'This summary is served as application/json or text/csv.')
}

/** Regional groups' API: published quarterly summaries, by API key only. */
export const summariesRoutes: FastifyPluginAsyncZod<{
  service: SummariesService
  reading: ReadingService
  disclosure: Disclosure
}> = async (app, { service, reading, disclosure }) => {
  app.get('', { schema: summaryListSchema, onRequest: app.requireApiKey }, async (request, reply) => {
    const key = request.apiKey as RequestApiKey
    const quarters = await service.list(key.regions, request.query.region)
    reply.header('Cache-Control', 'no-store').header('Vary', 'Authorization')
    return { region: request.query.region, quarters }
  })
  app.get('/quarterly', { schema: quarterlySchema(disclosure), onRequest: app.requireApiKey }, async (request, reply) => {
    const format = formatFor(request.headers.accept)
    const key = request.apiKey as RequestApiKey
    const body = await reading.one(key.regions, request.query, format)
    // Worked out from the stored snapshot and its (immutable) taxonomy version only, so every pull of a published
    // quarter is byte-identical (R30). Checked against the response schema when published; Fastify sends a string
    // as it is, without serialising again.
    reply
      .header('Cache-Control', 'no-store')
      .header('Vary', 'Accept, Authorization')
      .type(format === 'csv' ? CSV_TYPE : JSON_TYPE)
    return reply.send(body as never)
  })
  app.get('/series', { schema: seriesSchema(disclosure), onRequest: app.requireApiKey }, async (request, reply) => {
    const format = formatFor(request.headers.accept)
    const key = request.apiKey as RequestApiKey
    const body = await reading.series(key.regions, request.query, format)
    reply
      .header('Cache-Control', 'no-store')
      .header('Vary', 'Accept, Authorization')
      .type(format === 'csv' ? CSV_TYPE : JSON_TYPE)
    return reply.send(body as never)
  })
}
