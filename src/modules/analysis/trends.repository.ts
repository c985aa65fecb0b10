import { Prisma, type PrismaClient } from '../../generated/prisma/client.js'
import { blocksOf, dateOfMonthIndex } from '../../lib/periods.js'
import { type BitKey, bitCounts } from './bits.js'
import { ownOpenReports } from './blind.js'
import { COLUMN } from './columns.js'
import type { Dimension } from './trends.schemas.js'

export type Role = 'any' | 'contributing' | 'mitigating'
export type MonthCount = { month: Date; value: string; n: number }
export type Filters = Partial<Record<Dimension, string>> & { code?: { level: number; code: string } }

/**
 * Runs one count over the bitmaps with a statement timeout. On a very large database and a cold cache
 * such a count can outlast the 10 s connection timeout (R31), which would close the lead's connection with no
 * answer; cancelled sooner, it is answered 503 with Retry-After (error-handler.ts), and the pages it read stay
 * cached for the retry. set_config(…, true) holds for this transaction only, on whichever pooled connection.
 */
const bounded = (prisma: PrismaClient, timeoutMs: number, query: Prisma.Sql) =>
  prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT set_config('statement_timeout', ${String(timeoutMs)}, true)`
    return tx.$queryRaw<(MonthCount & { total: boolean })[]>(query)
  })

/** A rollup's count of settled reports: a lead's answers add the open ones the lead coded (blind.ts). */
const SETTLED = Prisma.raw('(n - n_open)')

const months = (from: number, to: number) =>
  Prisma.sql`month >= ${dateOfMonthIndex(from)}::date AND month <= ${dateOfMonthIndex(to)}::date`

/** The pair rollup's rows for a month range: the fewest months, quarters and years that tile it (blocksOf). */
const blocks = (from: number, to: number) => {
  const tiling = blocksOf(from, to).map(
    ({ span, start }) => Prisma.sql`(${span}::smallint, ${dateOfMonthIndex(start)}::date)`
  )
  return tiling.length === 0 ? Prisma.sql`FALSE` : Prisma.sql`(span, month) IN (${Prisma.join(tiling)})`
}

export type FieldValue = { dim: string; value: string }

/**
 * The filters of a question no rollup answers, and its grouping, as sets of bits (bits.ts): the code in the role,
 * each field in role any; codes of a level in the role, or a field's values.
 */
export const bitQuestion = (groupBy: Dimension | 'code', level: number, role: Role, filters: Filters) => {
  const { code, ...fields } = filters
  const keys: BitKey[] = code ? [{ dim: `code${code.level}`, role, value: code.code }] : []
  for (const [dimension, column] of Object.entries(COLUMN) as [Dimension, string][]) {
    const value = fields[dimension]
    if (value !== undefined) keys.push({ dim: column, role: 'any', value })
  }
  const group: BitKey = groupBy === 'code' ? { dim: `code${level}`, role } : { dim: COLUMN[groupBy], role: 'any' }
  return { keys, group }
}

/**
 * `queryTimeoutMs`: how long a count from the bitmaps, or a read of a lead's own open reports, may run (config
 * ANALYSIS_QUERY_TIMEOUT_MS).
 */
export const createTrendsRepository = (prisma: PrismaClient, { queryTimeoutMs }: { queryTimeoutMs: number }) => ({
  /** The open reports this lead coded, which their answers add to the settled ones (issue 17.9; see blind.ts). */
  own: (userId: string, from: number, to: number) => ownOpenReports(prisma, queryTimeoutMs, userId, from, to),

  /** Monthly counts of one rollup dimension: what unfiltered questions read, a few rows per month and value. */
  rollup: (dim: string, role: Role, from: number, to: number) =>
    prisma.$queryRaw<MonthCount[]>`
      SELECT month, value, ${SETTLED} AS n FROM analysis_rollup
      WHERE dim = ${dim} AND role = ${role} AND ${months(from, to)} AND ${SETTLED} <> 0`,

  /** Monthly counts of dimension a's values among reports with one value of dimension b (a single filter). */
  cross: (a: { dim: string; role: Role }, b: { dim: string; role: Role; value: string }, from: number, to: number) =>
    prisma.$queryRaw<MonthCount[]>`
      SELECT month, value_a AS value, ${SETTLED} AS n FROM analysis_cross_rollup
      WHERE dim_a = ${a.dim} AND role_a = ${a.role} AND dim_b = ${b.dim} AND role_b = ${b.role}
        AND value_b = ${b.value} AND ${months(from, to)} AND ${SETTLED} <> 0`,

  /** Monthly counts of one value of a rollup dimension (the reports a single filter keeps). */
  rollupValue: (dim: string, role: Role, value: string, from: number, to: number) =>
    prisma.$queryRaw<MonthCount[]>`
      SELECT month, '' AS value, ${SETTLED} AS n FROM analysis_rollup
      WHERE dim = ${dim} AND role = ${role} AND value = ${value} AND ${months(from, to)} AND ${SETTLED} <> 0`,

  /** Monthly counts of one value of dimension a among reports with one value of b: the reports two filters keep. */
  crossValue: (a: { dim: string; role: Role; value: string }, b: { dim: string; value: string }, from: number,
    to: number) =>
    prisma.$queryRaw<MonthCount[]>`
      SELECT month, '' AS value, ${SETTLED} AS n FROM analysis_cross_rollup
      WHERE dim_a = ${a.dim} AND role_a = ${a.role} AND dim_b = ${b.dim} AND role_b = 'any' AND value_b = ${b.value}
        AND value_a = ${a.value} AND ${months(from, to)} AND ${SETTLED} <> 0`,

  /** Monthly counts of field a's values under two field filters (b < c). */
  fieldCross2: (a: string, b: FieldValue, c: FieldValue, from: number, to: number) =>
    prisma.$queryRaw<MonthCount[]>`
      SELECT month, value_a AS value, ${SETTLED} AS n FROM analysis_field_cross2
      WHERE dim_a = ${a} AND dim_b = ${b.dim} AND value_b = ${b.value} AND dim_c = ${c.dim} AND value_c = ${c.value}
        AND ${months(from, to)} AND ${SETTLED} <> 0`,

  /** Monthly counts of the codes of a level in a role under two field filters (one < two). */
  codesUnderFields: (level: number, role: Role, one: FieldValue, two: FieldValue, from: number, to: number) =>
    prisma.$queryRaw<MonthCount[]>`
      SELECT month, code AS value, ${SETTLED} AS n FROM analysis_code_fields
      WHERE dim_1 = ${one.dim} AND dim_2 = ${two.dim} AND value_1 = ${one.value} AND value_2 = ${two.value}
        AND level = ${level}::smallint AND role = ${role} AND ${months(from, to)} AND ${SETTLED} <> 0`,

  /** Monthly counts of field a's values among one code's reports (level, role) under one field filter. */
  fieldUnderCode: (a: string, code: { level: number; code: string }, role: Role, filter: FieldValue, from: number,
    to: number) => {
    // The pair is stored with its dimensions in order; the filter's value is on one side, a's on the other.
    const [one, two] = a < filter.dim ? [a, filter.dim] : [filter.dim, a]
    const [grouped, fixed] = (a < filter.dim ? ['value_1', 'value_2'] : ['value_2', 'value_1']).map(Prisma.raw) as
      [Prisma.Sql, Prisma.Sql]
    return prisma.$queryRaw<MonthCount[]>`
      SELECT month, ${grouped} AS value, sum(${SETTLED})::int AS n FROM analysis_code_fields
      WHERE level = ${code.level}::smallint AND role = ${role} AND code = ${code.code} AND dim_1 = ${one}
        AND dim_2 = ${two} AND ${fixed} = ${filter.value} AND ${months(from, to)}
      GROUP BY month, ${grouped} HAVING sum(${SETTLED}) <> 0`
  },

  /**
   * Monthly counts under field filters only, from the field cube (three or more filters: fewer come from the
   * rollups above): by a field's values (`grouped`), or the reports kept (value ''). PostgreSQL finds the rows by
   * combining the filters' indexes, each (field, month).
   */
  cube: (grouped: string | null, filters: readonly FieldValue[], from: number, to: number) => {
    const conditions = filters.map((filter) => Prisma.sql`${Prisma.raw(filter.dim)} = ${filter.value}`)
    // Column names from COLUMN (never from input); PostgreSQL refuses a constant in GROUP BY, hence two forms.
    const [value, groups] = grouped === null
      ? [Prisma.sql`''`, Prisma.sql`month`]
      : [Prisma.raw(grouped), Prisma.raw(`month, ${grouped}`)]
    return prisma.$queryRaw<MonthCount[]>`
      SELECT month, ${value} AS value, sum(${SETTLED})::int AS n FROM analysis_field_cube
      WHERE ${Prisma.join(conditions, ' AND ')} AND ${months(from, to)}
      GROUP BY ${groups} HAVING sum(${SETTLED}) <> 0`
  },

  /** Monthly counts of the codes of a level on the reports carrying one code, both in one role. */
  codesUnderCode: (level: number, role: Role, code: { level: number; code: string }, from: number, to: number) =>
    prisma.$queryRaw<MonthCount[]>`
      SELECT month, code_a AS value, ${SETTLED} AS n FROM analysis_code_cross
      WHERE role = ${role} AND level_b = ${code.level}::smallint AND code_b = ${code.code}
        AND level_a = ${level}::smallint AND ${months(from, to)} AND ${SETTLED} <> 0`,

  /** Counts under the filters no rollup answers, from the bitmaps (bits.ts), under the statement timeout. */
  filtered: async (groupBy: Dimension | 'code', level: number, role: Role, filters: Filters, from: number,
    to: number): Promise<[MonthCount[], MonthCount[]]> => {
    const { keys, group } = bitQuestion(groupBy, level, role, filters)
    const rows = await bounded(prisma, queryTimeoutMs, bitCounts(keys, group, from, to))
    return [rows.filter((row) => !row.total), rows.filter((row) => row.total)]
  },

  /** Reports carrying both codes of each pair of one level, over a month range. */
  pairs: (level: number, from: number, to: number, minCount: number, limit: number) =>
    prisma.$queryRaw<{ a: string; b: string; n: number }[]>`
      SELECT code_a AS a, code_b AS b, sum(${SETTLED})::int AS n FROM analysis_pair_rollup
      WHERE level = ${level}::smallint AND ${blocks(from, to)}
      GROUP BY code_a, code_b HAVING sum(${SETTLED}) >= ${minCount}
      ORDER BY sum(${SETTLED}) DESC, code_a, code_b LIMIT ${limit}`,

  /** The settled reports carrying each of these pairs of codes of one level (a < b), over a month range. */
  pairCounts: (level: number, from: number, to: number, pairs: readonly { a: string; b: string }[]) =>
    pairs.length === 0
      ? Promise.resolve([])
      : prisma.$queryRaw<{ a: string; b: string; n: number }[]>`
      SELECT code_a AS a, code_b AS b, sum(${SETTLED})::int AS n FROM analysis_pair_rollup
      WHERE level = ${level}::smallint AND ${blocks(from, to)}
        AND (code_a, code_b) IN (${Prisma.join(pairs.map((pair) => Prisma.sql`(${pair.a}, ${pair.b})`))})
      GROUP BY code_a, code_b`
})

export type TrendsRepository = ReturnType<typeof createTrendsRepository>
