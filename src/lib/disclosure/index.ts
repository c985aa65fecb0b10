/**
 * Statistical disclosure control for published aggregate tables (issue 5; security requirements R27–R29).
 *
 * A regional summary is a two-way table of report counts (for example region × taxonomy domain). Before it leaves
 * the service:
 *
 * 1. Primary suppression (R27, the ONS 10-5 rule): a count from 1 to threshold − 1 (default 1–9) is replaced by the
 *    marker `suppressed` (callers show "<10" or "c"). A true 0 is shown as 0: it describes no one.
 * 2. Rounding: every other published value is rounded to the nearest multiple of `base` (default 5), ties half up
 *    (only possible with an even base; with base 5 an integer is never exactly halfway).
 * 3. Totals (R29) are computed from the unrounded counts, then rounded, and are themselves suppressed if 1–9.
 * 4. Secondary (complementary) suppression (R28): a lone suppressed value could be recovered by subtraction from
 *    its row or column total, so more values are suppressed until every line is protected (see `isLineProtected`).
 * 5. Audit (R28): lines together, and other cuts of the same publication, can still narrow a suppressed value, so
 *    the result is solved for as an attacker would, from every published value at once (audit.ts), and while some
 *    suppressed value is confined to an interval narrower than `threshold` one more entry near it is hidden.
 *
 * The table is handled as an (rows + 1) × (columns + 1) grid whose last column holds the row totals, whose last row
 * holds the column totals and whose corner holds the grand total. Every row and every column of that grid is a
 * "line": its cells add up to its total (the last row and the last column are the two margin lines, whose total is
 * the grand total). Working on the full grid means suppressed totals are protected by the same rule as cells.
 *
 * Everything here is pure and deterministic: the same input always gives the same output (ties are broken by
 * position), which R30 (byte-identical re-pulls) depends on.
 */

import { type Place, TOTAL, narrowEntryCheck } from './audit.js'
import {
  type DisclosureOptions,
  type PublishedCount,
  type PublishedTable,
  SUPPRESSED,
  isCount,
  resolveOptions,
  roundToBase
} from './published.js'

export {
  DEFAULT_BASE,
  DEFAULT_THRESHOLD,
  type DisclosureOptions,
  type PublishedCount,
  type PublishedTable,
  SUPPRESSED,
  type Suppressed,
  roundToBase
} from './published.js'
export { TOTAL, type Place, type SuppressedInterval, suppressedIntervals } from './audit.js'

export type CountTable = {
  rowLabels: readonly string[]
  columnLabels: readonly string[]
  /** counts[row][column]: non-negative integers, one row per row label, one column per column label. */
  counts: readonly (readonly number[])[]
}

const validate = (table: CountTable): void => {
  const { rowLabels, columnLabels, counts } = table
  if (rowLabels.length === 0 || columnLabels.length === 0 || counts.length !== rowLabels.length) {
    throw new RangeError('a table needs at least one row and one column, and one row of counts per row label')
  }
  for (const row of counts) {
    if (row.length !== columnLabels.length || !row.every(isCount)) {
      throw new RangeError('each row needs one non-negative integer count per column label')
    }
  }
}

type Grid = number[][]
type Mask = boolean[][]
type Position = readonly [row: number, column: number]
type Line = { cells: Position[]; total: Position }

const at = <T>(grid: readonly (readonly T[])[], [i, j]: Position): T => {
  const value = grid[i]?.[j]
  if (value === undefined) throw new RangeError(`no grid entry at ${i},${j}`)
  return value
}

const item = <T>(list: readonly T[], k: number): T => {
  const value = list[k]
  if (value === undefined) throw new RangeError(`no item ${k}`)
  return value
}

/** Whether the shared margin entry i (row total i, or the grand total for i = rows) is hidden in a cut. */
const marginHidden = (mask: Mask, i: number): boolean => {
  const row = mask[i]
  return row?.[row.length - 1] === true
}

const set = (mask: Mask, [i, j]: Position): void => {
  const row = mask[i]
  if (row === undefined || j >= row.length) throw new RangeError(`no grid entry at ${i},${j}`)
  row[j] = true
}

/** Counts plus unrounded row totals (last column), column totals (last row) and grand total (corner). */
const augment = (counts: readonly (readonly number[])[], columns: number): Grid => {
  const rows = counts.map((row) => [...row, row.reduce((a, b) => a + b, 0)])
  const totals = Array.from({ length: columns + 1 }, (_, j) => rows.reduce((sum, row) => sum + (row[j] ?? 0), 0))
  return [...rows, totals]
}

