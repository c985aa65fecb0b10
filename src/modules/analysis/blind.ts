import { Prisma, type PrismaClient } from '../../generated/prisma/client.js'
import { dateOfMonthIndex } from '../../lib/periods.js'
import type { Dimension } from './trends.schemas.js'
import { COLUMN } from './columns.js'
import type { Filters, MonthCount, Role } from './trends.repository.js'

/**
 * Blind coding through analysis (issue 17.9): a lead who has not coded a report that is still open may yet code it,
 * and must do so blind; a trend cut down to one region and month (two reports, one code) would show them the
 * first coder's codes. So every analysis answer to a lead leaves out the reports they may still code: open (not
 * closed, withdrawn or merged) and not coded by them. The rollups keep the open reports' share of each count apart
 * (n_open), so an answer is the count of the settled reports plus the open reports the lead coded, worked out here
 * from their analysis rows: at most the lead's own open codings, however many reports are open (issue 15).
 */

export type OwnReport = {
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
 * The open reports this lead has coded, in a month range, with their fields and codes: found from the lead's own
 * codings (coding's (coder_id, report_id) index), not from the range of the analysis record.
 */
export const ownOpenReports = (
  prisma: PrismaClient,
  timeoutMs: number,
  userId: string,
  from: number,
  to: number
): Promise<OwnReport[]> =>
  // Under the statement timeout like every count over the record (trends.repository.ts `bounded`).
  prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT set_config('statement_timeout', ${String(timeoutMs)}, true)`
    return own(tx, userId, from, to)
  })

const own = async (
  prisma: Prisma.TransactionClient,
  userId: string,
  from: number,
  to: number
): Promise<OwnReport[]> => {
  const rows = await prisma.$queryRaw<({ reportId: string; month: Date } & Record<Dimension, string>)[]>`
    SELECT f.report_id AS "reportId", f.month, f.region, f.setting, f.event_class AS "eventClass", f.detection,
      f.reach, f.event_type AS "eventType"
    FROM coding m JOIN analysis_report f ON f.report_id = m.report_id
    WHERE m.coder_id = ${userId}::uuid AND f.open
      AND f.month >= ${dateOfMonthIndex(from)}::date AND f.month <= ${dateOfMonthIndex(to)}::date`
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
export const valuesOf = (report: OwnReport, dim: string, role: Role): string[] => {
  if (dim === 'all') return ['']
  const level = /^code([123])$/.exec(dim)?.[1]
  if (level) {
    return report.codes.filter((code) => code.level === Number(level) && hasRole(code, role)).map((code) => code.code)
  }
  const field = DIM_FIELD[dim]
  return field ? [report.fields[field]] : []
}

/** Whether a report passes trend filters (fields, and a code at its level in the role). */
export const passes = (report: OwnReport, filters: Filters, role: Role): boolean =>
  (Object.keys(FIELD_COLUMNS) as Dimension[]).every((dimension) =>
    filters[dimension] === undefined || report.fields[dimension] === filters[dimension]) &&
  (filters.code === undefined ||
    report.codes.some((code) =>
      code.level === filters.code?.level && code.code === filters.code.code && hasRole(code, role)))

/** Monthly counts of these reports' values (each report once per value). */
export const tally = (reports: readonly OwnReport[], values: (report: OwnReport) => string[]): MonthCount[] => {
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

/** `rows` and `more` added up (same month and value), dropping what is 0. */
export const add = (rows: readonly MonthCount[], more: readonly MonthCount[]): MonthCount[] => {
  if (more.length === 0) return rows.filter((row) => Number(row.n) !== 0)
  const sums = new Map<string, MonthCount>()
  for (const row of [...rows, ...more]) {
    const key = `${row.month.toISOString()}|${row.value}`
    const sum = sums.get(key)
    sums.set(key, { month: row.month, value: row.value, n: (sum ? Number(sum.n) : 0) + Number(row.n) })
  }
  return [...sums.values()].filter((row) => row.n !== 0)
}

/** The pairs of codes of one level on each of these reports (a < b), with how many of them carry each. */
export const pairsOf = (reports: readonly OwnReport[], level: number): Map<string, number> => {
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
