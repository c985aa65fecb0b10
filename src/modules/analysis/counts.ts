import { type OwnReport, add, passes, tally, valuesOf } from './blind.js'
import { COLUMN } from './columns.js'
import type { FieldValue, Filters, MonthCount, Role, TrendsRepository } from './trends.repository.js'
import { DIMENSIONS, type Dimension } from './trends.schemas.js'

/** What one trend counts: reports per month by the grouping's values, and reports per month, under the filters. */
export type Question = {
  groupBy: Dimension | 'code'
  /** Taxonomy level when grouping by code. */
  level: number
  role: Role
  filters: Filters
  first: number
  last: number
}

type Code = NonNullable<Filters['code']>

/**
 * Where a trend is counted (issue 15): every question with up to two filters from a rollup, reading a few rows per
 * month and value whatever the number of reports —
 * - no filter: analysis_rollup;
 * - one filter: analysis_cross_rollup (field or code by field, field by code), analysis_code_cross (codes by code);
 * - two field filters: analysis_field_cross2 (by a field), analysis_code_fields (by code);
 * - a code and a field: analysis_code_fields through its code index (by a field);
 * - three or more field filters: the field cube, analysis_field_cube (by a field);
 * and the reports the filters keep from the rollup of one filter, the cross rollup of two, or the cube. What is
 * left — a code with two or more fields, codes under three or more fields, or codes by code under a code and a
 * field — is counted from the bitmaps (bits.ts: the filters' bits ANDed, then counted against each group's, under
 * the statement timeout; see docs/benchmarks.md). Returns null where no rollup answers.
 */
const fromRollups = (repository: TrendsRepository, q: Question): Promise<[MonthCount[], MonthCount[]]> | null => {
  const { groupBy, level, role, filters, first, last } = q
  const fields: FieldValue[] = DIMENSIONS.filter((dimension) => filters[dimension] !== undefined)
    .map((dimension) => ({ dim: COLUMN[dimension], value: filters[dimension] as string }))
    .sort((a, b) => a.dim.localeCompare(b.dim))
  const code = filters.code
  const codeDim = (c: Code) => ({ dim: `code${c.level}`, role, value: c.code })
  const grouped = groupBy === 'code' ? null : COLUMN[groupBy]
  // Grouped by a field that is also a filter: one group, the filter's value, holding every report kept.
  const own = grouped === null ? undefined : fields.find((field) => field.dim === grouped)

  const totals = (): Promise<MonthCount[]> | null => {
    const [b, c] = fields
    if (code === undefined && fields.length === 0) return repository.rollup('all', 'any', first, last)
    if (code !== undefined && fields.length === 0) {
      return repository.rollupValue(`code${code.level}`, role, code.code, first, last)
    }
    if (code === undefined && b !== undefined && fields.length === 1) {
      return repository.rollupValue(b.dim, 'any', b.value, first, last)
    }
    if (code === undefined && b !== undefined && c !== undefined && fields.length === 2) {
      return repository.crossValue({ ...b, role: 'any' }, c, first, last)
    }
    if (code !== undefined && b !== undefined && fields.length === 1) {
      return repository.crossValue(codeDim(code), b, first, last)
    }
    if (code === undefined && fields.length >= 3) return repository.cube(null, fields, first, last)
    return null
  }
  const counts = (): Promise<MonthCount[]> | null => {
    const [b, c] = fields
    if (own) return null
    const a = grouped === null ? { dim: `code${level}`, role } : { dim: grouped, role: 'any' as Role }
    if (code === undefined && fields.length === 0) return repository.rollup(a.dim, a.role, first, last)
    if (code === undefined && b !== undefined && fields.length === 1) {
      return repository.cross(a, { dim: b.dim, role: 'any', value: b.value }, first, last)
    }
    if (code !== undefined && fields.length === 0) {
      return grouped === null
        ? repository.codesUnderCode(level, role, code, first, last)
        : repository.cross(a, codeDim(code), first, last)
    }
    if (code === undefined && b !== undefined && c !== undefined && fields.length === 2) {
      return grouped === null
        ? repository.codesUnderFields(level, role, b, c, first, last)
        : repository.fieldCross2(grouped, b, c, first, last)
    }
    if (code !== undefined && b !== undefined && fields.length === 1 && grouped !== null) {
      return repository.fieldUnderCode(grouped, code, role, b, first, last)
    }
    if (code === undefined && fields.length >= 3 && grouped !== null) {
      return repository.cube(grouped, fields, first, last)
    }
    return null
  }
  const reports = totals()
  if (reports === null) return null
  if (own) {
    return reports.then((rows) => [rows.map((row) => ({ ...row, value: own.value })), rows])
  }
  const grouping = counts()
  return grouping === null ? null : Promise.all([grouping, reports])
}

/**
 * A lead's trend: the settled reports' counts (rollups, or the bitmaps where no rollup answers) plus the open reports
 * the lead coded (`mine`), which the lead may read; the open reports the lead may still code are in neither
 * (blind coding, issue 17.9: see blind.ts).
 */
export const countTrend = async (
  repository: TrendsRepository,
  q: Question,
  mine: readonly OwnReport[]
): Promise<[MonthCount[], MonthCount[]]> => {
  const settled = await (fromRollups(repository, q) ??
    repository.filtered(q.groupBy, q.level, q.role, q.filters, q.first, q.last))
  const kept = mine.filter((report) => passes(report, q.filters, q.role))
  const values = (report: OwnReport) =>
    q.groupBy === 'code' ? valuesOf(report, `code${q.level}`, q.role) : [report.fields[q.groupBy]]
  return [add(settled[0], tally(kept, values)), add(settled[1], tally(kept, () => ['']))]
}