const linesOf = (rows: number, columns: number): Line[] => {
  const lines: Line[] = []
  for (let i = 0; i <= rows; i++) {
    lines.push({ cells: Array.from({ length: columns }, (_, j) => [i, j] as const), total: [i, columns] })
  }
  for (let j = 0; j <= columns; j++) {
    lines.push({ cells: Array.from({ length: rows }, (_, i) => [i, j] as const), total: [rows, j] })
  }
  return lines
}

/**
 * A line is protected when nothing in it is suppressed, or at least two entries are suppressed and either
 *  - its total is suppressed (the line then gives no upper bound on any hidden cell), or
 *  - the hidden cells add up to at least `threshold`.
 * Two hidden entries stop exact recovery (R28; issue 5's "at least two suppressed cells, or a suppressed total").
 * The sum condition is what makes the interval wide: from the published total T (true value within ±base/2) and
 * the published cells, an attacker learns only that each hidden cell lies in [0, U] with U ≥ the true sum of the
 * hidden cells ≥ threshold. Without it, hiding 1 and 1 in a row [1, 1, 10] would tell them each is at most 4.
 */
const isLineProtected = (line: Line, grid: Grid, mask: Mask, threshold: number): boolean => {
  const hidden = line.cells.filter((p) => at(mask, p))
  const totalHidden = at(mask, line.total)
  const count = hidden.length + (totalHidden ? 1 : 0)
  if (count === 0) return true
  if (count === 1) return false
  return totalHidden || hidden.reduce((sum, p) => sum + at(grid, p), 0) >= threshold
}

/**
 * The next entry to hide in an unprotected line: the smallest non-zero published cell (ties: first position), else
 * the line's total. (When a row's other cells are all zeros, e.g. [4, 0, 0], the total goes instead — here it
 * already has, since 4 is 1–9 — and the margin line then needs a second hidden row total, chosen by this rule.)
 *
 * A true 0 is never hidden: it would add nothing to the line's hidden sum, and the audit relies on it (it tells
 * the attacker that every suppressed value is at least 1). By induction over the entries hidden so far, all
 * non-zero: an unprotected line either has a hidden cell and a published total, which is at least that cell, or
 * only its total hidden, and then its published cells add up to that non-zero total, so one of them is non-zero.
 * Primary suppression hides only 1..threshold−1, a shared total is copied between cuts with the same true value,
 * and `widening` picks only non-zero entries.
 */
const nextToHide = (line: Line, grid: Grid, mask: Mask): Position => {
  const nonZero = line.cells.filter((p) => !at(mask, p) && at(grid, p) > 0).sort((a, b) => at(grid, a) - at(grid, b))
  const choice = nonZero[0] ?? (at(mask, line.total) ? undefined : line.total)
  // Unreachable (see above): a line whose total is hidden is unprotected only with a non-zero published cell.
  if (choice === undefined) throw new Error('unprotected line with nothing non-zero left to suppress')
  return choice
}

/**
 * Adds suppressions until every line is protected. Each pass hides one more entry of a finite grid, and a line
 * with every entry hidden is protected, so this ends after at most (rows + 1) × (columns + 1) passes.
 * (Greedy, not optimal: it may hide more than the fewest cells possible, never fewer than the rule needs.)
 */
const completeSuppression = (grid: Grid, mask: Mask, lines: readonly Line[], threshold: number): Mask => {
  const result = mask.map((row) => [...row])
  for (;;) {
    const open = lines.find((line) => !isLineProtected(line, grid, result, threshold))
    if (open === undefined) return result
    set(result, nextToHide(open, grid, result))
  }
}

/**
 * Completes every cut (`completeSuppression`) to a fixed point across cuts: hide in every cut any shared total hidden
 * in some cut, complete each cut, repeat. Hidden sets only grow, so this ends; at the end every cut hides exactly
 * the same shared totals.
 */
const settle = (grids: readonly Grid[], lines: readonly (readonly Line[])[], start: Mask[], threshold: number) => {
  let masks = start
  const margins = item(grids, 0).length
  for (;;) {
    masks = masks.map((mask, k) => completeSuppression(item(grids, k), mask, item(lines, k), threshold))
    const shared = Array.from({ length: margins }, (_, i) => masks.some((mask) => marginHidden(mask, i)))
    if (masks.every((mask) => shared.every((hidden, i) => marginHidden(mask, i) === hidden))) return masks
    for (const mask of masks) {
      shared.forEach((hidden, i) => {
        const row = mask[i]
        if (hidden && row !== undefined) row[row.length - 1] = true
      })
    }
  }
}

/** An entry of one cut's grid. */
type CutPosition = { cut: number; position: Position }

const lastColumn = (grid: Grid): number => item(grid, 0).length - 1

