import { type Labels, labelOf } from './labels.js'
import type { TSummary } from './summaries.schemas.js'

/**
 * A published summary as served (issue 14.4): the frozen snapshot with each category's label beside its code, and
 * its CSV cut by table. Everything here is worked out from the stored bytes and the (immutable) taxonomy version they
 * name, so a quarter still reads the same on every pull and nothing new about a report can appear.
 */

/** The tidy CSV's columns as served: the stored ones with the category's label after it. */
export const SERVED_CSV_HEADER = 'quarter,region,cut,row,category,label,count'
export const TOP_THEMES_CSV_HEADER = 'quarter,region,rank,code,label,count,share'
export const LEARNING_POINTS_CSV_HEADER = 'quarter,region,point'

/** The count tables, each reachable alone; `late` is every count table's late row, `actions` the actions table. */
export const TABLE_CUTS = ['event_class', 'detection', 'setting', 'domain', 'group', 'actions', 'late'] as const
export const LIST_CUTS = ['top_themes', 'learning_points'] as const
export const SERVED_CUTS = [...TABLE_CUTS, ...LIST_CUTS] as const
export type ServedCut = (typeof SERVED_CUTS)[number]

/** The CSV header of a cut (or of the whole summary). */
export const headerOf = (cut?: ServedCut) =>
  cut === 'top_themes' ? TOP_THEMES_CSV_HEADER : cut === 'learning_points' ? LEARNING_POINTS_CSV_HEADER : SERVED_CSV_HEADER

/**
 * One RFC 4180 field. Labels and learning points hold commas and quotes; a leading =, +, -, @ or control character
 * would run as a formula in a spreadsheet (OWASP "CSV injection"), so such text is prefixed with an apostrophe.
 */
const field = (value: string | number | null): string => {
  if (value === null) return ''
  if (typeof value === 'number') return String(value)
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

const line = (fields: (string | number | null)[]) => fields.map(field).join(',')

/** The JSON summary with `labels` (one per category, in order) in every table and in the actions table. */
export const labelledSummary = (summary: TSummary, labels: Labels) => ({
  ...summary,
  tables: summary.tables.map(({ categories, ...table }) => ({
    cut: table.cut,
    counts: table.counts,
    categories,
    labels: categories.map((code) => labelOf(labels, code)),
    rows: table.rows
  })),
  ...(summary.actions
    ? {
        actions: {
          counts: summary.actions.counts,
          categories: summary.actions.categories,
          labels: summary.actions.categories.map((code) => labelOf(labels, code)),
          rows: summary.actions.rows
        }
      }
    : {})
})

/** The actions table as tidy lines (cut `actions`, row = status), from the JSON. */
const actionLines = (summary: TSummary) =>
  (summary.actions?.rows ?? []).flatMap((row) => [
    ...(summary.actions?.categories ?? []).map((category, i) => [category, row.values[i]] as const),
    ['total', row.total] as const
  ].map(([category, count]) => [summary.quarter, summary.region, 'actions', row.row, category, count]))

/**
 * The lines of one quarter's CSV for `cut` (none: every count table and the actions table), without the header. The
 * count tables come from the stored CSV (codes and counts only, never quoted), with the label put in after the
 * category; the actions table (unless its publication stored it in the CSV), the top themes and the learning points
 * from the stored JSON.
 */
export const csvLines = (stored: { json: TSummary; csv: string }, labels: Labels, cut?: ServedCut): string[] => {
  const { json: summary } = stored
  if (cut === 'top_themes') {
    return summary.topThemes.map((theme, i) =>
      line([summary.quarter, summary.region, i + 1, theme.code, theme.label, theme.count, theme.share])
    )
  }
  if (cut === 'learning_points') {
    return summary.learningPoints.map((point) => line([summary.quarter, summary.region, point]))
  }
  const stored6 = stored.csv.split('\r\n').slice(1).filter((text) => text !== '').map((text) => text.split(','))
  // The actions table is in the stored CSV once its publication put it there; from the JSON otherwise.
  const actions = stored6.some((fields) => fields[2] === 'actions') ? [] : actionLines(summary)
  const rows = [...stored6, ...(cut === undefined || cut === 'actions' ? actions : [])].filter((fields) =>
    cut === undefined ? true : cut === 'late' ? fields[3] === 'late' && fields[2] !== 'actions' : fields[2] === cut
  )
  return rows.map((fields) => {
    const [quarter, region, table, row, category, count] = fields.map(String)
    return line([quarter, region, table, row, category, labelOf(labels, category ?? ''), count].map((v) => v ?? ''))
  })
}

/** A whole CSV document: the header and lines, each ending CRLF (RFC 4180). */
export const csvDocument = (cut: ServedCut | undefined, lines: readonly string[]) =>
  `${[headerOf(cut), ...lines].join('\r\n')}\r\n`
