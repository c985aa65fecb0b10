import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type Link,
  type PublishedCount,
  type PublishedTable,
  SUPPRESSED,
  TOTAL,
  type CountTable,
  hierarchyLinks,
  protectPublication,
  protectTable,
  suppressedIntervals
} from '../../src/lib/disclosure/index.js'
import { DETECTIONS, EVENT_CLASSES, SETTINGS } from '../../src/modules/reports/reports.schemas.js'
import type { CutCount } from '../../src/modules/summaries/publication.repository.js'
import { suppressedMark, type TSummary } from '../../src/modules/summaries/summaries.schemas.js'
import { type SummaryInput, buildSummary } from '../../src/modules/summaries/summary.builder.js'

// A built summary, audited as an attacker holding it would (R28): for each of its rows (on-time and late reports,
// published apart, with no combined total), every table at once, with what anyone knows of how they relate: the
// event class, detection and setting tables count the same reports; no domain counts more reports than there
// are; a group counts at most its domain's reports, a domain at most the sum of its groups'. Pure: no database.

const THRESHOLD = 10
const SEED = 20261204

/** A small taxonomy of the real shape (group codes are their domain's code, a dot and their own). */
const DOMAINS = ['PA', 'TC', 'OR', 'SU'] as const
const GROUPS = ['PA.SL', 'PA.MR', 'TC.HO', 'TC.IS', 'OR.RE', 'SU.IN', 'SU.PL'] as const
const GROUP_DOMAIN = GROUPS.map((group) => DOMAINS.findIndex((domain) => group.startsWith(`${domain}.`)))

type Report = {
  onTime: boolean
  eventClass: (typeof EVENT_CLASSES)[number]
  detection: (typeof DETECTIONS)[number]
  setting: (typeof SETTINGS)[number]
  groups: readonly (typeof GROUPS)[number][]
}

/** The counts the publication repository would return for these reports (each counted once per category). */
const countsOf = (reports: readonly Report[]): CutCount[] => {
  const tally = new Map<string, CutCount>()
  const add = (onTime: boolean, cut: string, value: string): void => {
    const key = `${onTime}:${cut}:${value}`
    const row = tally.get(key) ?? { region: 'north-east', onTime, cut, value, n: 0 }
    tally.set(key, { ...row, n: row.n + 1 })
  }
  for (const report of reports) {
    add(report.onTime, 'reports', '')
    add(report.onTime, 'event_class', report.eventClass)
    add(report.onTime, 'detection', report.detection)
    add(report.onTime, 'setting', report.setting)
    for (const group of new Set(report.groups)) add(report.onTime, 'group', group)
    for (const domain of new Set(report.groups.map((group) => group.split('.')[0] ?? ''))) {
      add(report.onTime, 'domain', domain)
    }
  }
  return [...tally.values()]
}

const inputOf = (reports: readonly Report[], threshold = THRESHOLD, base = 5): SummaryInput => ({
  quarter: '2026-Q3',
  region: 'north-east',
  taxonomyVersion: 1,
  counts: countsOf(reports),
  learningPoints: [],
  categories: { event_class: EVENT_CLASSES, detection: DETECTIONS, setting: SETTINGS, domain: DOMAINS, group: GROUPS },
  labels: new Map(),
  threshold,
  base
})

/** The true on-time counts of one cut, as a one-row table (what the builder protects). */
const countTable = (input: SummaryInput, cut: (typeof CUT_ORDER)[number]): CountTable => {
  const categories = input.categories[cut]
  const n = (category: string) =>
    input.counts.find((count) => count.cut === cut && count.value === category && count.onTime)?.n ?? 0
  return { rowLabels: ['on_time'], columnLabels: categories, counts: [categories.map(n)] }
}

const reportsLike = (n: number, report: Omit<Report, 'onTime'>, onTime = true): Report[] =>
  Array.from({ length: n }, () => ({ ...report, onTime }))

const CUT_ORDER = ['event_class', 'detection', 'setting', 'domain', 'group'] as const