/** The grid entries of an audited place, in every cut that shows it (a row total or the grand total: all). */
const entriesOf = (place: Place, grids: readonly Grid[]): CutPosition[] => {
  const row = place.row === TOTAL ? item(grids, place.cut).length - 1 : place.row
  const { column } = place
  if (column !== TOTAL) return [{ cut: place.cut, position: [row, column] }]
  return grids.map((grid, cut) => ({ cut, position: [row, lastColumn(grid)] }))
}

/** Every entry on a line through `entry`, in its own cut and, for a shared total, in every other cut too. */
const neighbours = ({ cut, position: [i, j] }: CutPosition, grids: readonly Grid[]): CutPosition[] => {
  const shared = j === lastColumn(item(grids, cut))
  const copies = shared ? grids.map((_, k) => k) : [cut]
  return copies.flatMap((k) => {
    const grid = item(grids, k)
    const column = shared ? lastColumn(grid) : j
    return [
      ...item(grid, i).map((_, jj): CutPosition => ({ cut: k, position: [i, jj] })),
      ...grid.map((_, ii): CutPosition => ({ cut: k, position: [ii, column] }))
    ]
  })
}

/**
 * What to hide to widen a narrow place: the smallest non-zero published entry on a line through it (ties: first
 * cut, row, column); if every entry there is hidden or 0, the smallest on a line through one of those, and so on
 * outwards. Only non-zero entries, so no true 0 is ever hidden (see `nextToHide`). There is always one: with every
 * non-zero entry hidden, any hidden value could grow without bound (with its row total, its column total and the
 * grand total, and in every other cut a hidden cell of its row and that cell's column total), so nothing would be
 * narrow.
 */
const widening = (place: Place, grids: readonly Grid[], masks: readonly Mask[]): CutPosition => {
  const value = ({ cut, position }: CutPosition): number => at(item(grids, cut), position)
  const key = ({ cut, position: [i, j] }: CutPosition): string => `${cut}:${i}:${j}`
  const reached = new Set<string>()
  let ring = entriesOf(place, grids)
  while (ring.length > 0) {
    const fresh = new Map(ring.flatMap((entry) => neighbours(entry, grids)).map((entry) => [key(entry), entry]))
    for (const seen of reached) fresh.delete(seen)
    for (const entry of fresh.keys()) reached.add(entry)
    ring = [...fresh.values()]
    const candidates = ring.filter((entry) => !at(item(masks, entry.cut), entry.position) && value(entry) > 0)
    const [choice] = candidates.sort((a, b) =>
      value(a) - value(b) || a.cut - b.cut || a.position[0] - b.position[0] || a.position[1] - b.position[1])
    if (choice !== undefined) return choice
  }
  throw new Error('a narrow interval with every non-zero entry hidden')
}

const primaryMask = (grid: Grid, threshold: number): Mask =>
  grid.map((row) => row.map((n) => n >= 1 && n < threshold))

const publish = (table: CountTable, grid: Grid, mask: Mask, base: number): PublishedTable => {
  const value = (p: Position): PublishedCount => (at(mask, p) ? SUPPRESSED : roundToBase(at(grid, p), base))
  const rows = table.rowLabels.length
  const columns = table.columnLabels.length
  return {
    rowLabels: [...table.rowLabels],
    columnLabels: [...table.columnLabels],
    cells: Array.from({ length: rows }, (_, i) => Array.from({ length: columns }, (_, j) => value([i, j]))),
    rowTotals: Array.from({ length: rows }, (_, i) => value([i, columns])),
    columnTotals: Array.from({ length: columns }, (_, j) => value([rows, j])),
    grandTotal: value([rows, columns])
  }
}

/**
 * Several cuts of the same reports published together (e.g. region × domain and region × event class). They share
 * their row totals and grand total, so a total hidden in one cut but shown in another would be read off the other.
 *
 * Guarantee (tested): each returned table meets every `protectTable` guarantee on its own, and the row totals and
 * grand total are published identically in every cut — the same rounded value, or suppressed in all of them. So
 * no shared margin hidden in one cut can be read from another, and a hidden row total always has a hidden cell
 * beside it in every cut. And across all the cuts together: from everything they publish, each suppressed entry
 * could be anything in an interval at least `threshold` wide (`suppressedIntervals`, audit.ts).
 *
 * Throws if the cuts do not have the same row labels and the same unrounded row totals.
 */
