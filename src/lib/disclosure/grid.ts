/**
 * One block of cuts as grids, and the per-line rule of secondary suppression (R28) on them; see index.ts for the
 * whole method. Each cut is handled as an (rows + 1) × (columns + 1) grid whose last column holds the row totals,
 * whose last row holds the column totals and whose corner holds the grand total. Every row and every column of that
 * grid is a "line": its cells add up to its total (the last row and the last column are the two margin lines, whose
 * total is the grand total). Working on the full grid means suppressed totals are protected by the same rule as
 * cells.
 */
import { type CountTable, type PublishedCount, type PublishedTable, SUPPRESSED, roundToBase } from './published.js'

export type Grid = number[][]
export type Mask = boolean[][]
export type Position = readonly [row: number, column: number]
type Line = { cells: Position[]; total: Position }

export const at = <T>(grid: readonly (readonly T[])[], [i, j]: Position): T => {
  const value = grid[i]?.[j]
  if (value === undefined) throw new RangeError(`no grid entry at ${i},${j}`)
  return value
}

export const item = <T>(list: readonly T[], k: number): T => {
  const value = list[k]
  if (value === undefined) throw new RangeError(`no item ${k}`)
  return value
}

/** Whether the shared margin entry i (row total i, or the grand total for i = rows) is hidden in a cut. */
const marginHidden = (mask: Mask, i: number): boolean => {
  const row = mask[i]
  return row?.[row.length - 1] === true
}

export const set = (mask: Mask, [i, j]: Position): void => {
  const row = mask[i]
  if (row === undefined || j >= row.length) throw new RangeError(`no grid entry at ${i},${j}`)
  row[j] = true
}

/** Counts plus unrounded row totals (last column), column totals (last row) and grand total (corner). */
export const augment = (counts: readonly (readonly number[])[], columns: number): Grid => {
  const rows = counts.map((row) => [...row, row.reduce((a, b) => a + b, 0)])
  const totals = Array.from({ length: columns + 1 }, (_, j) => rows.reduce((sum, row) => sum + (row[j] ?? 0), 0))
  return [...rows, totals]
}

export const lastColumn = (grid: Grid): number => item(grid, 0).length - 1

const linesOf = (grid: Grid): Line[] => {
  const rows = grid.length - 1
  const columns = lastColumn(grid)
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
 * and `widening` (protect.ts) picks only non-zero entries.
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
const completeSuppression = (grid: Grid, lines: readonly Line[], mask: Mask, threshold: number): Mask => {
  const result = mask.map((row) => [...row])
  for (;;) {
    const open = lines.find((line) => !isLineProtected(line, grid, result, threshold))
    if (open === undefined) return result
    set(result, nextToHide(open, grid, result))
  }
}

/**
 * Completes every cut of one block (`completeSuppression`) to a fixed point across its cuts: hide in every cut any
 * shared total hidden in some cut, complete each cut, repeat. Hidden sets only grow, so this ends; at the end every
 * cut of the block hides exactly the same shared totals.
 */
export const settle = (grids: readonly Grid[], start: readonly Mask[], threshold: number): Mask[] => {
  let masks = [...start]
  const margins = item(grids, 0).length
  const lines = grids.map(linesOf)
  for (;;) {
    masks = masks.map((mask, k) => completeSuppression(item(grids, k), item(lines, k), mask, threshold))
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

/** Primary suppression (R27): the counts 1..threshold−1, cells and totals alike. */
export const primaryMask = (grid: Grid, threshold: number): Mask =>
  grid.map((row) => row.map((n) => n >= 1 && n < threshold))

export const publish = (table: CountTable, grid: Grid, mask: Mask, base: number): PublishedTable => {
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