/** One row of a summary's table as a published one-row table (column totals are then the cells). */
const tableAt = (summary: TSummary, cut: string, row: 'on_time' | 'late'): PublishedTable => {
  const table = summary.tables.find((candidate) => candidate.cut === cut)
  const found = table?.rows.find((candidate) => candidate.row === row)
  if (table === undefined || found === undefined) throw new Error(`no ${cut} ${row} in the summary`)
  const value = (shown: number | string): PublishedCount => {
    if (typeof shown === 'number') return shown
    if (shown !== suppressedMark()) throw new Error(`unexpected ${shown}`)
    return SUPPRESSED
  }
  const cells = found.values.map(value)
  const total = value(found.total)
  return {
    rowLabels: [row],
    columnLabels: table.categories,
    cells: [cells],
    rowTotals: [total],
    columnTotals: cells,
    grandTotal: total
  }
}

/** What the attacker knows beyond the tables: cuts 0–2 (one block), the domain table (3), the group table (4). */
const LINKS: Link[] = [
  ...DOMAINS.map((_, column) => ({ whole: { cut: 3, row: 0, column }, parts: [{ cut: 0, row: 0, column: TOTAL }] })),
  ...hierarchyLinks(3, 4, GROUP_DOMAIN, 1)
]

/** Every suppressed entry of one row of the summary, solved with every table of that row and the links at once. */
const audit = (tables: readonly PublishedTable[]) =>
  suppressedIntervals({
    blocks: [tables.slice(0, 3), [tables[3] as PublishedTable], [tables[4] as PublishedTable]],
    links: LINKS
  })

const rowTables = (summary: TSummary, row: 'on_time' | 'late'): PublishedTable[] =>
  CUT_ORDER.map((cut) => tableAt(summary, cut, row))

const narrowIn = (intervals: ReturnType<typeof suppressedIntervals>) =>
  intervals.filter(({ min, max }) => max - min < THRESHOLD)

const built = (reports: readonly Report[]): TSummary => JSON.parse(buildSummary(inputOf(reports)).json) as TSummary

