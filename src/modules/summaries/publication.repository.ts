import { Prisma, type PrismaClient } from '../../generated/prisma/client.js'
import { dateOfMonthIndex, parsePeriod } from '../../lib/periods.js'

/** Reports of one region and timeliness (on time: the event was in the quarter; late: an earlier quarter). */
export type CutCount = { region: string; onTime: boolean; cut: string; value: string; n: number }
export type LearningPoint = {
  region: string
  onTime: boolean
  coderId: string
  text: string
  approvals: { approverId: string; textHash: string }[]
}

type Tx = Prisma.TransactionClient

/**
 * What publication number `epoch` takes (see report.analysis_epoch): every report counted in analysis whose event
 * is in a month after the previous publication's quarter, up to this quarter's end (the previous publication could
 * not take those), and the reports about the previous publication's quarter or earlier that became countable after
 * it (epoch = this publication's number): the late ones. Nothing else can be unpublished, so nothing is marked.
 */
export type Scope = {
  epoch: number
  /** The month index after which events are new to this publication (the previous quarter's end), if any. */
  after: number | null
  first: number
  last: number
}

const BEFORE_ANY = -1

const CUT_OF_DIM = Prisma.raw('CASE x.dim_a WHEN \'code1\' THEN \'domain\' WHEN \'code2\' THEN \'group\' ELSE x.dim_a END')

