import { Prisma, type PrismaClient } from '../../generated/prisma/client.js'
import { dateOfMonthIndex } from '../../lib/periods.js'

/** Reports of one region and timeliness (on time: the event was in the quarter; late: an earlier quarter). */
export type CutCount = { region: string; onTime: boolean; cut: string; value: string; n: number }
export type LearningPoint = { region: string; text: string }

type Tx = Prisma.TransactionClient

/**
 * The reports a publication takes: counted in analysis, never published, with the event by the quarter's end
 * (found by the index on analysis_report (published_in, month), without reading the published ones).
 */
const taken = (last: number) =>
  Prisma.sql`f.published_in IS NULL AND f.month <= ${dateOfMonthIndex(last)}::date`

export const createPublicationRepository = (prisma: PrismaClient) => ({
  /**
   * Runs `work` holding the publication lock, so two instances (or the CLI and a server) never publish at once;
   * the lock is a row lock on the latest publication marker, released with the transaction.
   */
  exclusive: <T>(work: (tx: Tx) => Promise<T>) =>
    prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`LOCK TABLE publication IN SHARE ROW EXCLUSIVE MODE`
        return work(tx)
      },
      { timeout: 600_000, maxWait: 60_000 }
    ),

  latestQuarter: async (tx: Tx) =>
    (await tx.publication.findFirst({ orderBy: { quarter: 'desc' }, select: { quarter: true } }))?.quarter ?? null,

  /** Counts by region, timeliness and each cut, over the reports this publication takes. */
  counts: (tx: Tx, first: number, last: number) => {
    const onTime = Prisma.sql`(f.month >= ${dateOfMonthIndex(first)}::date)`
    const byReport = (cut: string, expression: string) => Prisma.sql`
      SELECT f.region, ${onTime} AS "onTime", ${cut}::text AS cut, ${Prisma.raw(expression)} AS value,
             count(*)::int AS n
      FROM analysis_report f WHERE ${taken(last)} GROUP BY 1, 2, 3, 4`
    // Once per report and code at the level, so a count is of reports.
    const codes = (cut: string, level: number) => Prisma.sql`
      SELECT f.region, ${onTime} AS "onTime", ${cut}::text AS cut, c.code AS value, count(*)::int AS n
      FROM analysis_report f JOIN analysis_code c ON c.report_id = f.report_id AND c.level = ${level}::smallint
      WHERE ${taken(last)} GROUP BY 1, 2, 3, 4`
    return tx.$queryRaw<CutCount[]>`
      ${byReport('reports', "''")} UNION ALL ${byReport('event_class', 'f.event_class')}
      UNION ALL ${byReport('detection', 'f.detection')} UNION ALL ${byReport('setting', 'f.setting')}
      UNION ALL ${codes('domain', 1)} UNION ALL ${codes('group', 2)}`
  },

  /** Learning points of the reports taken whose reporters consented (a withdrawn report's point is destroyed). */
  learningPoints: (tx: Tx, last: number) =>
    tx.$queryRaw<LearningPoint[]>`
      SELECT DISTINCT f.region, c.learning_point AS text
      FROM analysis_report f JOIN report r ON r.id = f.report_id JOIN coding c ON c.id = f.coding_id
      WHERE ${taken(last)} AND f.consent AND r.status <> 'withdrawn' AND c.learning_point <> ''`,

  /** Marks the reports taken as published in `quarter` (so they are never counted again) and stores the snapshots. */
  store: async (
    tx: Tx,
    quarter: string,
    last: number,
    publishedOn: Date,
    snapshots: { region: string; json: string; csv: string }[]
  ) => {
    // The report row is the record; the analysis copy is what the next publication reads.
    const marked = await tx.$executeRaw`
      WITH taken AS (
        UPDATE analysis_report f SET published_in = ${quarter} WHERE ${taken(last)} RETURNING f.report_id
      )
      UPDATE report r SET published_in = ${quarter} FROM taken WHERE r.id = taken.report_id`
    await tx.publication.createMany({
      data: snapshots.map((snapshot) => ({ quarter, publishedOn, ...snapshot }))
    })
    return marked
  },

  find: (quarter: string, region: string) =>
    prisma.publication.findUnique({ where: { quarter_region: { quarter, region } }, select: { json: true, csv: true } })
})

export type PublicationRepository = ReturnType<typeof createPublicationRepository>
