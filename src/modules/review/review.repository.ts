import type { Prisma, PrismaClient, ReportStatus } from '../../generated/prisma/client.js'
import { monthStart, toDateOnly } from '../../lib/dates.js'
import { createFactsRepository } from '../analysis/facts.repository.js'
import type { TQueueQuery } from './review.schemas.js'

const facts = createFactsRepository()

const SUMMARY = {
  id: true,
  status: true,
  eventClass: true,
  detection: true,
  setting: true,
  region: true,
  occurredMonth: true,
  receivedOn: true,
  handover: true,
  consentToPublish: true,
  mergedIntoId: true,
  answersUnread: true
} as const

export type ReportRow = Prisma.ReportGetPayload<{ select: typeof SUMMARY }>

export const createReviewRepository = (prisma: PrismaClient) => ({
  list: async ({ status, eventClass, setting, region, month, page, pageSize }: TQueueQuery) => {
    const where: Prisma.ReportWhereInput = {
      status,
      eventClass,
      setting,
      region,
      occurredMonth: month ? monthStart(month) : undefined
    }
    const [items, total] = await Promise.all([
      prisma.report.findMany({
        where,
        select: SUMMARY,
        orderBy: [{ receivedOn: 'desc' }, { id: 'asc' }],
        skip: (page - 1) * pageSize,
        take: pageSize
      }),
      prisma.report.count({ where })
    ])
    return { items, total }
  },

  findSealed: (id: string) =>
    prisma.report.findUnique({
      where: { id },
      select: {
        ...SUMMARY,
        narrativeCiphertext: true,
        narrativeSealedKey: true,
        keyVersion: true,
        sealedToVersion: true
      }
    }),

  /**
   * Changes the status only from one of `from`: the count says whether it did. Closing records the date
   * (retention counts from it); moving out of closed clears it.
   */
  moveStatus: async (
    id: string,
    from: ReportStatus[],
    to: ReportStatus,
    client: Prisma.TransactionClient,
    today: Date = toDateOnly(new Date())
  ) => {
    const moved = await client.report.updateMany({
      // A report whose narrative is destroyed stays closed: there is nothing left to review.
      where: { id, status: { in: from }, ...(to === 'closed' ? {} : { destroyedOn: null }) },
      data: { status: to, closedOn: to === 'closed' ? today : null }
    })
    // Open or closed is part of the analysis record (a lead's answers leave open reports out: issue 17.9).
    if (moved.count === 1) await facts.refresh(client, [id])
    return moved
  },

  /**
   * Marks `id` a duplicate of `into` (and closed, for retention), locking both rows first so that two merges at
   * once cannot make a chain or a loop. Returns the statuses found, for the caller's message, or null if merged.
   */
  merge: (id: string, into: string, today: Date, onMerged: (tx: Prisma.TransactionClient) => Promise<unknown>) =>
    prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ id: string; status: ReportStatus }[]>`
        SELECT id::text AS id, status::text AS status FROM report WHERE id IN (${id}::uuid, ${into}::uuid)
        ORDER BY id FOR UPDATE`
      const source = locked.find((row) => row.id === id)
      const target = locked.find((row) => row.id === into)
      const isOpen = (status?: ReportStatus) => status !== undefined && status !== 'merged' && status !== 'withdrawn'
      if (!isOpen(source?.status) || !isOpen(target?.status)) {
        return { source: source?.status ?? null, target: target?.status ?? null }
      }
      await tx.report.update({ where: { id }, data: { status: 'merged', mergedIntoId: into, closedOn: today } })
      // Duplicates of this report follow it, so nothing is ever merged into a merged report (no chains).
      await tx.report.updateMany({ where: { mergedIntoId: id }, data: { mergedIntoId: into } })
      // The duplicate stops counting on its own; the duplicates that followed it were not counting already.
      await facts.refresh(tx, [id])
      await onMerged(tx)
      return null
    }),

  /** A reviewer has opened the report, and with it the conversation: the reporter's answers are read. */
  markAnswersRead: (id: string, client: Pick<PrismaClient, 'report'> = prisma) =>
    client.report.updateMany({ where: { id, answersUnread: true }, data: { answersUnread: false } }),

  /**
   * Possible duplicates of a report: other reports of the same month, region and setting that can still be merged
   * (not merged or withdrawn), each with its codings' coders and leaf codes — never a narrative. Bounded: a month of
   * one region and setting holds a handful of reports, and the list shows at most `limit`.
   */
  findDuplicateCandidates: async (id: string, limit: number) => {
    const codings = { select: { coderId: true, codes: { select: { code: true } } } } as const
    const report = await prisma.report.findUnique({
      where: { id },
      select: { id: true, status: true, occurredMonth: true, region: true, setting: true, codings }
    })
    if (!report) {
      return null
    }
    const candidates = await prisma.report.findMany({
      where: {
        id: { not: id },
        occurredMonth: report.occurredMonth,
        region: report.region,
        setting: report.setting,
        status: { notIn: ['merged', 'withdrawn'] }
      },
      select: { ...SUMMARY, codings },
      orderBy: [{ receivedOn: 'asc' }, { id: 'asc' }],
      take: limit
    })
    return { report, candidates }
  },

  findSummary: (id: string) => prisma.report.findUnique({ where: { id }, select: SUMMARY }),

  transaction: <T>(work: (tx: Prisma.TransactionClient) => Promise<T>) => prisma.$transaction(work)
})

export type ReviewRepository = ReturnType<typeof createReviewRepository>
