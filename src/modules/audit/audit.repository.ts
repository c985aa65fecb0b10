import { randomUUID } from 'node:crypto'
import type { Prisma, PrismaClient } from '../../generated/prisma/client.js'

export type AuditEntry = { actorId: string; action: string; reportId?: string; detail?: Prisma.InputJsonValue }

/**
 * The audit log (R40; ASVS 5.0 16.3.2 at L3): who did what to which report, and when. Written in the same
 * transaction as the action when there is one, so an unaudited read cannot happen.
 */
export const createAuditRepository = (prisma: PrismaClient) => ({
  record: (entry: AuditEntry, at: Date, client: Pick<PrismaClient, 'auditEvent'> = prisma) =>
    client.auditEvent.create({
      data: {
        id: randomUUID(),
        at,
        actorId: entry.actorId,
        action: entry.action,
        reportId: entry.reportId,
        detail: entry.detail
      },
      select: { id: true }
    }),

  forReport: (reportId: string) =>
    prisma.auditEvent.findMany({
      where: { reportId },
      orderBy: { at: 'asc' },
      select: { actorId: true, action: true, at: true }
    })
})

export type AuditRepository = ReturnType<typeof createAuditRepository>
