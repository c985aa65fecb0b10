/**
 * The attacker's audit of a publication (R28: "a test solves for every suppressed cell from the published margins
 * and asserts the interval for each is at least 10 wide").
 *
 * An attacker holding every cut of a publication knows, for each entry (cell, row total, column total, grand
 * total), a range for its true count:
 *  - a published 0 is exactly 0 (nothing non-zero rounds to 0);
 *  - a published v > 0 is the true count rounded half up to the base, so the count is in
 *    [v − ⌊base/2⌋, v + ⌈base/2⌉ − 1] (±2 for base 5), and it is at least `threshold`, or it would be suppressed;
 *  - a suppressed entry is at least 1, because the protection never hides a true 0 (see `nextToHide` in index.ts);
 * and that every row of every cut adds up to its row total, every column to its column total, and the column
 * totals and the row totals to the grand total. Cuts of one publication share their row totals and grand total, so
 * those are one unknown each, seen from every cut.
 *
 * For each suppressed entry the audit minimises and maximises its value over all of that at once: a linear
 * program (LP) per bound, solved by HiGHS (the `highs` package, HiGHS compiled to WebAssembly). Integrality is
 * relaxed: the LP's feasible set contains every integer table the attacker could consider, so the LP interval
 * contains theirs, and the bounds are then rounded inwards to integers, which still contains it. For one cut that
 * is exact: with its column equations negated, every unknown appears in one equation with +1 and in one with −1
 * (a network matrix, totally unimodular), so the LP optima are integers. Across cuts a row total appears in every
 * cut and that argument fails: an integer program could then sometimes prove a narrower interval than the LP.
 *
 * Not modelled: inference from how the protection chose what to hide (e.g. "this secondary suppression was the
 * smallest cell of its row when it was chosen"), which would need the attacker to know the order of the choices.
 */
import { createRequire } from 'node:module'
import {
  type DisclosureOptions,
  type PublishedCount,
  type PublishedTable,
  SUPPRESSED,
  isCount,
  resolveOptions
} from './published.js'

// Loaded through `require` because the package's type declarations describe its CommonJS build (`module.exports
// .default` is the loader), while an ES import would get its ES build, whose default export is the loader itself.
const { default: loadHighs } = createRequire(import.meta.url)('highs') as typeof import('highs')
// The WebAssembly runtime loads asynchronously, once, when this module is first imported; every solve after that
// is synchronous, which keeps protectCuts synchronous.
const highs = await loadHighs()

/** In a place, `row: TOTAL` is the column-totals row and `column: TOTAL` the row-totals column. */
export const TOTAL = 'total' as const
export type Total = typeof TOTAL

/**
 * Where an entry is published. Row totals and the grand total are one unknown shared by all cuts: they are
 * reported once, as cut 0.
 */
export type Place = { cut: number; row: number | Total; column: number | Total }

/** The values a suppressed entry can take given everything published; `max` is Infinity when unbounded. */
export type SuppressedInterval = Place & { min: number; max: number }

type Unknown = Place & { hidden: boolean; lower: number; upper: number }
/** One published identity: the unknowns `parts` add up to the unknown `whole`. */
type Equation = { parts: number[]; whole: number }
type Model = { unknowns: Unknown[]; equations: Equation[] }

const INCONSISTENT = 'no table of counts is consistent with these published values'

/** LP optima are floating point; a bound within this of an integer is taken as that integer. */
const EPSILON = 1e-6

const item = <T>(list: readonly T[], k: number): T => {
  const value = list[k]
  if (value === undefined) throw new RangeError(`no item ${k}`)
  return value
}

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

const checkShapes = (published: readonly PublishedTable[]): void => {
  const first = item(published, 0)
  for (const table of published) {
    const { cells, rowTotals, columnTotals } = table
    const rectangular = cells.every((row) => row.length === columnTotals.length)
    if (cells.length !== rowTotals.length || !rectangular || !sameShared(table, first)) {
      throw new RangeError('cuts audited together must be rectangular and publish the same row and grand totals')
    }
  }
}

