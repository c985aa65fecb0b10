import type { FastifyPluginAsync } from 'fastify'
import type { Config } from '../../config/env.js'
import { createActionsRepository } from '../actions/actions.repository.js'
import { createActionsService } from '../actions/actions.service.js'
import { createAlertsRepository } from '../alerts/alerts.repository.js'
import { createMessagesRepository } from '../messages/messages.repository.js'
import { createMessagesService } from '../messages/messages.service.js'
import { createReceiptsRepository } from './receipts.repository.js'
import { receiptsRoutes } from './receipts.routes.js'
import { createReceiptsService } from './receipts.service.js'

/** /api/v1/receipts/{receipt}: status and conversation, answers, withdrawal — with nothing but the receipt. */
export const receiptsModule: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const service = createReceiptsService({
    repository: createReceiptsRepository(app.db.prisma),
    messages: createMessagesService({ repository: createMessagesRepository(app.db.prisma), keys: app.keys }),
    keys: app.keys,
    alertsFor: (reportId) => createAlertsRepository(app.db.prisma).issuedForReport(reportId).then((rows) =>
      rows.map((row) => ({ issuedOn: row.approvedOn?.toISOString().slice(0, 10) ?? '' }))),
    // The taxonomy module registers later; forReport never asks it.
    actionsFor: createActionsService({
      repository: createActionsRepository(app.db.prisma),
      taxonomy: { current: () => app.taxonomy.current() }
    }).forReport
  })

  await app.register(receiptsRoutes, {
    prefix: '/api/v1/receipts',
    service,
    perMinute: config.rateLimits.receiptPerMin
  })
}
