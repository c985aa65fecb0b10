import type { FastifyBaseLogger } from 'fastify'
import { createTransport, type Transporter } from 'nodemailer'
import { postOutbound } from '../../lib/outbound-post.js'
import { ALERT_ID_HEADER, backoffSeconds, SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from '../../lib/webhook-signature.js'
import type { AlertsRepository, ClaimedDelivery } from './alerts.repository.js'
import { toAlert, webhookSecret } from './alerts.service.js'

/**
 * The outbox worker. Each run leases the due rows (committed before anything is sent), sends each, and marks it
 * sent or due again after an exponential backoff. A crash between the lease and the mark leaves the row to be sent
 * again once the lease runs out, so a receiver may see an alert twice and must key on its id (the Candid-Alert-Id
 * header; the e-mail's Message-ID is fixed per alert and recipient for the same reason). Every attempt is logged
 * with the delivery's and alert's ids, channel, attempt number and outcome, never an address or a message body:
 * failures are logged by error code or HTTP status, since SMTP error texts quote the recipient.
 */

const BATCH = 20
const WEBHOOK_TIMEOUT_MS = 10_000

export type DeliveryDeps = {
  repository: AlertsRepository
  log: FastifyBaseLogger
  smtpUrl: string | undefined
  from: string
  leaseSeconds: number
  retrySeconds: number
  pepper: () => Uint8Array
  /** WEBHOOK_PRIVATE_ADDRESSES: may webhooks reach loopback and private addresses (see outbound-post.ts). */
  webhookPrivateAddresses: boolean
}

export const createAlertDelivery = (deps: DeliveryDeps) => {
  const { repository, log, smtpUrl, from, leaseSeconds, retrySeconds, pepper, webhookPrivateAddresses } = deps
  let transport: Transporter | undefined

  const send = async (row: ClaimedDelivery): Promise<'sent' | 'gone' | { failure: string }> => {
    const found = await repository.find(row.alertId)
    if (!found) {
      return 'gone'
    }
    const alert = toAlert(found)
    const body = JSON.stringify({
      id: alert.id,
      hazard: alert.hazard,
      themes: alert.themes,
      step: alert.step,
      regions: alert.regions,
      issuedOn: alert.issuedOn
    })
    if (row.channel === 'webhook') {
      const webhook = await repository.findWebhook(row.receiverId)
      if (!webhook) {
        return 'gone'
      }
      const timestamp = Math.floor(Date.now() / 1000)
      try {
        const status = await postOutbound(webhook.url, {
          headers: {
            'content-type': 'application/json',
            [ALERT_ID_HEADER]: alert.id,
            [TIMESTAMP_HEADER]: String(timestamp),
            [SIGNATURE_HEADER]: signWebhook(webhookSecret(pepper(), webhook.id), timestamp, body)
          },
          body,
          timeoutMs: WEBHOOK_TIMEOUT_MS,
          allowPrivate: webhookPrivateAddresses
        })
        return status >= 200 && status < 300 ? 'sent' : { failure: `http-${status}` }
      } catch (error) {
        // An error code (ECONNREFUSED, EBLOCKEDADDRESS, …) or name (AbortError), never the message: it may quote
        // the address.
        return { failure: (error as { code?: string }).code ?? ((error as Error).name || 'network') }
      }
    }
    const recipient = await repository.findRecipient(row.receiverId)
    if (!recipient) {
      return 'gone'
    }
    if (!smtpUrl) {
      return { failure: 'smtp-not-configured' }
    }
    transport ??= createTransport(smtpUrl)
    try {
      await transport.sendMail({
        from,
        to: recipient.email,
        subject: `Candid hazard alert: ${alert.themes.join(', ')}`,
        messageId: `<${alert.id}.${row.receiverId}@alerts.candid>`,
        headers: { 'X-Candid-Alert-Id': alert.id },
        text: [
          `Hazard alert ${alert.id}, issued ${alert.issuedOn}`,
          `Regions: ${alert.regions.length > 0 ? alert.regions.join(', ') : 'all'}`,
          `Themes: ${alert.themes.join(', ')}`,
          '',
          'Hazard:',
          alert.hazard,
          '',
          'Recommended immediate step:',
          alert.step
        ].join('\n')
      })
      return 'sent'
    } catch (error) {
      const { code, responseCode } = error as { code?: string; responseCode?: number }
      return { failure: responseCode ? `smtp-${responseCode}` : (code ?? 'smtp-error') }
    }
  }

  return {
    /** One pass over the due rows; returns how many were sent. */
    run: async (): Promise<number> => {
      let sent = 0
      for (;;) {
        const rows = await repository.claimDue(BATCH, leaseSeconds)
        for (const row of rows) {
          const fields = { event: 'alert-delivery', delivery: row.id, alert: row.alertId, channel: row.channel, attempt: row.attempts }
          const outcome = await send(row)
          if (outcome === 'sent') {
            await repository.markSent(row.id)
            sent++
            log.info({ ...fields, outcome: 'sent' }, 'alert delivered')
          } else if (outcome === 'gone') {
            await repository.dropDelivery(row.id)
            log.warn({ ...fields, outcome: 'receiver-removed' }, 'alert receiver no longer exists; delivery dropped')
          } else {
            const wait = backoffSeconds(row.attempts, retrySeconds)
            await repository.markFailed(row.id, wait)
            log.warn({ ...fields, outcome: 'failed', reason: outcome.failure, retryInSeconds: wait }, 'alert delivery failed; will retry')
          }
        }
        if (rows.length < BATCH) {
          return sent
        }
      }
    },
    close: () => transport?.close()
  }
}
