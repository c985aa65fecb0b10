import type { PrismaClient } from '../../generated/prisma/client.js'

/** Bulletins and what they are drafted from: the frozen summaries, the alerts issued, the actions completed. */

const DRAFT_FIELDS = {
  id: true,
  quarter: true,
  scope: true,
  status: true,
  content: true,
  draftedBy: true,
  draftedOn: true,
  approvedOn: true,
  approvals: { select: { approverId: true, contentHash: true } }
} as const

export const createBulletinsRepository = (prisma: PrismaClient) => ({
  /** The quarter's published summaries (JSON as stored), by region. */
  summaries: (quarter: string) =>
    prisma.publication.findMany({ where: { quarter }, select: { region: true, json: true }, orderBy: { region: 'asc' } }),

  /** The latest published quarter before this one, if any. */
  previousQuarter: async (quarter: string) =>
    (await prisma.publication.findFirst({
      where: { quarter: { lt: quarter } },
      select: { quarter: true },
      orderBy: { quarter: 'desc' }
    }))?.quarter ?? null,

  /** Alerts approved (issued) in [from, to): their text is already redacted and approved by two people. */
  alertsIssued: (from: Date, to: Date) =>
    prisma.alert.findMany({
      where: { status: 'approved', approvedOn: { gte: from, lt: to } },
      select: { hazard: true, step: true, themes: true, regions: true, approvedOn: true },
      orderBy: [{ approvedOn: 'asc' }, { id: 'asc' }]
    }),

  /** Actions completed in [from, to), with the regions of the reports they answer (none: the whole country's). */
  actionsDone: async (from: Date, to: Date) => {
    const actions = await prisma.action.findMany({
      where: { status: 'done', doneOn: { gte: from, lt: to } },
      select: {
        description: true,
        owner: true,
        themes: true,
        outcome: true,
        doneOn: true,
        reports: { select: { reportId: true } }
      },
      orderBy: [{ doneOn: 'asc' }, { id: 'asc' }]
    })
    const ids = [...new Set(actions.flatMap((action) => action.reports.map((link) => link.reportId)))]
    const regions = new Map(
      ids.length === 0
        ? []
        : (await prisma.report.findMany({ where: { id: { in: ids } }, select: { id: true, region: true } }))
            .map((report) => [report.id, report.region])
    )
    return actions.map(({ reports, ...action }) => ({
      ...action,
      regions: [...new Set(reports.map((link) => regions.get(link.reportId)).filter((r): r is string => !!r))]
    }))
  },

  create: (data: { id: string; quarter: string; scope: string; content: string; draftedBy: string; draftedOn: Date }) =>
    prisma.bulletin.create({ data, select: DRAFT_FIELDS }),

  find: (id: string) => prisma.bulletin.findUnique({ where: { id }, select: DRAFT_FIELDS }),

  exists: async (quarter: string, scope: string) =>
    (await prisma.bulletin.count({ where: { quarter, scope } })) > 0,

  /** The published quarters, newest first: what a bulletin can be drafted from. */
  publishedQuarters: async () =>
    (await prisma.publication.findMany({ distinct: ['quarter'], select: { quarter: true }, orderBy: { quarter: 'desc' } }))
      .map((row) => row.quarter),

  list: () => prisma.bulletin.findMany({ select: DRAFT_FIELDS, orderBy: [{ quarter: 'desc' }, { scope: 'asc' }] }),

  /** A new content voids every approval of the old one (they hold its hash, and are removed to keep that plain). */
  edit: (id: string, content: string) =>
    prisma.$transaction(async (tx) => {
      await tx.bulletinApproval.deleteMany({ where: { bulletinId: id } })
      return tx.bulletin.update({ where: { id, status: 'draft' }, data: { content }, select: DRAFT_FIELDS })
    }),

  /**
   * Records an approval and, holding the bulletin's row lock so two approvals at once cannot both miss the second,
   * lets `freeze` decide from the approvals now counted whether to store the public bytes.
   */
  approve: (
    id: string,
    approval: { approverId: string; contentHash: string; approvedOn: Date },
    freeze: (approvals: { approverId: string; contentHash: string }[]) => Promise<
      { json: string; html: string; pdf: Uint8Array<ArrayBuffer> } | null
    >
  ) =>
    prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM bulletin WHERE id = ${id}::uuid FOR UPDATE`
      await tx.bulletinApproval.upsert({
        where: { bulletinId_approverId: { bulletinId: id, approverId: approval.approverId } },
        create: { bulletinId: id, ...approval },
        update: { contentHash: approval.contentHash, approvedOn: approval.approvedOn }
      })
      const approvals = await tx.bulletinApproval.findMany({
        where: { bulletinId: id },
        select: { approverId: true, contentHash: true }
      })
      const frozen = await freeze(approvals)
      if (frozen) {
        await tx.bulletin.update({
          where: { id },
          data: { status: 'approved', approvedOn: approval.approvedOn, ...frozen }
        })
      }
    }, { timeout: 60_000 }),

  /** An approved bulletin's stored bytes. */
  published: (quarter: string, scope: string) =>
    prisma.bulletin.findFirst({
      where: { quarter, scope, status: 'approved' },
      select: { json: true, html: true, pdf: true }
    }),

  /** Every approved bulletin, for the feed: newest approval first, then by quarter and scope. */
  feed: () =>
    prisma.bulletin.findMany({
      where: { status: 'approved' },
      select: { id: true, quarter: true, scope: true, approvedOn: true, content: true },
      orderBy: [{ approvedOn: 'desc' }, { quarter: 'desc' }, { scope: 'asc' }]
    })
})

export type BulletinsRepository = ReturnType<typeof createBulletinsRepository>
export type DraftRow = NonNullable<Awaited<ReturnType<BulletinsRepository['find']>>>
