import {
  type CountTable,
  type PublishedCount,
  type PublishedTable,
  protectCuts,
  protectTable,
  publishableShare,
  SUPPRESSED
} from '../../lib/disclosure/index.js'
import type { CutCount } from './publication.repository.js'
import { CSV_HEADER, type CUTS, type ROWS, SUPPRESSED_MARK, type TSummary, ZSummary } from './summaries.schemas.js'

export type SummaryInput = {
  quarter: string
  region: string
  taxonomyVersion: number
  /** This region's counts (the publication's rows for it). */
  counts: readonly CutCount[]
  learningPoints: readonly string[]
  /** The categories of each cut, in publication order (zeros are published too). */
  categories: Record<(typeof CUTS)[number], readonly string[]>
  labels: ReadonlyMap<string, string>
  threshold: number
  base: number
}

const TOP_THEMES = 5

const NOTE =
  'Counts from 1 to 9 are shown as <10, and other counts are rounded to the nearest 5; more cells are hidden where ' +
  'a hidden one could otherwise be worked out from totals or from another table. Totals are rounded from the true ' +
  'figures, so cells may not add up to them. Late reports are those about an earlier quarter that arrived after ' +
  "that quarter's publication; they are tabled apart and never added to the on-time figures. Domain and group tables count reports with at least one code in the category, so a " +
  'report can count in several columns and their totals count mentions.'

const show = (value: PublishedCount): number | typeof SUPPRESSED_MARK =>
  value === SUPPRESSED ? SUPPRESSED_MARK : value

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

const rowOf = (row: (typeof ROWS)[number], table: PublishedTable) => ({
  row,
  values: (table.cells[0] ?? []).map(show),
  total: show(table.grandTotal)
})

const published = (cut: (typeof CUTS)[number], onTime: PublishedTable, late: PublishedTable) => ({
  cut,
  counts: cut === 'domain' || cut === 'group' ? 'reports with a code in the category' : 'reports',
  categories: onTime.columnLabels,
  rows: [rowOf('on_time', onTime), rowOf('late', late)]
})

/**
 * On-time and late reports are published as separate tables, protected separately, with no combined total: a few
 * late reports would otherwise force suppression across the on-time figures, and a published total of both would
 * let one be worked out from the other. The single-valued cuts add up to the same reports, so they are protected
 * together (shared totals); the code cuts count mentions and are protected each on its own.
 */
const protect = (input: SummaryInput, onTime: boolean) => {
  const options = { threshold: input.threshold, base: input.base }
  const [eventClass, detection, setting] = protectCuts(
    (['event_class', 'detection', 'setting'] as const).map((cut) => tableOf(input, cut, onTime)),
    options
  ) as [PublishedTable, PublishedTable, PublishedTable]
  const groupCounts = tableOf(input, 'group', onTime)
  return {
    eventClass,
    detection,
    setting,
    domain: protectTable(tableOf(input, 'domain', onTime), options),
    group: protectTable(groupCounts, options),
    groupCounts
  }
}

const reportsIn = (input: SummaryInput, onTime: boolean) =>
  input.counts.filter((row) => row.cut === 'reports' && row.onTime === onTime).reduce((sum, row) => sum + row.n, 0)

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

/** One region's summary for one quarter, disclosure-controlled, as the exact JSON and CSV bytes to serve. */
export const buildSummary = (input: SummaryInput): { json: string; csv: string } => {
  const onTime = reportsIn(input, true)
  const late = reportsIn(input, false)
  const withheld = onTime + late < input.threshold
  let summary: TSummary = {
    quarter: input.quarter,
    region: input.region,
    taxonomyVersion: input.taxonomyVersion,
    status: withheld ? 'withheld' : 'published',
    disclosure: { suppressedBelow: input.threshold, roundedTo: input.base, marker: SUPPRESSED_MARK, note: NOTE },
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
      reports: { onTime: show(now.eventClass.grandTotal), late: show(then.eventClass.grandTotal) },
      tables: [
        published('event_class', now.eventClass, then.eventClass),
        published('detection', now.detection, then.detection),
        published('setting', now.setting, then.setting),
        published('domain', now.domain, then.domain),
        published('group', now.group, then.group)
      ],
      topThemes: topThemes(input, now.group, now.groupCounts, { true: onTime, published: now.eventClass.grandTotal }),
      learningPoints: [...new Set(input.learningPoints)].sort()
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
  return `${lines.join('\r\n')}\r\n`
}

/** The lines of one cut (and the header), from the stored CSV. */
export const csvCut = (csv: string, cut: string): string => {
  const [header, ...lines] = csv.split('\r\n')
  return `${[header, ...lines.filter((line) => line.split(',')[2] === cut)].join('\r\n')}\r\n`
}
