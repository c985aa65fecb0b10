import {
  type CountTable,
  hierarchyLinks,
  type Link,
  type PublishedCount,
  type PublishedTable,
  protectPublication,
  publishableShare,
  SUPPRESSED,
  TOTAL
} from '../../lib/disclosure/index.js'
import { type ActionCount, buildActionsTable } from './actions-table.js'
import type { CutCount } from './publication.repository.js'
import {
  CSV_HEADER,
  type CUTS,
  type ROWS,
  type SuppressedSymbol,
  suppressedMark,
  type TSummary,
  ZSummary
} from './summaries.schemas.js'

export type SummaryInput = {
  quarter: string
  region: string
  taxonomyVersion: number
  /** This region's counts (the publication's rows for it). */
  counts: readonly CutCount[]
  /** Approved, consented learning points and the row (on time or late) of the report each came from. */
  learningPoints: readonly { text: string; onTime: boolean }[]
  /** The categories of each cut, in publication order (zeros are published too). */
  categories: Record<(typeof CUTS)[number], readonly string[]>
  labels: ReadonlyMap<string, string>
  threshold: number
  base: number
  /** Actions by region, domain and status (src/modules/summaries/actions-table.ts); none when absent. */
  actionCounts?: readonly ActionCount[]
}

const TOP_THEMES = 5

const noteFor = ({ threshold, base }: { threshold: number; base: number }) => {
  const mark = suppressedMark()
  return `${mark} marks a hidden cell. Counts from 1 to ${threshold - 1} are hidden, and more cells are hidden where a ` +
    'hidden one could otherwise be worked out from totals or from another table: a hidden cell may be small or may ' +
    `protect a small one, so it may hold any count. Other counts are rounded to the nearest ${base}. On-time ` +
    `and late reports are each a row of every table: a row of fewer than ${threshold} reports shows every count and ` +
    `its total as ${mark}, so nothing is shown of how those reports fall. Totals are rounded from the true figures, ` +
    'so cells may not add up to them. Late reports are those about an earlier quarter that arrived after that ' +
    "quarter's publication; they are tabled apart and never added to the on-time figures. Domain and group tables " +
    'count reports with at least one code in the category, so a report can count in several columns and their ' +
    'totals count mentions.'
}

/** One row of counts (on-time or late reports) of one cut, one column per category. */
const tableOf = (input: SummaryInput, cut: (typeof CUTS)[number], onTime: boolean): CountTable => {
  const categories = input.categories[cut]
  const index = new Map(categories.map((category, i) => [category, i]))
  const counts = categories.map(() => 0)
  for (const row of input.counts) {
    const column = index.get(row.value)
    if (row.cut !== cut || row.onTime !== onTime || column === undefined) continue
    counts[column] = (counts[column] ?? 0) + Number(row.n)
  }
  return { rowLabels: [onTime ? 'on_time' : 'late'], columnLabels: [...categories], counts: [counts] }
}

const show = (value: PublishedCount, mark: SuppressedSymbol): number | SuppressedSymbol =>
  value === SUPPRESSED ? mark : value

/** One cut's table as published: its on-time and late rows, each suppressed value shown as `mark`. */
const published = (
  cut: (typeof CUTS)[number],
  onTime: PublishedTable,
  late: PublishedTable,
  mark: SuppressedSymbol
) => {
  const rowOf = (row: (typeof ROWS)[number], table: PublishedTable) => ({
    row,
    values: (table.cells[0] ?? []).map((value) => show(value, mark)),
    total: show(table.grandTotal, mark)
  })
  return {
    cut,
    counts: cut === 'domain' || cut === 'group' ? 'reports with a code in the category' : 'reports',
    categories: onTime.columnLabels,
    rows: [rowOf('on_time', onTime), rowOf('late', late)]
  }
}

/** A table with every cell and total suppressed. */
const hidden = (table: CountTable): PublishedTable => ({
  rowLabels: [...table.rowLabels],
  columnLabels: [...table.columnLabels],
  cells: table.counts.map((row) => row.map(() => SUPPRESSED)),
  rowTotals: table.rowLabels.map(() => SUPPRESSED),
  columnTotals: table.columnLabels.map(() => SUPPRESSED),
  grandTotal: SUPPRESSED
})