/** The unknowns (shared totals first, then each cut's cells and column totals) and every identity between them. */
const buildModel = (published: readonly PublishedTable[], threshold: number, base: number): Model => {
  checkShapes(published)
  const unknowns: Unknown[] = []
  const add = (place: Place, value: PublishedCount): number => {
    const [lower, upper] = boundsOf(value, threshold, base)
    unknowns.push({ cut: place.cut, row: place.row, column: place.column, hidden: value === SUPPRESSED, lower, upper })
    return unknowns.length - 1
  }
  const first = item(published, 0)
  const rowTotals = first.rowTotals.map((value, row) => add({ cut: 0, row, column: TOTAL }, value))
  const grand = add({ cut: 0, row: TOTAL, column: TOTAL }, first.grandTotal)
  const equations: Equation[] = [{ parts: rowTotals, whole: grand }]
  published.forEach((table, cut) => {
    const cells = table.cells.map((values, row) => values.map((value, column) => add({ cut, row, column }, value)))
    const columnTotals = table.columnTotals.map((value, column) => add({ cut, row: TOTAL, column }, value))
    cells.forEach((row, i) => equations.push({ parts: row, whole: item(rowTotals, i) }))
    columnTotals.forEach((total, j) => equations.push({ parts: cells.map((row) => item(row, j)), whole: total }))
    equations.push({ parts: columnTotals, whole: grand })
  })
  return { unknowns, equations }
}

/**
 * The linear program, in HiGHS's terms. Columns: one per unknown, then one "reach" column t per hidden unknown x
 * (see `Solver.reach`). Rows: one per equation (Σ parts − whole = 0), then t − x ≤ 0 for each reach column. A reach
 * column rests fixed at its unknown's lower bound, where that row holds whatever x is.
 */
const linearProgram = ({ unknowns, equations }: Model, hidden: readonly number[]) => {
  const starts = [0]
  const indices: number[] = []
  const values: number[] = []
  const addRow = (columns: readonly number[], coefficients: readonly number[]): void => {
    indices.push(...columns)
    values.push(...coefficients)
    starts.push(indices.length)
  }
  for (const { parts, whole } of equations) addRow([...parts, whole], [...parts.map(() => 1), -1])
  hidden.forEach((k, a) => addRow([k, unknowns.length + a], [-1, 1]))
  const numCols = unknowns.length + hidden.length
  const numRows = equations.length + hidden.length
  const restingBounds = hidden.map((k) => item(unknowns, k).lower)
  return {
    numCols,
    numRows,
    colCost: new Float64Array(numCols),
    colLower: [...unknowns.map((unknown) => unknown.lower), ...restingBounds],
    colUpper: [...unknowns.map((unknown) => (unknown.upper === Infinity ? highs.infinity : unknown.upper)),
      ...restingBounds],
    rowLower: [...equations.map(() => 0), ...hidden.map(() => -highs.infinity)],
    rowUpper: new Float64Array(numRows),
    matrix: { format: 'csr' as const, numRows, numCols, starts, indices, values }
  }
}

/**
 * HiGHS options. Primal simplex because between solves mostly the objective changes: the last optimal basis stays
 * feasible and primal simplex continues from it in a few pivots (dual simplex restarted nearly from scratch,
 * ~10× the iterations, when measured on publication-sized models). Presolve off so that every run keeps that
 * basis and an unbounded maximum is reported as such.
 */
const SOLVER_OPTIONS = { output_flag: false, presolve: 'off', simplex_strategy: 4 }
const FALLBACK_OPTIONS = { ...SOLVER_OPTIONS, simplex_strategy: 1 }

// One solver instance, given each audit's model in turn: creating an instance and setting its options costs more
// than all the solves of a small audit. Audits run synchronously to the end, so two never share it at once.
const lp = highs.createModel()
lp.options.set(SOLVER_OPTIONS)

type Sense = 'minimize' | 'maximize'

const { modelStatus, objectiveSense } = highs.constants

const isUnbounded = (status: number): boolean =>
  status === modelStatus.unbounded || status === modelStatus.unboundedOrInfeasible

/** Runs the solver to a verdict: optimal, unbounded or infeasible. */
const runToVerdict = (): number => {
  const status = lp.run().modelStatus
  if (status === modelStatus.optimal || isUnbounded(status)) return status
  // Seldom (of the order of once in 10,000 random publications) primal simplex stops without a verdict (status
  // "unknown"), even started afresh; dual simplex, started afresh, settles it.
  lp.clearSolver()
  lp.options.set(FALLBACK_OPTIONS)
  try {
    return lp.run().modelStatus
  } finally {
    lp.options.set(SOLVER_OPTIONS)
  }
}

/** The solver whose model the HiGHS instance holds: any other was overtaken by a later `Solver.load`. */
let loaded: Solver | undefined

