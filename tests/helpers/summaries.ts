import type { FastifyInstance } from 'fastify'
import type { Config } from '../../src/config/env.js'
import { createPublicationRepository } from '../../src/modules/summaries/publication.repository.js'
import { createSummariesService } from '../../src/modules/summaries/summaries.service.js'

/**
 * The app's summaries service with a clock that says `date` (noon UTC), to publish quarters the real clock cannot
 * publish yet; the rest as the app's config says (PUBLISH_AFTER_DAYS, SUPPRESS_BELOW, ROUND_TO), so a test with a
 * non-default config publishes by its rules.
 */
export const summariesAt = (app: FastifyInstance, config: Config, date: string) =>
  createSummariesService({
    repository: createPublicationRepository(app.db.prisma),
    taxonomy: app.taxonomy,
    regions: config.regions,
    afterDays: config.publication.afterDays,
    threshold: config.publication.threshold,
    base: config.publication.base,
    clock: () => new Date(`${date}T12:00:00Z`)
  })
