/**
 * The attacker's audit of a publication (R28: "a test solves for every suppressed cell from the published margins
 * and asserts the interval for each is at least 10 wide").
 *
 * An attacker holding every table of a publication knows, for each entry (cell, row total, column total, grand
 * total), a range for its true count:
 *  - a published 0 is exactly 0 (nothing non-zero rounds to 0);
 *  - a published v > 0 is the true count rounded half up to the base, so the count is in
 *    [v − ⌊base/2⌋, v + ⌈base/2⌉ − 1] (±2 for base 5), and it is at least `threshold`, or it would be suppressed;
 *  - a suppressed entry is at least 1, because the protection never hides a true 0 (see `nextToHide` in grid.ts);
 * that every row of every table adds up to its row total, every column to its column total, and the column totals
 * and the row totals to the grand total; and the publication's links (`Link`: one entry is at most the sum of
 * others, e.g. a taxonomy group's count is at most its domain's, which is at most the sum of its groups'). The
 * cuts of a block share their row totals and grand total, so those are one unknown each, seen from every cut.
 *
 * For each suppressed entry the audit minimises and maximises its value over all of that at once: a linear
 * program (LP) per bound (solver.ts). Integrality is relaxed: the LP's feasible set contains every integer table
 * the attacker could consider, so the LP interval contains theirs, and the bounds are then rounded inwards to
 * integers, which still contains it. For one table that is exact: with its column equations negated, every
 * unknown appears in one equation with +1 and in one with −1 (a network matrix, totally unimodular), so the LP
 * optima are integers. Across cuts (a row total appears in every cut) or with links that argument fails: an
 * integer program could then sometimes prove a narrower interval than the LP.
 *
 * Not modelled: inference from how the protection chose what to hide (e.g. "this secondary suppression was the
 * smallest cell of its row when it was chosen"), which would need the attacker to know the order of the choices.
 */
import {
  type DisclosureOptions,
  type Place,
  type Publication,
  type PublishedCount,
  type PublishedTable,
  SUPPRESSED,
  TOTAL,
  isCount,
  resolveOptions
} from './published.js'
import { type Constraint, type Model, Solver, type Unknown, hiddenOf, inward, item } from './solver.js'

/** The values a suppressed entry can take given everything published; `max` is Infinity when unbounded. */
export type SuppressedInterval = Place & { min: number; max: number }

/** What one published value tells the attacker about the true count (see the module comment). */
const boundsOf = (value: PublishedCount, threshold: number, base: number): [lower: number, upper: number] => {
  if (value === SUPPRESSED) return [1, Infinity]
  if (!isCount(value)) throw new RangeError('a published value is a non-negative integer or the suppression marker')
  if (value === 0) return [0, 0]
  return [Math.max(threshold, value - Math.floor(base / 2)), value + Math.ceil(base / 2) - 1]
}

const sameShared = (table: PublishedTable, first: PublishedTable): boolean =>
  table.grandTotal === first.grandTotal &&
  table.rowTotals.length === first.rowTotals.length &&
  table.rowTotals.every((total, i) => total === first.rowTotals[i])

const checkShapes = (block: readonly PublishedTable[]): void => {
  const first = item(block, 0)
  for (const table of block) {
    const { cells, rowTotals, columnTotals } = table
    const rectangular = cells.every((row) => row.length === columnTotals.length)
    if (cells.length !== rowTotals.length || !rectangular || !sameShared(table, first)) {
      throw new RangeError('cuts audited together must be rectangular and publish the same row and grand totals')
    }
  }
}

/**
 * The unknowns (block by block: its shared totals, then each cut's cells and column totals), every identity
 * between them, and the publication's links.
 */
const buildModel = (publication: Publication<PublishedTable>, threshold: number, base: number): Model => {
  const unknowns: Unknown[] = []
  const constraints: Constraint[] = []
  /** Where each cut's unknowns are (its shared totals are its block's), so that a link can name them. */
  const cuts: { rowTotals: number[]; grand: number; cells: number[][]; columnTotals: number[] }[] = []
  const add = (place: Place, value: PublishedCount): number => {
    const [lower, upper] = boundsOf(value, threshold, base)
    unknowns.push({ ...place, hidden: value === SUPPRESSED, lower, upper })
    return unknowns.length - 1
  }
  for (const block of publication.blocks) {
    if (block.length === 0) throw new RangeError('a block of a publication needs at least one table')
    checkShapes(block)
    const shared = cuts.length
    const rowTotals = item(block, 0).rowTotals.map((value, row) => add({ cut: shared, row, column: TOTAL }, value))
    const grand = add({ cut: shared, row: TOTAL, column: TOTAL }, item(block, 0).grandTotal)
    constraints.push({ parts: rowTotals, whole: grand, equal: true })
    for (const table of block) {
      const cut = cuts.length
      const cells = table.cells.map((values, row) => values.map((value, column) => add({ cut, row, column }, value)))
      const columnTotals = table.columnTotals.map((value, column) => add({ cut, row: TOTAL, column }, value))
      cells.forEach((row, i) => constraints.push({ parts: row, whole: item(rowTotals, i), equal: true }))
      columnTotals.forEach((total, j) =>
        constraints.push({ parts: cells.map((row) => item(row, j)), whole: total, equal: true }))
      constraints.push({ parts: columnTotals, whole: grand, equal: true })
      cuts.push({ rowTotals, grand, cells, columnTotals })
    }
  }
  const find = ({ cut, row, column }: Place): number => {
    const at = cuts[cut]
    const k = row === TOTAL
      ? (column === TOTAL ? at?.grand : at?.columnTotals[column])
      : (column === TOTAL ? at?.rowTotals[row] : at?.cells[row]?.[column])
    if (k === undefined) throw new RangeError(`a link names ${JSON.stringify({ cut, row, column })}, not published`)
    return k
  }
  for (const { whole, parts } of publication.links ?? []) {
    constraints.push({ parts: parts.map(find), whole: find(whole), equal: false })
  }
  return { unknowns, constraints }
}