/** A model loaded into the HiGHS instance, and what its optimal solutions have shown so far. */
class Solver {
  readonly #model: Model
  readonly #reachColumn: Map<number, number>
  readonly #low: number[]
  readonly #high: number[]
  #columns: number

  private constructor (model: Model, hidden: readonly number[]) {
    const size = model.unknowns.length
    this.#model = model
    this.#reachColumn = new Map(hidden.map((k, a) => [k, size + a]))
    this.#low = Array.from({ length: size }, () => Infinity)
    this.#high = Array.from({ length: size }, () => -Infinity)
    this.#columns = size + hidden.length
  }

  /**
   * Loads the model, from a fresh start (nothing of an earlier audit is used), and solves for the least sum of the
   * hidden values: bounded below (every unknown is ≥ 0), so "unbounded or infeasible" there can only mean
   * infeasible. It also shows most hidden values at their lowest, sparing minimisations later. Valid until the
   * next load.
   */
  static load (model: Model): Solver {
    const hidden = hiddenOf(model)
    lp.passModel(linearProgram(model, hidden))
    lp.clearSolver()
    loaded = new Solver(model, hidden)
    if (loaded.#solve(hidden, 'minimize') === undefined) throw new RangeError(INCONSISTENT)
    return loaded
  }

  get isLoaded (): boolean {
    return loaded === this
  }

  /** The hidden unknowns, in the order of `suppressedIntervals`. */
  get hidden (): number[] {
    return hiddenOf(this.#model)
  }

  place (k: number): Place {
    const { cut, row, column } = item(this.#model.unknowns, k)
    return { cut, row, column }
  }

  /** The least or greatest value of unknown k (±Infinity when unbounded). */
  optimise (k: number, sense: Sense): number {
    const optimum = this.#solve([k], sense)
    if (optimum !== undefined) return optimum
    if (sense === 'minimize') return -Infinity
    this.#high[k] = Infinity
    return Infinity
  }

  /**
   * Pushes hidden unknowns up towards the levels given, all at once and no further: maximises Σ min(x, level)
   * (the reach column t of x is allowed up to the level and counts in the objective; t ≤ x caps it at x). Unlike
   * maximising Σ x, this gains nothing from overshooting one unknown at the expense of another in its line, so
   * one solve lifts most of them to their levels.
   */
  reach (levels: ReadonlyMap<number, number>): void {
    this.#setReachBounds(levels, true)
    this.#solve([...levels.keys()].map((k) => this.#reachColumn.get(k) ?? -1), 'maximize')
    this.#setReachBounds(levels, false)
  }

  /** The least value of unknown k: its lower bound if it was already seen there (nothing is below it), else solved. */
  least (k: number): number {
    const { lower } = item(this.#model.unknowns, k)
    return this.seen(k)[0] <= lower + EPSILON ? lower : this.optimise(k, 'minimize')
  }

  /**
   * The smallest and largest value unknown k took in the optimal solutions so far (both inside its interval);
   * the largest is Infinity once its maximum was found unbounded.
   */
  seen (k: number): [low: number, high: number] {
    return [item(this.#low, k), item(this.#high, k)]
  }

  /**
   * If `next` is this model with the same or more entries suppressed and nothing else changed, takes on the newly
   * suppressed ones (`#hide`) and says so.
   */
  grow (next: Model): boolean {
    const { unknowns } = this.#model
    if (!grownFrom(this.#model, next)) return false
    next.unknowns.forEach((unknown, k) => {
      if (unknown.hidden && !item(unknowns, k).hidden) this.#hide(k)
    })
    return true
  }

  /**
   * Unknown k, published until now, is suppressed from now on: its bounds become [1, ∞), and it gets a reach
   * column. That only loosens the model, so every solution seen so far stays a solution.
   */
  #hide (k: number): void {
    Object.assign(item(this.#model.unknowns, k), { hidden: true, lower: 1, upper: Infinity })
    lp.changeColBounds(k, 1, highs.infinity)
    lp.addCol(0, 1, 1, { indices: [], values: [] })
    lp.addRow(-highs.infinity, 0, { indices: [k, this.#columns], values: [-1, 1] })
    this.#reachColumn.set(k, this.#columns++)
  }

  /** The optimum of Σ columns, or undefined when unbounded (after the first solve, which shows it is feasible). */
  #solve (objective: readonly number[], sense: Sense): number | undefined {
    const costs = new Float64Array(this.#columns)
    for (const column of objective) costs[column] = 1
    lp.changeColsCost({ kind: 'range', from: 0, to: this.#columns - 1 }, costs)
    lp.changeObjectiveSense(objectiveSense[sense])
    const status = runToVerdict()
    if (status === modelStatus.infeasible) throw new RangeError(INCONSISTENT)
    if (isUnbounded(status)) return undefined
    if (status !== modelStatus.optimal) throw new Error(`the audit's linear program ended with status ${status}`)
    this.#record(lp.getSolution().colValue)
    return lp.getObjectiveValue()
  }

  #record (point: Float64Array): void {
    this.#low.forEach((low, k) => {
      const value = point[k] ?? low
      this.#low[k] = Math.min(low, value)
      this.#high[k] = Math.max(item(this.#high, k), value)
    })
  }

  /** Opens the reach columns of `levels` up to their levels, or rests them again (in column order, as HiGHS wants). */
  #setReachBounds (levels: ReadonlyMap<number, number>, active: boolean): void {
    const bounds = [...levels]
      .map(([k, level]) => {
        const { lower } = item(this.#model.unknowns, k)
        return { column: this.#reachColumn.get(k) ?? -1, lower, upper: active ? level : lower }
      })
      .sort((a, b) => a.column - b.column)
    const selection = { kind: 'set' as const, indices: bounds.map(({ column }) => column) }
    lp.changeColsBounds(selection, bounds.map(({ lower }) => lower), bounds.map(({ upper }) => upper))
  }
}

/**
 * The integers in [low, high] (true counts are integers), as an interval; Infinity stays. Applied to values seen
 * in solutions, it is inside the unknown's interval; applied to its optima, it is the interval.
 */
const inward = (low: number, high: number): { min: number; max: number } =>
  ({ min: Math.ceil(low - EPSILON), max: Math.floor(high + EPSILON) })

/** Unknown k's exact interval. */
const intervalOf = (solver: Solver, k: number): { min: number; max: number } => {
  const max = solver.optimise(k, 'maximize')
  return inward(solver.least(k), max)
}

const hiddenOf = (model: Model): number[] =>
  model.unknowns.flatMap((unknown, k) => (unknown.hidden ? [k] : []))

/**
 * Every suppressed entry of the publication `published` (the cuts as protectCuts returns them) with the interval
 * an attacker can prove for its true value from all the published values together; in a fixed order: the shared
 * totals (row totals, then the grand total), then cut by cut its cells row by row and its column totals. Throws if
 * the cuts do not share their row totals and grand total, or (when something is suppressed) if no table of counts
 * could have produced them.
 */
export const suppressedIntervals = (
  published: readonly PublishedTable[],
  options: DisclosureOptions = {}
): SuppressedInterval[] => {
  const { threshold, base } = resolveOptions(options)
  if (published.length === 0) return []
  const model = buildModel(published, threshold, base)
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

/** Whether `after` is `before` with the same or more entries suppressed, and nothing else changed. */
const grownFrom = (before: Model, after: Model): boolean =>
  before.unknowns.length === after.unknowns.length &&
  after.unknowns.every((unknown, k) => {
    const { cut, row, column, hidden, lower, upper } = item(before.unknowns, k)
    const samePlace = unknown.cut === cut && unknown.row === row && unknown.column === column
    return samePlace && (unknown.hidden || (!hidden && unknown.lower === lower && unknown.upper === upper))
  })

/**
 * The check protectCuts repeats until it passes: called with the publication as it stands, it returns the first
 * suppressed entry (in the order of `suppressedIntervals`) whose interval is narrower than `threshold`, or
 * undefined if there is none. Cheaper than all the intervals: an entry seen to take values `threshold` apart needs
 * no solve of its own. And between calls where entries were only added to the suppressed ones, it keeps its LP
 * (loosened by `Solver.grow`, continuing from its last basis) and every solution seen, so what it showed wide stays
 * shown; otherwise, or if another audit ran in between, it starts afresh.
 */
export const narrowEntryCheck = (threshold: number, base: number) => {
  let solver: Solver | undefined
  return (published: readonly PublishedTable[]): Place | undefined => {
    const next = buildModel(published, threshold, base)
    if (solver?.isLoaded !== true || !solver.grow(next)) {
      solver = hiddenOf(next).length === 0 ? undefined : Solver.load(next)
    }
    if (solver === undefined) return undefined
    const audited = solver
    const narrow = unresolved(audited, threshold).find((k) => isNarrow(audited, k, threshold))
    return narrow === undefined ? undefined : audited.place(narrow)
  }
}