export const createPublicationRepository = (prisma: PrismaClient) => ({
  /**
   * Runs `work` holding the publication lock, so two instances (or the CLI and a server) never publish at once,
   * and a SHARE lock on analysis_rollup, which every change to the analysis record takes first (ROW EXCLUSIVE):
   * the publication waits for changes in flight to commit and holds new ones back until it commits, so it reads
   * one consistent state and every report's epoch is decided on one side of it (a wait of well under a second,
   * once a quarter).
   */
  exclusive: <T>(work: (tx: Tx) => Promise<T>) =>
    prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`LOCK TABLE publication IN SHARE ROW EXCLUSIVE MODE`
        await tx.$executeRaw`LOCK TABLE analysis_rollup IN SHARE MODE`
        return work(tx)
      },
      { timeout: 600_000, maxWait: 60_000 }
    ),

  /** The latest publication's quarter and the number the next publication takes. */
  latest: async (tx: Tx) => {
    const [row] = await tx.$queryRaw<{ quarter: string | null; published: number }[]>`
      SELECT max(quarter) AS quarter, count(DISTINCT quarter)::int AS published FROM publication`
    return { quarter: row?.quarter ?? null, next: (row?.published ?? 0) + 1 }
  },

  /**
   * The first day Candid was in use (issue 14.1): its installation (the first team key, made at first start), its
   * first report's arrival, or the month of the earliest event reported, whichever is earliest (a quarter that a
   * report is about can hold reports, whenever it arrived); null before any of them.
   */
  inUseSince: async (tx: Tx): Promise<Date | null> => {
    // The first arrival is the least of each status's first, one step down the (status, received_on) index each:
    // min(received_on) over all statuses read that index whole (234 ms at 1M reports, ten times that at 10M).
    const [row] = await tx.$queryRaw<{ since: Date | null }[]>`
      SELECT least((SELECT min(created_on) FROM team_key),
        (SELECT min(r.first) FROM unnest(enum_range(NULL::report_status)) AS s(status)
          CROSS JOIN LATERAL (SELECT min(received_on) AS first FROM report WHERE report.status = s.status) AS r),
        (SELECT min(occurred_month) FROM report)) AS since`
    return row?.since ?? null
  },

  /** Counts by region, timeliness and each cut, over the reports this publication takes. */
  counts: async (tx: Tx, scope: Scope): Promise<CutCount[]> => {
    const from = dateOfMonthIndex((scope.after ?? BEFORE_ANY) + 1)
    const months = scope.after === null
      ? Prisma.sql`month <= ${dateOfMonthIndex(scope.last)}::date`
      : Prisma.sql`month >= ${from}::date AND month <= ${dateOfMonthIndex(scope.last)}::date`
    const onTime = Prisma.sql`(month >= ${dateOfMonthIndex(scope.first)}::date)`
    // Events after the previous quarter: every counted report about them, from the rollups (a few thousand rows
    // whatever the number of reports).
    const recent = await tx.$queryRaw<CutCount[]>`
      SELECT value AS region, ${onTime} AS "onTime", 'reports' AS cut, '' AS value, sum(n)::int AS n
      FROM analysis_rollup WHERE dim = 'region' AND role = 'any' AND ${months}
      GROUP BY 1, 2 HAVING sum(n) > 0
      UNION ALL
      SELECT x.value_b, ${onTime}, ${CUT_OF_DIM}, x.value_a, sum(x.n)::int
      FROM analysis_cross_rollup x
      WHERE x.dim_a IN ('event_class', 'detection', 'setting', 'code1', 'code2') AND x.role_a = 'any'
        AND x.dim_b = 'region' AND x.role_b = 'any' AND ${months}
      GROUP BY 1, 2, 3, 4 HAVING sum(x.n) > 0`
    if (scope.after === null) return recent
    // Late reports about published quarters: those of this publication's number (epoch) about months it does not
    // cover, counted from their own rollup (a few thousand rows whatever the number of reports: issue 15).
    const late = await tx.$queryRaw<CutCount[]>`
      SELECT region, FALSE AS "onTime", cut, value, sum(n)::int AS n FROM analysis_epoch_rollup
      WHERE epoch = ${scope.epoch} AND month <= ${dateOfMonthIndex(scope.after)}::date
      GROUP BY region, cut, value HAVING sum(n) > 0`
    return [...recent, ...late]
  },

  /**
   * Learning points of the reports taken whose reporters consented (a withdrawn report's point is destroyed), with
   * the row each falls in and its approvals (issue 18.1: the service keeps only the approved ones).
   */
  learningPoints: async (tx: Tx, scope: Scope): Promise<LearningPoint[]> => {
    const last = dateOfMonthIndex(scope.last)
    const taken = scope.after === null
      ? Prisma.sql`f.month <= ${last}::date`
      : Prisma.sql`(f.month > ${dateOfMonthIndex(scope.after)}::date AND f.month <= ${last}::date
           OR f.epoch = ${scope.epoch} AND f.month <= ${dateOfMonthIndex(scope.after)}::date)`
    const rows = await tx.$queryRaw<{ id: string; region: string; onTime: boolean; coderId: string; text: string }[]>`
      SELECT c.id, f.region, f.month >= ${dateOfMonthIndex(scope.first)}::date AS "onTime", c.coder_id AS "coderId",
        c.learning_point AS text
      FROM analysis_report f JOIN coding c ON c.id = f.coding_id
      WHERE f.consent AND f.has_point AND ${taken} AND c.learning_point <> ''`
    const approvals = rows.length === 0
      ? []
      : await tx.learningPointApproval.findMany({
        where: { codingId: { in: rows.map((row) => row.id) } },
        select: { codingId: true, approverId: true, textHash: true }
      })
    return rows.map(({ id, ...row }) => ({ ...row, approvals: approvals.filter((one) => one.codingId === id) }))
  },

  /**
   * Actions recorded before `before` (the day after the quarter) by region of their linked reports (null: linked to
   * none), domain of their themes and status now (for the actions table, src/modules/summaries/actions-table.ts).
   */
  actionCounts: (tx: Tx, before: Date) =>
    tx.$queryRaw<{ region: string | null; domain: string; status: string; n: number }[]>`
      SELECT r.region, split_part(t.theme, '.', 1) AS domain, a.status::text AS status,
        count(DISTINCT a.id)::int AS n
      FROM action a
      CROSS JOIN LATERAL unnest(a.themes) AS t(theme)
      LEFT JOIN (SELECT DISTINCT l.action_id, rep.region FROM action_report l JOIN report rep ON rep.id = l.report_id) r
        ON r.action_id = a.id
      WHERE a.created_on < ${before}::date
      GROUP BY 1, 2, 3`,

  /** Stores the snapshots: the publication is these rows (its number is their quarter's place in order). */
  store: (tx: Tx, quarter: string, publishedOn: Date, snapshots: { region: string; json: string; csv: string }[]) =>
    tx.publication.createMany({ data: snapshots.map((snapshot) => ({ quarter, publishedOn, ...snapshot })) }),

  /** Every quarter published, oldest first, with the day it was published (for the admins' console). */
  published: async () =>
    (
      await prisma.publication.findMany({
        distinct: ['quarter'],
        select: { quarter: true, publishedOn: true },
        orderBy: { quarter: 'asc' }
      })
    ).map((row) => ({ quarter: row.quarter, publishedOn: row.publishedOn.toISOString().slice(0, 10) })),

  /** The day Candid came into use, outside a publication (the admins' list of due quarters). */
  inUseSinceNow: () => createPublicationRepository(prisma).inUseSince(prisma as unknown as Tx),

  quarters: async (region: string) =>
    (await prisma.publication.findMany({ where: { region }, select: { quarter: true }, orderBy: { quarter: 'asc' } }))
      .map((row) => row.quarter),

  find: (quarter: string, region: string) =>
    prisma.publication.findUnique({ where: { quarter_region: { quarter, region } }, select: { json: true, csv: true } })
})

/** The scope of the publication of `quarter` after `latest` (null: the first publication). */
export const scopeOf = (quarter: string, latest: { quarter: string | null; next: number }): Scope => {
  const [first, last] = parsePeriod(quarter) ?? [0, 0]
  const previous = latest.quarter === null ? null : parsePeriod(latest.quarter)
  return { epoch: latest.next, after: previous ? previous[1] : null, first, last }
}

export type PublicationRepository = ReturnType<typeof createPublicationRepository>