/**
 * The domain of each group (its column in the domain table), by the taxonomy's codes: a group's code is its
 * domain's code, a dot, and its own (TC.HO is in TC).
 */
const groupDomains = (input: SummaryInput): number[] =>
  input.categories.group.map((group) => {
    const domain = input.categories.domain.findIndex((code) => group.startsWith(`${code}.`))
    if (domain < 0) throw new Error(`group ${group} is in none of the domains published beside it`)
    return domain
  })

/** The cuts of one row's publication, in the order protectPublication gets them (blocks flattened). */
const SINGLE = ['event_class', 'detection', 'setting'] as const
const DOMAIN_CUT = SINGLE.length
const GROUP_CUT = DOMAIN_CUT + 1

const reportsIn = (input: SummaryInput, onTime: boolean) =>
  input.counts.filter((row) => row.cut === 'reports' && row.onTime === onTime).reduce((sum, row) => sum + row.n, 0)

/**
 * On-time and late reports are published as separate tables, protected separately, with no combined total: a few
 * late reports would otherwise force suppression across the on-time figures, and a published total of both would
 * let one be worked out from the other. Within one of them everything is protected as one publication, so that the
 * audit solves with every published value at once. The single-valued cuts add up to the same reports (one block,
 * sharing totals). The code cuts count mentions and share no totals, but an attacker knows how they relate: a
 * group's count is at most its domain's, a domain's at most the sum of its groups' (every code is a leaf of a group
 * of a domain), so a domain with one non-zero group gives that group away; and no domain counts more reports than
 * there are (the single-valued cuts' total). (The converse, reports ≤ the sum of the domains, is not a link: a
 * report whose codes have no way into the current taxonomy counts in no domain.)
 */
const protect = (input: SummaryInput, onTime: boolean) => {
  const options = { threshold: input.threshold, base: input.base }
  const domainCounts = tableOf(input, 'domain', onTime)
  const groupCounts = tableOf(input, 'group', onTime)
  const reports = reportsIn(input, onTime)
  // R29 for each row, not only the region: a row of 1..threshold−1 reports is a group too small for any table.
  // Cell suppression alone would still show its zeros, and where the suppressed cells are is the reports' coded
  // profile (one late report among 30 on time: its event class, detection, setting and codes). The row keeps its
  // place, every value hidden, so the JSON and CSV keep one shape; with no total shared between the rows (see
  // above) nothing else published bounds it.
  if (reports > 0 && reports < input.threshold) {
    const [eventClass, detection, setting, domain, group] = [
      ...SINGLE.map((cut) => tableOf(input, cut, onTime)),
      domainCounts,
      groupCounts
    ].map(hidden) as [PublishedTable, PublishedTable, PublishedTable, PublishedTable, PublishedTable]
    return { eventClass, detection, setting, domain, group, groupCounts }
  }
  const withinReports: Link[] = input.categories.domain.map((_, column) => ({
    whole: { cut: DOMAIN_CUT, row: 0, column },
    parts: [{ cut: 0, row: 0, column: TOTAL }]
  }))
  const [[eventClass, detection, setting], [domain], [group]] = protectPublication(
    {
      blocks: [SINGLE.map((cut) => tableOf(input, cut, onTime)), [domainCounts], [groupCounts]],
      links: [...withinReports, ...hierarchyLinks(DOMAIN_CUT, GROUP_CUT, groupDomains(input), 1)]
    },
    options
  ) as [[PublishedTable, PublishedTable, PublishedTable], [PublishedTable], [PublishedTable]]
  return { eventClass, detection, setting, domain, group, groupCounts }
}

/**
 * The top themes (groups) of the on-time reports, from the published (rounded) group table only, so that they say
 * nothing the table does not; a share is given only where R29 allows one, and is published value / published total.
 */
