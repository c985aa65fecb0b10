import fp from 'fastify-plugin'
import type { Config } from '../../config/env.js'
import { createAuditRepository } from '../audit/audit.repository.js'
import { scheduleSweeps } from '../retention/index.js'
import { createAlertDelivery } from './alerts.delivery.js'
import { createAlertsRepository } from './alerts.repository.js'
import { alertsRoutes } from './alerts.routes.js'
import { createAlertsService, type AlertsService } from './alerts.service.js'

declare module 'fastify' {
  interface FastifyInstance {
    alerts: AlertsService
  }
}

/** What only tests set: run the outbox this often instead of every ALERT_DELIVERY_SECONDS (still 0 = off). */
export type AlertsSchedule = { deliverEveryMs?: number }

/**
 * Hazard alerts: /api/v1/alerts, and the outbox worker sending approved alerts by e-mail and signed webhook every
 * ALERT_DELIVERY_SECONDS (0: this instance never sends; several instances may all send, see alerts.repository.ts).
 */
export const alertsModule = fp<{ config: Config } & AlertsSchedule>(
  async (app, { config, deliverEveryMs }) => {
    const repository = createAlertsRepository(app.db.prisma)
    const pepper = () => app.keys.get().apiKeyPepper
    const service = createAlertsService({
      repository,
      taxonomy: app.taxonomy,
      regions: config.regions,
      pepper,
      webhookPrivateAddresses: config.alerts.webhookPrivateAddresses
    })
    app.decorate('alerts', service)
    await app.register(alertsRoutes, { prefix: '/api/v1/alerts', service, audit: createAuditRepository(app.db.prisma) })

    if (config.alerts.everySeconds > 0) {
      const delivery = createAlertDelivery({
        repository,
        log: app.log,
        smtpUrl: config.alerts.smtpUrl,
        from: config.alerts.from,
        leaseSeconds: config.alerts.leaseSeconds,
        retrySeconds: config.alerts.retrySeconds,
        pepper,
        webhookPrivateAddresses: config.alerts.webhookPrivateAddresses
      })
      const everyMs = deliverEveryMs ?? config.alerts.everySeconds * 1000
      const stop = scheduleSweeps(delivery.run, app.log, {
        firstMs: Math.min(1000, everyMs),
        everyMs,
        event: 'alert-outbox',
        done: 'alerts delivered',
        failed: 'alert outbox run failed; it will run again'
      })
      app.addHook('onClose', async () => {
        await stop()
        delivery.close()
      })
    }
  },
  { name: 'alerts', fastify: '5.x', dependencies: ['database', 'api-keys', 'sessions', 'taxonomy'] }
)
