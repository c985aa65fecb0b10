import { createHmac, randomUUID } from 'node:crypto'
import { toDateOnly } from '../../lib/dates.js'
import { AppError } from '../../lib/errors.js'
import { namesPrivateHost } from '../../lib/outbound-post.js'
import { redact } from '../../lib/redaction/index.js'
import { assertThemes, type TaxonomyService } from '../taxonomy/taxonomy.service.js'
import type { AlertsRepository } from './alerts.repository.js'

/**
 * Hazard alerts (ASRS's alerting messages): a reviewer drafts one in the team's own words, which go through the
 * same redaction as narratives; a lead who did not draft it approves it, and the approval queues it, in the same
 * transaction, for every e-mail recipient and webhook of its regions (src/modules/alerts/alerts.delivery.ts sends).
 */

type AlertRow = {
  id: string
  status: 'draft' | 'approved'
  hazard: string
  themes: string[]
  step: string
  regions: string[]
  draftedOn: Date
  approvedOn: Date | null
}

const day = (date: Date) => date.toISOString().slice(0, 10)

export const toAlert = (row: AlertRow) => ({
  id: row.id,
  status: row.status,
  hazard: row.hazard,
  themes: row.themes,
  step: row.step,
  regions: row.regions,
  draftedOn: day(row.draftedOn),
  issuedOn: row.approvedOn ? day(row.approvedOn) : null
})

/** The webhook's signing secret: derived from the server's API-key pepper and the webhook id, never stored. */
export const webhookSecret = (pepper: Uint8Array, webhookId: string): Uint8Array =>
  new Uint8Array(createHmac('sha256', pepper).update(`alert-webhook|${webhookId}`).digest())

export type AlertsServiceDeps = {
  repository: AlertsRepository
  taxonomy: Pick<TaxonomyService, 'current'>
  regions: readonly string[]
  pepper: () => Uint8Array
  /** WEBHOOK_PRIVATE_ADDRESSES: whether a webhook may name a loopback or private address. */
  webhookPrivateAddresses?: boolean
  clock?: () => Date
}

export const createAlertsService = (deps: AlertsServiceDeps) => {
  const { repository, taxonomy, regions, pepper, webhookPrivateAddresses = false, clock = () => new Date() } = deps
  const checkRegions = (named: readonly string[]) => {
    const unknown = named.filter((region) => !regions.includes(region))
    if (unknown.length > 0) {
      throw new AppError('VALIDATION_FAILED', `Unknown region: ${unknown[0]}. Regions: ${regions.join(', ')}.`)
    }
  }

  const checkThemes = async (themes: readonly string[]) => assertThemes(await taxonomy.current(), themes)

  return {
    draft: async (
      draft: { hazard: string; themes: string[]; step: string; regions: string[]; reportId?: string },
      drafterId: string
    ) => {
      checkRegions(draft.regions)
      await checkThemes(draft.themes)
      if (draft.reportId && !(await repository.reportExists(draft.reportId))) {
        throw new AppError('NOT_FOUND', 'There is no such report.')
      }
      const hazard = redact(draft.hazard)
      const step = redact(draft.step)
      const row = await repository.create({
        id: randomUUID(),
        hazard: hazard.redacted,
        themes: [...new Set(draft.themes)],
        step: step.redacted,
        regions: [...new Set(draft.regions)].sort(),
        reportId: draft.reportId ?? null,
        draftedBy: drafterId,
        draftedOn: toDateOnly(clock())
      })
      return { alert: toAlert(row), findings: { hazard: hazard.findings, step: step.findings } }
    },

    approve: async (id: string, approverId: string) => {
      const { outcome, queued } = await repository.approve(id, approverId, toDateOnly(clock()), regions)
      if (outcome === 'missing') {
        throw new AppError('NOT_FOUND', 'There is no such alert.')
      }
      if (outcome === 'own-draft') {
        throw new AppError('FORBIDDEN', 'An alert needs two people: another lead must approve the one you drafted.')
      }
      if (outcome === 'approved-already') {
        throw new AppError('CONFLICT', 'This alert was approved already.')
      }
      const row = await repository.find(id)
      return { alert: toAlert(row as AlertRow), queued }
    },

    show: async (id: string) => {
      const row = await repository.find(id)
      if (!row) {
        throw new AppError('NOT_FOUND', 'There is no such alert.')
      }
      const counts = await repository.deliveryCounts(id)
      const count = (status: string) => counts.find((entry) => entry.status === status)?._count._all ?? 0
      return { alert: toAlert(row), deliveries: { pending: count('pending'), sent: count('sent') } }
    },

    listForRegions: async (keyRegions: readonly string[]) => {
      const rows = (await Promise.all(keyRegions.map((region) => repository.listForRegion(region)))).flat()
      const seen = new Set<string>()
      const alerts = rows
        .filter((row) => !seen.has(row.id) && seen.add(row.id))
        .map((row) => {
          const { status: _status, draftedOn: _drafted, ...rest } = toAlert(row)
          return { ...rest, issuedOn: rest.issuedOn ?? '' }
        })
      return { alerts }
    },

    addRecipient: async (region: string, email: string) => {
      checkRegions([region])
      return repository.addRecipient(region, email.toLowerCase(), toDateOnly(clock()))
    },

    addWebhook: async (region: string, url: string) => {
      checkRegions([region])
      if (!webhookPrivateAddresses && namesPrivateHost(url)) {
        throw new AppError('VALIDATION_FAILED', 'A webhook must be at a public address: this one is loopback, private or ' +
          'link-local. Set WEBHOOK_PRIVATE_ADDRESSES=true to deliver inside your own network.')
      }
      const id = randomUUID()
      const created = await repository.addWebhook(id, region, url, toDateOnly(clock()))
      return { ...created, secret: Buffer.from(webhookSecret(pepper(), id)).toString('base64url') }
    }
  }
}

export type AlertsService = ReturnType<typeof createAlertsService>