const topThemes = (
  input: SummaryInput,
  groups: PublishedTable,
  trueGroups: CountTable,
  reports: { true: number; published: PublishedCount }
) =>
  groups.columnLabels
    .map((code, i) => ({ code, value: groups.cells[0]?.[i] ?? SUPPRESSED, n: trueGroups.counts[0]?.[i] ?? 0 }))
    .filter((theme): theme is { code: string; value: number; n: number } => typeof theme.value === 'number' && theme.value > 0)
    .sort((a, b) => b.value - a.value || a.code.localeCompare(b.code))
    .slice(0, TOP_THEMES)
    .map(({ code, value, n }) => {
      const allowed = publishableShare(n, reports.true, input) !== null && typeof reports.published === 'number'
      const share = allowed ? value / (reports.published as number) : null
      return { code, label: input.labels.get(code) ?? code, count: value, share }
    })

/**
 * The learning points published (issue 18.1): only those from a row of at least `threshold` reports. A row of fewer
 * shows nothing of how its reports fall, and a point from it would say far more than a count (the free text of one
 * of four late reports); its reports' points wait for no later quarter either, since a publication never reopens.
 */
const pointsOf = (input: SummaryInput, reports: { onTime: number; late: number }): string[] => {
  const big = (onTime: boolean) => (onTime ? reports.onTime : reports.late) >= input.threshold
  return [...new Set(input.learningPoints.filter((point) => big(point.onTime)).map((point) => point.text))].sort()
}

/** One region's summary for one quarter, disclosure-controlled, as the exact JSON and CSV bytes to serve. */
export const buildSummary = (input: SummaryInput): { json: string; csv: string } => {
  const onTime = reportsIn(input, true)
  const late = reportsIn(input, false)
  const withheld = onTime + late < input.threshold
  const mark = suppressedMark()
  let summary: TSummary = {
    quarter: input.quarter,
    region: input.region,
    taxonomyVersion: input.taxonomyVersion,
    status: withheld ? 'withheld' : 'published',
    disclosure: { suppressedBelow: input.threshold, roundedTo: input.base, marker: mark, note: noteFor(input) },
    reports: null,
    tables: [],
    topThemes: [],
    learningPoints: []
  }
  if (!withheld) {
    const now = protect(input, true)
    const then = protect(input, false)
    summary = {
      ...summary,
      reports: { onTime: show(now.eventClass.grandTotal, mark), late: show(then.eventClass.grandTotal, mark) },
      tables: [
        published('event_class', now.eventClass, then.eventClass, mark),
        published('detection', now.detection, then.detection, mark),
        published('setting', now.setting, then.setting, mark),
        published('domain', now.domain, then.domain, mark),
        published('group', now.group, then.group, mark)
      ],
      topThemes: topThemes(input, now.group, now.groupCounts, { true: onTime, published: now.eventClass.grandTotal }),
      learningPoints: pointsOf(input, { onTime, late }),
      actions: buildActionsTable(input.actionCounts ?? [], input.region, input.categories.domain, { ...input, mark })
    }
  }
  // R25: what is stored and served is exactly the documented shape.
  const checked = ZSummary.parse(summary)
  return { json: JSON.stringify(checked), csv: toCsv(checked) }
}

/** The tables as one tidy CSV (one line per cut, row and category), in publication order. */
export const toCsv = (summary: TSummary): string => {
  const lines = [CSV_HEADER]
  for (const table of summary.tables) {
    for (const row of table.rows) {
      const cells = [...table.categories.map((category, i) => [category, row.values[i]] as const), ['total', row.total]]
      for (const [category, value] of cells) {
        lines.push([summary.quarter, summary.region, table.cut, row.row, category, value].join(','))
      }
    }
  }
  // The "you said, we did" table too (issue 13.2): cut "actions", one row per status, one category per domain.
  for (const row of summary.actions?.rows ?? []) {
    const cells = [...(summary.actions?.categories ?? []).map((domain, i) => [domain, row.values[i]] as const), ['total', row.total]]
    for (const [category, value] of cells) lines.push([summary.quarter, summary.region, 'actions', row.row, category, value].join(','))
  }
  return `${lines.join('\r\n')}\r\n`
}
