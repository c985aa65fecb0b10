import { Prisma, type PrismaClient } from '../../generated/prisma/client.js'
import { dateOfMonthIndex } from '../../lib/periods.js'
import type { Dimension } from './trends.schemas.js'
import { COLUMN } from './columns.js'
import type { Filters, MonthCount, Role } from './trends.repository.js'

/**
 * Blind coding through analysis (issue 17.9): a lead who has not coded a report that is still open may yet code it,
 * and must do so blind; a trend cut down to one region and month (two reports, one code) would show them the
 * first coder's codes. So every analysis answer to a lead leaves out the reports they may still code: open (not
 * closed, withdrawn or merged) and not coded by them. Those are the review queue's few, so the answer is the usual
 * count (rollups or the record) less theirs, worked out here from their analysis rows.
 */

export type HeldReport = {
  month: Date
  fields: Record<Dimension, string>
  /** level → code → roles */
  codes: { level: number; code: string; contributing: boolean; mitigating: boolean }[]
}

const FIELD_COLUMNS = COLUMN
/** Rollup dims (see AnalysisRollup) to the API's dimensions. */
const DIM_FIELD: Record<string, Dimension> = Object.fromEntries(
  Object.entries(FIELD_COLUMNS).map(([dimension, column]) => [column, dimension as Dimension])
)

/**
 * The reports a lead may still code, in a month range, with their fields and codes: found from the open reports
 * (report's (status, received_on) index: the queue, a few hundred), not from the range of the analysis record.
 */
export const heldReports = (
  prisma: PrismaClient,
  timeoutMs: number,
  userId: string,
  from: number,
  to: number
): Promise<HeldReport[]> =>
  // Under the statement timeout like every count over the record (trends.repository.ts `bounded`).
  prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT set_config('statement_timeout', ${String(timeoutMs)}, true)`
    return held(tx, userId, from, to)
  })

const held = async (
  prisma: Prisma.TransactionClient,
  userId: string,
  from: number,
  to: number
): Promise<HeldReport[]> => {
  const rows = await prisma.$queryRaw<({ reportId: string; month: Date } & Record<Dimension, string>)[]>`
    SELECT f.report_id AS "reportId", f.month, f.region, f.setting, f.event_class AS "eventClass", f.detection,
      f.reach, f.event_type AS "eventType"
    FROM report r JOIN analysis_report f ON f.report_id = r.id
    WHERE r.status IN ('new', 'in_review', 'coded')
      AND f.month >= ${dateOfMonthIndex(from)}::date AND f.month <= ${dateOfMonthIndex(to)}::date
      AND NOT EXISTS (SELECT 1 FROM coding m WHERE m.report_id = f.report_id AND m.coder_id = ${userId}::uuid)`
  if (rows.length === 0) return []
  type CodeRow = { reportId: string; level: number; code: string; contributing: boolean; mitigating: boolean }
  const codes = await prisma.$queryRaw<CodeRow[]>`
    SELECT report_id AS "reportId", level, code, contributing, mitigating FROM analysis_code
    WHERE report_id IN (${Prisma.join(rows.map((row) => Prisma.sql`${row.reportId}::uuid`))})`
  return rows.map(({ reportId, month, ...fields }) => ({
    month,
    fields,
    codes: codes
      .filter((code) => code.reportId === reportId)
      .map(({ level, code, contributing, mitigating }) => ({ level: Number(level), code, contributing, mitigating }))
  }))
}

const hasRole = (code: { contributing: boolean; mitigating: boolean }, role: Role) =>
  role === 'any' || code[role]

/** A report's values of one rollup dimension (all → ''; codeN → its codes at level N in the role). */
export const valuesOf = (report: HeldReport, dim: string, role: Role): string[] => {
  if (dim === 'all') return ['']
  const level = /^code([123])$/.exec(dim)?.[1]
  if (level) {
    return report.codes.filter((code) => code.level === Number(level) && hasRole(code, role)).map((code) => code.code)
  }
  const field = DIM_FIELD[dim]
  return field ? [report.fields[field]] : []
}

/** Whether a report passes trend filters (fields, and a code at its level in the role). */
export const passes = (report: HeldReport, filters: Filters, role: Role): boolean =>
  (Object.keys(FIELD_COLUMNS) as Dimension[]).every((dimension) =>
    filters[dimension] === undefined || report.fields[dimension] === filters[dimension]) &&
  (filters.code === undefined ||
    report.codes.some((code) =>
      code.level === filters.code?.level && code.code === filters.code.code && hasRole(code, role)))

/** Monthly counts of the held reports' values (each report once per value). */
export const tally = (reports: readonly HeldReport[], values: (report: HeldReport) => string[]): MonthCount[] => {
  const counts = new Map<string, MonthCount>()
  for (const report of reports) {
    for (const value of new Set(values(report))) {
      const key = `${report.month.toISOString()}|${value}`
      const row = counts.get(key) ?? { month: report.month, value, n: 0 }
      counts.set(key, { ...row, n: row.n + 1 })
    }
  }
  return [...counts.values()]
}

/** `rows` less `held` (same month and value), dropping what reaches 0. */
export const subtract = (rows: readonly MonthCount[], held: readonly MonthCount[]): MonthCount[] => {
  if (held.length === 0) return [...rows]
  const less = new Map(held.map((row) => [`${row.month.toISOString()}|${row.value}`, row.n]))
  return rows
    .map((row) => ({ ...row, n: Number(row.n) - (less.get(`${row.month.toISOString()}|${row.value}`) ?? 0) }))
    .filter((row) => row.n > 0)
}

/** The pairs of codes of one level on each held report (a < b), with how many held reports carry each. */
export const heldPairs = (reports: readonly HeldReport[], level: number): Map<string, number> => {
  const pairs = new Map<string, number>()
  for (const report of reports) {
    const codes = [...new Set(report.codes.filter((code) => code.level === level).map((code) => code.code))].sort()
    for (let i = 0; i < codes.length; i++) {
      for (let j = i + 1; j < codes.length; j++) {
        const key = `${codes[i]}|${codes[j]}`
        pairs.set(key, (pairs.get(key) ?? 0) + 1)
      }
    }
  }
  return pairs
}
