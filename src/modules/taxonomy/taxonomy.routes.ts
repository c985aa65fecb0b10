import type { onRequestAsyncHookHandler } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { taxonomySchema } from './taxonomy.schemas.js'
import type { TaxonomyService } from './taxonomy.service.js'

const BEARER = /^bearer /i

export const taxonomyRoutes: FastifyPluginAsyncZod<{ service: TaxonomyService }> = async (app, { service }) => {
  const reviewers = app.requireRole('reviewer', 'lead')
  /**
   * Reviewers and leads by session; and regional groups by API key (issue 14.4), so an analyst can read what the
   * codes in a summary mean, and their definitions. A request naming a key is judged as a key (401 if it is not a
   * valid one), never as a session: the taxonomy holds no report data, and the key's hourly limit applies.
   */
  const readers: onRequestAsyncHookHandler = async function (request, reply) {
    const hook = BEARER.test(request.headers.authorization ?? '') ? app.requireApiKey : reviewers
    await hook.call(this, request, reply)
  }
  const security: Record<string, string[]>[] = [{ session: [] }, { apiKey: [] }]
  const schema = { ...taxonomySchema, security }
  app.get('', { schema, onRequest: readers }, async (request) => service.describe(request.query.version))
}