describe('a built summary holds under the joint audit of its tables and their links', () => {
  // PA has one non-zero group (PA.SL): 37 reports coded PA.SL and TC.HO, 4 coded TC.IS only.
  const common = { eventClass: 'incident', detection: 'self', setting: 'front_door' } as const
  const leaky = [
    ...reportsLike(37, { ...common, groups: ['PA.SL', 'TC.HO'] }),
    ...reportsLike(4, { ...common, groups: ['TC.IS'] })
  ]

  it('where the domain and group tables protected apart give a hidden group away', () => {
    // What the builder published before: each table protected on its own (the other cuts are not involved).
    const input = inputOf(leaky)
    const domains = protectTable(countTable(input, 'domain'))
    const groups = protectTable(countTable(input, 'group'))
    const joined = suppressedIntervals({ blocks: [[domains], [groups]], links: hierarchyLinks(0, 1, GROUP_DOMAIN, 1) })
    // PA.SL = PA (its only non-zero group), shown as 35; so TC.IS (4) is pinned to 4..13.
    expect(narrowIn(joined)).toContainEqual({ cut: 1, row: 0, column: GROUPS.indexOf('TC.IS'), min: 4, max: 13 })

    const summary = built(leaky)
    const onTime = rowTables(summary, 'on_time')
    expect(onTime[4]?.cells[0]?.[GROUPS.indexOf('TC.IS')]).toBe(SUPPRESSED)
    // Now the domain cells are hidden too.
    expect(onTime[3]?.cells[0]?.slice(0, 2)).toEqual([SUPPRESSED, SUPPRESSED])
    const intervals = audit(onTime)
    expect(intervals.length).toBeGreaterThan(0)
    expect(narrowIn(intervals)).toEqual([])
  })

  it('where a domain count, bounded by the number of reports, would give a small domain away', () => {
    // 12 reports, each in TC, OR and SU, 8 of them in PA too. Had only the code tables been linked, PA (8) and TC
    // would be hidden and OR and SU shown as 10; but no domain counts more than the 12 reports (shown 10, so at
    // most 12), so PA is at most 12 and at least the domain total (43..47) less OR, SU and TC (at most 12 each): 7.
    const reports = [
      ...reportsLike(8, { ...common, groups: ['PA.SL', 'TC.HO', 'OR.RE', 'SU.IN'] }),
      ...reportsLike(4, { ...common, groups: ['TC.HO', 'OR.RE', 'SU.IN'] })
    ]
    const input = inputOf(reports)
    const codesOnly = protectPublication({
      blocks: [CUT_ORDER.slice(0, 3).map((cut) => countTable(input, cut)), [countTable(input, 'domain')],
        [countTable(input, 'group')]],
      links: hierarchyLinks(3, 4, GROUP_DOMAIN, 1)
    }).flat()
    expect(narrowIn(audit(codesOnly))).toContainEqual({ cut: 3, row: 0, column: 0, min: 7, max: 12 })
    const onTime = rowTables(built(reports), 'on_time')
    expect(onTime[3]?.cells[0]?.[0]).toBe(SUPPRESSED)
    expect(narrowIn(audit(onTime))).toEqual([])
  })

  it('on random quarters of simulated reports, on time and late, every suppressed entry is at least 10 wide', () => {
    const report = fc.record({
      onTime: fc.boolean(),
      eventClass: fc.constantFrom(...EVENT_CLASSES),
      detection: fc.constantFrom(...DETECTIONS.slice(0, 3)),
      setting: fc.constantFrom(...SETTINGS.slice(0, 3)),
      groups: fc.uniqueArray(fc.constantFrom(...GROUPS), { minLength: 1, maxLength: 3 })
    })
    // A few kinds of report, each repeated a random number of times: small counts are common, so suppression and
    // the links have work.
    const quarter = fc
      .array(fc.tuple(report, fc.oneof(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 40 }))), {
        minLength: 1,
        maxLength: 8
      })
      .map((kinds) => kinds.flatMap(([kind, n]) => Array.from({ length: n }, () => kind)))
    fc.assert(
      fc.property(quarter, (reports) => {
        const summary = built(reports)
        if (summary.status === 'withheld') return
        for (const row of ['on_time', 'late'] as const) {
          const tables = rowTables(summary, row)
          for (const value of tables.flatMap((table) => [...table.cells.flat(), table.grandTotal])) {
            if (value !== SUPPRESSED && (value % 5 !== 0 || (value > 0 && value < THRESHOLD))) {
              throw new Error(`published ${value}`)
            }
          }
          // R29 per row: a row of 1..9 reports shows nothing, not even where its zeros are.
          const n = reports.filter((one) => one.onTime === (row === 'on_time')).length
          const shows = (table: PublishedTable) =>
            [...table.cells.flat(), table.grandTotal].some((v) => v !== SUPPRESSED)
          if (n > 0 && n < THRESHOLD && tables.some(shows)) {
            throw new Error(`${row} of ${n} reports shows a value`)
          }
          const narrow = narrowIn(audit(tables))
          if (narrow.length > 0) throw new Error(`${row}: ${JSON.stringify({ narrow, reports: reports.length })}`)
        }
      }),
      { numRuns: 200, seed: SEED }
    )
  })
})

