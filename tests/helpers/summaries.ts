import type { FastifyInstance } from 'fastify'
import type { Config } from '../../src/config/env.js'
import { createPublicationRepository } from '../../src/modules/summaries/publication.repository.js'
import { createSummariesService } from '../../src/modules/summaries/summaries.service.js'

/**
 * The app's summaries service with a clock that says `date` (noon UTC), to publish quarters the real clock cannot
 * publish yet; the defaults (14 days, threshold 10, base 5).
 */
export const summariesAt = (app: FastifyInstance, config: Config, date: string) =>
  createSummariesService({
    repository: createPublicationRepository(app.db.prisma),
    taxonomy: app.taxonomy,
    regions: config.regions,
    afterDays: 14,
    threshold: 10,
    base: 5,
    clock: () => new Date(`${date}T12:00:00Z`)
  })
