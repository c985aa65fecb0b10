import fp from 'fastify-plugin'
import { createTaxonomyRepository } from './taxonomy.repository.js'
import { taxonomyRoutes } from './taxonomy.routes.js'
import { createTaxonomyService, type TaxonomyService } from './taxonomy.service.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The taxonomy versions, for the modules that validate and roll up codes. */
    taxonomy: TaxonomyService
  }
}

/** GET /api/v1/taxonomy, and `app.taxonomy` for the rest of the app (hence not encapsulated). */
export const taxonomyModule = fp(
  async (app) => {
    const service = createTaxonomyService(createTaxonomyRepository(app.db.prisma))
    app.decorate('taxonomy', service)
    await app.register(taxonomyRoutes, { prefix: '/api/v1/taxonomy', service })
  },
  { name: 'taxonomy', fastify: '5.x', dependencies: ['database', 'sessions'] }
)