describe('a row (on time or late) of fewer reports than the threshold shows nothing (R29)', () => {
  const common = { eventClass: 'incident', detection: 'self', setting: 'front_door' } as const
  const valuesOf = (summary: TSummary, row: 'on_time' | 'late') =>
    summary.tables.flatMap((table) =>
      table.rows.filter((one) => one.row === row).flatMap((one) => [...one.values, one.total]))

  it('30 reports on time and 1 late: the late row is the marker in every cell of every cut, zeros included', () => {
    const late: Report = { ...common, onTime: false, eventClass: 'near_miss', detection: 'colleague', groups: ['SU.PL'] }
    const summary = built([...reportsLike(30, { ...common, groups: ['TC.HO'] }), late])
    expect(summary.status).toBe('published')
    expect(summary.reports).toEqual({ onTime: 30, late: '[c]' })
    const lateValues = valuesOf(summary, 'late')
    // 5 cuts: every category and the total of each.
    expect(lateValues).toHaveLength(summary.tables.reduce((sum, table) => sum + table.categories.length + 1, 0))
    expect(new Set(lateValues)).toEqual(new Set(['[c]']))
    // The on-time row is published as usual, its zeros as 0.
    expect(valuesOf(summary, 'on_time')).toContain(0)
    expect(valuesOf(summary, 'on_time')).toContain(30)
    // The CSV says the same: every late line ends in the marker.
    const csv = buildSummary(inputOf([...reportsLike(30, { ...common, groups: ['TC.HO'] }), late])).csv
    const lateLines = csv.trimEnd().split('\r\n').filter((line) => line.split(',')[3] === 'late')
    expect(lateLines.length).toBe(lateValues.length)
    expect(lateLines.every((line) => line.endsWith(',[c]'))).toBe(true)
  })

  it('3 on time and 20 late: the on-time row is hidden, so there are no top themes either', () => {
    const summary = built([
      ...reportsLike(3, { ...common, groups: ['PA.SL'] }),
      ...reportsLike(20, { ...common, groups: ['TC.HO'] }, false)
    ])
    expect(new Set(valuesOf(summary, 'on_time'))).toEqual(new Set(['[c]']))
    expect(valuesOf(summary, 'late')).toContain(20)
    expect(summary.topThemes).toEqual([])
  })

  it('names the configured threshold and base in the marker, the note and the CSV', () => {
    // 25 on time (PA.SL 14, TC.HO 11): 11 and 14 are below 20; 5 late.
    const reports = [
      ...reportsLike(14, { ...common, groups: ['PA.SL'] }),
      ...reportsLike(11, { ...common, groups: ['TC.HO'] }),
      ...reportsLike(5, { ...common, groups: ['OR.RE'] }, false)
    ]
    const { json, csv } = buildSummary(inputOf(reports, 20, 10))
    const summary = JSON.parse(json) as TSummary
    expect(summary.disclosure).toMatchObject({ suppressedBelow: 20, roundedTo: 10, marker: '[c]' })
    expect(summary.disclosure.note).toContain('Counts from 1 to 19 are hidden')
    expect(summary.disclosure.note).toContain('rounded to the nearest 10')
    expect(summary.reports).toEqual({ onTime: 30, late: '[c]' })
    const strings = summary.tables.flatMap((table) => table.rows.flatMap((row) => [...row.values, row.total]))
      .filter((value) => typeof value === 'string')
    expect(strings.length).toBeGreaterThan(0)
    expect(new Set(strings)).toEqual(new Set(['[c]']))
    expect(json).not.toMatch(/<\d/)
    expect(csv).toContain(',[c]\r\n')
    expect(csv).not.toMatch(/<\d/)
  })
})

describe('one symbol for every hidden cell (issue 18.2: GSS "Symbols in tables")', () => {
  const common = { eventClass: 'incident', detection: 'self', setting: 'front_door' } as const

  it('a cell hidden to protect a small one, holding 37, reads as [c] in JSON and CSV, never as a number or <10', () => {
    // 37 coded PA.SL and TC.HO, 4 TC.IS only: the domain PA (37 reports) is hidden to protect TC.IS (4).
    const reports = [
      ...reportsLike(37, { ...common, groups: ['PA.SL', 'TC.HO'] }),
      ...reportsLike(4, { ...common, groups: ['TC.IS'] })
    ]
    const input = inputOf(reports)
    const { json, csv } = buildSummary(input)
    const summary = JSON.parse(json) as TSummary
    const domains = summary.tables.find((table) => table.cut === 'domain')
    const onTime = domains?.rows.find((row) => row.row === 'on_time')
    const truth = countTable(input, 'domain').counts[0] ?? []
    expect(truth[DOMAINS.indexOf('PA')]).toBe(37)
    expect(onTime?.values[DOMAINS.indexOf('PA')]).toBe('[c]')
    expect(csv).toContain('2026-Q3,north-east,domain,on_time,PA,[c]\r\n')
    // Every hidden cell of 10 or more, in every cut, is the symbol; nothing anywhere reads "<" and a number.
    let bigHidden = 0
    for (const cut of CUT_ORDER) {
      const table = summary.tables.find((candidate) => candidate.cut === cut)
      const values = table?.rows.find((row) => row.row === 'on_time')?.values ?? []
      countTable(input, cut).counts[0]?.forEach((n, i) => {
        if (n >= THRESHOLD && typeof values[i] !== 'number') {
          bigHidden += 1
          expect(values[i], `${cut} ${i}`).toBe('[c]')
        }
      })
    }
    expect(bigHidden).toBeGreaterThan(0)
    expect(json).not.toMatch(/<\d/)
    expect(csv).not.toMatch(/<\d/)
    // The note says what the symbol may hide; the threshold stays in the metadata.
    expect(summary.disclosure).toMatchObject({ suppressedBelow: 10, marker: '[c]' })
    expect(summary.disclosure.note).toContain('may be small or may protect a small one')
  })
})
