import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { taxonomySchema } from './taxonomy.schemas.js'
import type { TaxonomyService } from './taxonomy.service.js'

export const taxonomyRoutes: FastifyPluginAsyncZod<{ service: TaxonomyService }> = async (app, { service }) => {
  app.get('', { schema: taxonomySchema, onRequest: app.requireRole('reviewer', 'lead') }, async (request) =>
    service.describe(request.query.version)
  )
}
