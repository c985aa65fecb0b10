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
 *
 * The table is handled as an (rows + 1) × (columns + 1) grid whose last column holds the row totals, whose last row
 * holds the column totals and whose corner holds the grand total. Every row and every column of that grid is a
 * "line": its cells add up to its total (the last row and the last column are the two margin lines, whose total is
 * the grand total). Working on the full grid means suppressed totals are protected by the same rule as cells.
 *
 * Everything here is pure and deterministic: the same input always gives the same output (ties are broken by
 * position), which R30 (byte-identical re-pulls) depends on.
 */

export const SUPPRESSED = 'suppressed' as const
export type Suppressed = typeof SUPPRESSED
/** A published value: a multiple of the rounding base (or a true 0), or the suppression marker. */
export type PublishedCount = number | Suppressed

export type CountTable = {
  rowLabels: readonly string[]
  columnLabels: readonly string[]
  /** counts[row][column]: non-negative integers, one row per row label, one column per column label. */
  counts: readonly (readonly number[])[]
}

export type PublishedTable = {
  rowLabels: string[]
  columnLabels: string[]
  cells: PublishedCount[][]
  rowTotals: PublishedCount[]
  columnTotals: PublishedCount[]
  grandTotal: PublishedCount
}

export type DisclosureOptions = {
  /** Counts from 1 to threshold − 1 are suppressed. Default 10 (ONS). */
  threshold?: number
  /** Published values are rounded to the nearest multiple of this. Default 5. */
  base?: number
}

export const DEFAULT_THRESHOLD = 10
export const DEFAULT_BASE = 5

/** Nearest multiple of `base`, ties half up, in integer arithmetic so no floating-point edge can move a value. */
export const roundToBase = (n: number, base: number): number => {
  const remainder = n % base
  return remainder * 2 >= base ? n - remainder + base : n - remainder
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0

const resolveOptions = (options: DisclosureOptions): { threshold: number; base: number } => {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD
  const base = options.base ?? DEFAULT_BASE
  if (!Number.isSafeInteger(threshold) || threshold < 1 || !Number.isSafeInteger(base) || base < 1) {
    throw new RangeError('threshold and base must be positive integers')
  }
  // Rounding is monotone, so this guarantees every count ≥ threshold is published as a value ≥ threshold: no
  // published number can then look like a small count (1..threshold−1) and nothing non-zero is published as 0.
  // (threshold 10 / base 5 passes; threshold 12 / base 5 would publish 12 as 10 and is refused.)
  if (roundToBase(threshold, base) < threshold) {
    throw new RangeError('threshold must not round down below itself with this base')
  }
  return { threshold, base }
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
 * The next entry to hide in an unprotected line: the smallest non-zero published cell (ties: first position),
 * else the line's total, else (only as a last resort) a zero cell.
 *
 * Why zeros come last: hiding a true 0 adds nothing to the hidden sum, so the partner of a small cell would still
 * be pinned to [0, its own value]; and zeros are otherwise always shown, so hiding one buys little. When a row's
 * other cells are all zeros (e.g. [4, 0, 0]) the total is hidden instead — here it is already, since 4 is 1–9 —
 * and the margin line then needs a second hidden row total, which is again chosen by this rule. A zero is hidden
 * only if the line has no non-zero published cell and its total is already hidden, so the line cannot be
 * protected any other way.
 */
const nextToHide = (line: Line, grid: Grid, mask: Mask): Position => {
  const published = line.cells.filter((p) => !at(mask, p))
  const nonZero = published.filter((p) => at(grid, p) > 0).sort((a, b) => at(grid, a) - at(grid, b))
  const choice = nonZero[0] ?? (at(mask, line.total) ? published[0] : line.total)
  // Unreachable: an unprotected line has fewer than two hidden entries, or a published total.
  if (choice === undefined) throw new Error('unprotected line with nothing left to suppress')
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
 * beside it in every cut. Not claimed: that no combination of equations across cuts narrows a hidden cell.
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
  // Fixed point: hide in every cut any shared total hidden in some cut, complete each cut, repeat. Hidden sets only
  // grow, so this ends; at the end every cut hides exactly the same shared totals.
  let masks = grids.map((grid) => primaryMask(grid, threshold))
  for (;;) {
    masks = masks.map((mask, k) => completeSuppression(item(grids, k), mask, item(lines, k), threshold))
    const shared = Array.from({ length: rows + 1 }, (_, i) => masks.some((mask) => marginHidden(mask, i)))
    const settled = masks.every((mask) => shared.every((hidden, i) => marginHidden(mask, i) === hidden))
    if (settled) break
    for (const mask of masks) {
      shared.forEach((hidden, i) => {
        const row = mask[i]
        if (hidden && row !== undefined) row[row.length - 1] = true
      })
    }
  }
  return cuts.map((cut, k) => publish(cut, item(grids, k), item(masks, k), base))
}

/**
 * One table, protected (R27–R29). Guarantees (property-tested with the defaults):
 *  - no published cell or total is an integer 1..threshold−1; every published number is a multiple of `base`;
 *    a published 0 is a true 0, and a true 0 cell is published as 0 unless secondary suppression had to hide it;
 *  - each published total is the true total rounded (within ±base/2);
 *  - every line (row or column, margins included) holding a suppressed entry holds at least two, and either its
 *    total is suppressed or, from that line's published values alone, each hidden cell could be anything in an
 *    interval at least `threshold` wide.
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