/** A list of cuts is one block without links (how protectCuts publishes). */
const asPublication = (
  published: readonly PublishedTable[] | Publication<PublishedTable>
): Publication<PublishedTable> => ('blocks' in published ? published : { blocks: published.length > 0 ? [published] : [] })

/** Unknown k's exact interval. */
const intervalOf = (solver: Solver, k: number): { min: number; max: number } => {
  const max = solver.optimise(k, 'maximize')
  return inward(solver.least(k), max)
}

/**
 * Every suppressed entry of a publication with the interval an attacker can prove for its true value from all the
 * published values and links together; in a fixed order: block by block, the shared totals (row totals, then the
 * grand total, as the block's first cut), then cut by cut its cells row by row and its column totals. Given a list
 * of cuts (as protectCuts returns them), audits them as one block. Throws if the cuts of a block do not share
 * their row totals and grand total, if a link names an entry not published, or (when something is suppressed) if
 * no table of counts could have produced them.
 */
export const suppressedIntervals = (
  published: readonly PublishedTable[] | Publication<PublishedTable>,
  options: DisclosureOptions = {}
): SuppressedInterval[] => {
  const { threshold, base } = resolveOptions(options)
  const model = buildModel(asPublication(published), threshold, base)
  const hidden = hiddenOf(model)
  if (hidden.length === 0) return []
  const solver = Solver.load(model)
  return hidden.map((k) => ({ ...solver.place(k), ...intervalOf(solver, k) }))
}

/** How far apart the values seen for unknown k are: at most the width of its interval. */
const seenWidth = (solver: Solver, k: number): number => {
  const { min, max } = inward(...solver.seen(k))
  return max - min
}

/**
 * Hidden unknowns not yet seen to span `threshold`, after lifting them all towards threshold above their lowest
 * seen values, again while that shows more than one more of them wide (a round is one solve; settling one unknown
 * on its own takes one or two). Typically a few solves leave none, where one solve per unknown would be needed.
 */
const unresolved = (solver: Solver, threshold: number): number[] => {
  const open = (candidates: readonly number[]): number[] =>
    candidates.filter((k) => seenWidth(solver, k) < threshold)
  let pending = open(solver.hidden)
  while (pending.length > 1) {
    solver.reach(new Map(pending.map((k) => [k, inward(...solver.seen(k)).min + threshold])))
    const still = open(pending)
    if (still.length > pending.length - 2) return still
    pending = still
  }
  return pending
}

/** Whether unknown k's interval is narrower than `threshold`, solving only until that is settled. */
const isNarrow = (solver: Solver, k: number, threshold: number): boolean => {
  if (seenWidth(solver, k) >= threshold) return false
  const max = solver.optimise(k, 'maximize')
  if (seenWidth(solver, k) >= threshold) return false
  const interval = inward(solver.least(k), max)
  return interval.max - interval.min < threshold
}

/**
 * The check the protection repeats until it passes: called with the publication as it stands, it returns the
 * first suppressed entry (in the order of `suppressedIntervals`) whose interval is narrower than `threshold`, or
 * undefined if there is none. Cheaper than all the intervals: an entry seen to take values `threshold` apart needs
 * no solve of its own. And between calls where entries were only added to the suppressed ones, it keeps its LP
 * (loosened by `Solver.grow`, continuing from its last basis) and every solution seen, so what it showed wide stays
 * shown; otherwise, or if another audit ran in between, it starts afresh.
 */
export const narrowEntryCheck = (threshold: number, base: number) => {
  let solver: Solver | undefined
  return (publication: Publication<PublishedTable>): Place | undefined => {
    const next = buildModel(publication, threshold, base)
    if (solver?.isLoaded !== true || !solver.grow(next)) {
      solver = hiddenOf(next).length === 0 ? undefined : Solver.load(next)
    }
    if (solver === undefined) return undefined
    const audited = solver
    const narrow = unresolved(audited, threshold).find((k) => isNarrow(audited, k, threshold))
    return narrow === undefined ? undefined : audited.place(narrow)
  }
}
