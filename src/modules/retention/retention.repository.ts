import type { Prisma, PrismaClient } from '../../generated/prisma/client.js'

type Client = Pick<PrismaClient, 'report' | 'reportMessage'>

/**
 * Destroying what a reporter wrote: the sealed narrative (ciphertext and sealed data key) and every message of the
 * conversation. What reviewers coded stays: codings hold no narrative. PostgreSQL removes the dead row versions
 * at its next vacuum (docs/keys.md says so).
 */
export const destroyReporterText = async (client: Client, reportIds: string[], today: Date) => {
  if (reportIds.length === 0) {
    return 0
  }
  await client.reportMessage.deleteMany({ where: { reportId: { in: reportIds } } })
  const destroyed = await client.report.updateMany({
    where: { id: { in: reportIds } },
    data: { narrativeCiphertext: null, narrativeSealedKey: null, destroyedOn: today }
  })
  return destroyed.count
}

export const createRetentionRepository = (prisma: PrismaClient) => ({
  /** Reports closed (or merged) before `closedBefore` whose narrative or messages still exist. */
  findDue: (closedBefore: Date, take: number) =>
    prisma.report.findMany({
      where: { closedOn: { lt: closedBefore }, destroyedOn: null },
      select: { id: true },
      take
    }),

  /**
   * Destroys those of `reportIds` that are still due when the transaction runs: a report reopened since it was
   * found (closed_on cleared) is left alone.
   */
  destroy: (reportIds: string[], closedBefore: Date, today: Date) =>
    prisma.$transaction(async (tx: Prisma.TransactionClient) => {
      const due = await tx.$queryRaw<{ id: string }[]>`
        SELECT id::text AS id FROM report
        WHERE id = ANY(${reportIds}::uuid[]) AND closed_on < ${closedBefore}::date AND destroyed_on IS NULL
        FOR UPDATE`
      return destroyReporterText(tx, due.map((row) => row.id), today)
    })
})

export type RetentionRepository = ReturnType<typeof createRetentionRepository>