export const protectCuts = (cuts: readonly CountTable[], options: DisclosureOptions = {}): PublishedTable[] => {
  const { threshold, base } = resolveOptions(options)
  cuts.forEach(validate)
  const first = cuts[0]
  if (first === undefined) return []
  const rows = first.rowLabels.length
  const grids = cuts.map((cut) => augment(cut.counts, cut.columnLabels.length))
  const marginOf = (grid: Grid): number[] => grid.map((row) => row[row.length - 1] ?? 0)
  const firstMargin = marginOf(item(grids, 0))
  for (const [k, cut] of cuts.entries()) {
    const sameLabels = cut.rowLabels.every((label, i) => label === first.rowLabels[i])
    const sameTotals = marginOf(item(grids, k)).every((total, i) => total === firstMargin[i])
    if (cut.rowLabels.length !== rows || !sameLabels || !sameTotals) {
      throw new RangeError('cuts published together must share row labels and row totals')
    }
  }
  const lines = cuts.map((cut) => linesOf(rows, cut.columnLabels.length))
  let masks = settle(grids, lines, grids.map((grid) => primaryMask(grid, threshold)), threshold)
  // The per-line rule stops recovery from any one line, but lines together (and other cuts) can still pin a hidden
  // value down, e.g. three hidden cells under a published total of 10 each lie in [1, 10]. So audit the result as an
  // attacker would and, while some hidden value is narrower than `threshold`, hide one more entry near it. Hiding
  // only widens intervals (a published value's bounds become [1, ∞)), and with every non-zero entry hidden every
  // interval is unbounded (`widening`), so this ends.
  const findNarrowEntry = narrowEntryCheck(threshold, base)
  for (;;) {
    const published = cuts.map((cut, k) => publish(cut, item(grids, k), item(masks, k), base))
    const narrow = findNarrowEntry(published)
    if (narrow === undefined) return published
    const { cut, position } = widening(narrow, grids, masks)
    set(item(masks, cut), position)
    masks = settle(grids, lines, masks, threshold)
  }
}

/**
 * One table, protected (R27–R29). Guarantees (property-tested with the defaults):
 *  - no published cell or total is an integer 1..threshold−1; every published number is a multiple of `base`;
 *    a published value is 0 exactly when the true count is 0 (a true 0 is never suppressed);
 *  - each published total is the true total rounded (within ±base/2);
 *  - every line (row or column, margins included) holding a suppressed entry holds at least two, and either its
 *    total is suppressed or, from that line's published values alone, each hidden cell could be anything in an
 *    interval at least `threshold` wide;
 *  - from all the published values together, each suppressed entry could be anything in an interval at least
 *    `threshold` wide (R28; `suppressedIntervals` solves for it as an attacker would).
 */
export const protectTable = (table: CountTable, options: DisclosureOptions = {}): PublishedTable => {
  const [published] = protectCuts([table], options)
  if (published === undefined) throw new Error('unreachable')
  return published
}

/** R29: a group whose total is below the threshold gets no table at all. */
export const isTablePublishable = (table: CountTable, options: DisclosureOptions = {}): boolean => {
  const { threshold } = resolveOptions(options)
  validate(table)
  return table.counts.reduce((sum, row) => sum + row.reduce((a, b) => a + b, 0), 0) >= threshold
}

/** HESA suppresses percentages over populations of 22.5 or fewer; counts are whole, so the floor is 23. */
export const MIN_SHARE_DENOMINATOR = 23

/**
 * numerator / denominator (a fraction in 0..1), or null when it must not be published (R29): the denominator is
 * below 23 or below the threshold. Also null — stricter than R29 — when the numerator, or the remainder
 * (denominator − numerator), is 1..threshold−1: 3 of 40 published as 7.5% would give away a count that the table
 * beside it suppresses.
 */
export const publishableShare = (
  numerator: number,
  denominator: number,
  options: DisclosureOptions = {}
): number | null => {
  const { threshold } = resolveOptions(options)
  if (!isCount(numerator) || !isCount(denominator) || numerator > denominator) {
    throw new RangeError('a share needs counts with numerator ≤ denominator')
  }
  const small = (n: number): boolean => n >= 1 && n < threshold
  if (denominator < Math.max(MIN_SHARE_DENOMINATOR, threshold)) return null
  if (small(numerator) || small(denominator - numerator)) return null
  return numerator / denominator
}

/** Mean of per-report values, or null when fewer than `threshold` (default 10) reports contribute (R29). */
export const publishableMean = (values: readonly number[], options: DisclosureOptions = {}): number | null => {
  const { threshold } = resolveOptions(options)
  if (values.length < threshold) return null
  return values.reduce((a, b) => a + b, 0) / values.length
}

/** Median of per-report values, or null when fewer than `threshold` (default 10) reports contribute (R29). */
export const publishableMedian = (values: readonly number[], options: DisclosureOptions = {}): number | null => {
  const { threshold } = resolveOptions(options)
  if (values.length < threshold) return null
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  const upper = sorted[middle] ?? 0
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? 0) + upper) / 2
}
