import { randomUUID } from 'node:crypto'
import type { PrismaClient } from '../../generated/prisma/client.js'

export type NewAlert = {
  id: string
  hazard: string
  themes: string[]
  step: string
  regions: string[]
  reportId: string | null
  draftedBy: string
  draftedOn: Date
}

export type ClaimedDelivery = { id: string; alertId: string; channel: 'email' | 'webhook'; receiverId: string; attempts: number }

const ALERT_FIELDS = {
  id: true,
  status: true,
  hazard: true,
  themes: true,
  step: true,
  regions: true,
  reportId: true,
  draftedBy: true,
  draftedOn: true,
  approvedOn: true
} as const

export const createAlertsRepository = (prisma: PrismaClient) => ({
  create: (alert: NewAlert) => prisma.alert.create({ data: alert, select: ALERT_FIELDS }),

  find: (id: string) => prisma.alert.findUnique({ where: { id }, select: ALERT_FIELDS }),

  reportExists: async (id: string) => (await prisma.report.count({ where: { id } })) > 0,

  /**
   * Approves a draft and writes its outbox in the same transaction: one row per e-mail recipient and webhook of
   * the alert's regions (all regions when it names none). The alert row is locked first, so two leads approving at
   * once make one approval and one outbox. Returns the outcome and how many deliveries were queued.
   */
  approve: (id: string, approverId: string, approvedOn: Date, allRegions: readonly string[]) =>
    prisma.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<{ status: string; drafted_by: string; regions: string[] }[]>`
        SELECT status::text AS status, drafted_by::text AS drafted_by, regions FROM alert WHERE id = ${id}::uuid FOR UPDATE`
      if (!row) {
        return { outcome: 'missing' as const, queued: 0 }
      }
      if (row.status !== 'draft') {
        return { outcome: 'approved-already' as const, queued: 0 }
      }
      if (row.drafted_by === approverId) {
        return { outcome: 'own-draft' as const, queued: 0 }
      }
      const regions = row.regions.length > 0 ? row.regions : [...allRegions]
      await tx.alert.update({ where: { id }, data: { status: 'approved', approvedBy: approverId, approvedOn }, select: { id: true } })
      const [recipients, webhooks] = await Promise.all([
        tx.alertRecipient.findMany({ where: { region: { in: regions } }, select: { id: true } }),
        tx.alertWebhook.findMany({ where: { region: { in: regions } }, select: { id: true } })
      ])
      const now = new Date()
      const rows = [
        ...recipients.map((r) => ({ channel: 'email' as const, receiverId: r.id })),
        ...webhooks.map((w) => ({ channel: 'webhook' as const, receiverId: w.id }))
      ].map((receiver) => ({ id: randomUUID(), alertId: id, nextAttemptAt: now, ...receiver }))
      if (rows.length > 0) {
        await tx.alertDelivery.createMany({ data: rows })
      }
      return { outcome: 'approved' as const, queued: rows.length }
    }),

  /** Approved alerts for a region (those for every region included), newest first. */
  listForRegion: (region: string) =>
    prisma.alert.findMany({
      where: { status: 'approved', OR: [{ regions: { isEmpty: true } }, { regions: { has: region } }] },
      orderBy: [{ approvedOn: 'desc' }, { id: 'asc' }],
      take: 200,
      select: ALERT_FIELDS
    }),

  deliveryCounts: (alertId: string) =>
    prisma.alertDelivery.groupBy({ by: ['status'], where: { alertId }, _count: { _all: true } }),

  addRecipient: (region: string, email: string, createdOn: Date) =>
    prisma.alertRecipient.upsert({
      where: { region_email: { region, email } },
      create: { id: randomUUID(), region, email, createdOn },
      update: {},
      select: { id: true, region: true }
    }),

  addWebhook: (id: string, region: string, url: string, createdOn: Date) =>
    prisma.alertWebhook.create({ data: { id, region, url, createdOn }, select: { id: true, region: true, url: true } }),

  /**
   * Leases up to `limit` due rows for `leaseSeconds` and counts the attempt, committed before anything is sent: a
   * crash after this leaves the row leased until the lease runs out, then due again (sent at least once; receivers
   * tell repeats apart by the alert id). SKIP LOCKED lets several instances claim at once without taking the same row;
   * PGlite has one connection, so there the statement simply runs alone.
   */
  claimDue: (limit: number, leaseSeconds: number) =>
    prisma.$queryRaw<ClaimedDelivery[]>`
      UPDATE alert_delivery SET lease_until = now() + make_interval(secs => ${leaseSeconds}::int), attempts = attempts + 1
      WHERE id IN (
        SELECT id FROM alert_delivery
        WHERE status = 'pending' AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until <= now())
        ORDER BY next_attempt_at LIMIT ${limit}::int FOR UPDATE SKIP LOCKED)
      RETURNING id::text AS "id", alert_id::text AS "alertId", channel::text AS "channel",
        receiver_id::text AS "receiverId", attempts`,

  markSent: (id: string) =>
    prisma.$executeRaw`UPDATE alert_delivery SET status = 'sent', sent_at = now(), lease_until = NULL WHERE id = ${id}::uuid`,

  /** A failed attempt: due again after `waitSeconds`. */
  markFailed: (id: string, waitSeconds: number) =>
    prisma.$executeRaw`
      UPDATE alert_delivery SET lease_until = NULL, next_attempt_at = now() + make_interval(secs => ${waitSeconds}::int)
      WHERE id = ${id}::uuid AND status = 'pending'`,

  dropDelivery: (id: string) => prisma.alertDelivery.delete({ where: { id }, select: { id: true } }),

  findRecipient: (id: string) => prisma.alertRecipient.findUnique({ where: { id }, select: { email: true } }),
  findWebhook: (id: string) => prisma.alertWebhook.findUnique({ where: { id }, select: { id: true, url: true } })
})

export type AlertsRepository = ReturnType<typeof createAlertsRepository>
