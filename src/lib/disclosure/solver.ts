/**
 * The linear programs behind the attacker's audit (audit.ts): a model of what is published, loaded into HiGHS (the
 * `highs` package, HiGHS compiled to WebAssembly), and solved for the least and greatest value of each suppressed
 * entry. Kept apart from the model building so that each file stays readable on its own.
 */
import { createRequire } from 'node:module'
import type { Place } from './published.js'

// Loaded through `require` because the package's type declarations describe its CommonJS build (`module.exports
// .default` is the loader), while an ES import would get its ES build, whose default export is the loader itself.
const { default: loadHighs } = createRequire(import.meta.url)('highs') as typeof import('highs')
// The WebAssembly runtime loads asynchronously, once, when this module is first imported; every solve after that
// is synchronous, which keeps the protection synchronous.
const highs = await loadHighs()

export type Unknown = Place & { hidden: boolean; lower: number; upper: number }
/**
 * One published fact about the unknowns: Σ parts = whole (`equal`: a table's line and its total), or
 * whole ≤ Σ parts (a link between tables). An unknown may be named more than once; its coefficients add up.
 */
export type Constraint = { parts: readonly number[]; whole: number; equal: boolean }
export type Model = { unknowns: Unknown[]; constraints: Constraint[] }

export const INCONSISTENT = 'no table of counts is consistent with these published values'

/** LP optima are floating point; a bound within this of an integer is taken as that integer. */
const EPSILON = 1e-6

export const item = <T>(list: readonly T[], k: number): T => {
  const value = list[k]
  if (value === undefined) throw new RangeError(`no item ${k}`)
  return value
}

export const hiddenOf = (model: Model): number[] =>
  model.unknowns.flatMap((unknown, k) => (unknown.hidden ? [k] : []))

/** A constraint as one row of the matrix: Σ parts − whole, with each unknown's coefficients added up. */
const rowOf = ({ parts, whole }: Constraint): { indices: number[]; values: number[] } => {
  const coefficients = new Map<number, number>()
  for (const k of parts) coefficients.set(k, (coefficients.get(k) ?? 0) + 1)
  coefficients.set(whole, (coefficients.get(whole) ?? 0) - 1)
  // HiGHS wants each column at most once per row (in any order); a zero coefficient is left out.
  const entries = [...coefficients].filter(([, value]) => value !== 0)
  return { indices: entries.map(([k]) => k), values: entries.map(([, value]) => value) }
}

/**
 * The linear program, in HiGHS's terms. Columns: one per unknown, then one "reach" column t per hidden unknown x
 * (see `Solver.reach`). Rows: one per constraint (Σ parts − whole, fixed at 0 for an equation, at least 0 for a
 * link), then t − x ≤ 0 for each reach column. A reach column rests fixed at its unknown's lower bound, where that
 * row holds whatever x is.
 */
const linearProgram = ({ unknowns, constraints }: Model, hidden: readonly number[]) => {
  const starts = [0]
  const indices: number[] = []
  const values: number[] = []
  const addRow = (row: { indices: readonly number[]; values: readonly number[] }): void => {
    indices.push(...row.indices)
    values.push(...row.values)
    starts.push(indices.length)
  }
  for (const constraint of constraints) addRow(rowOf(constraint))
  hidden.forEach((k, a) => addRow({ indices: [k, unknowns.length + a], values: [-1, 1] }))
  const numCols = unknowns.length + hidden.length
  const numRows = constraints.length + hidden.length
  const restingBounds = hidden.map((k) => item(unknowns, k).lower)
  return {
    numCols,
    numRows,
    colCost: new Float64Array(numCols),
    colLower: [...unknowns.map((unknown) => unknown.lower), ...restingBounds],
    colUpper: [...unknowns.map((unknown) => (unknown.upper === Infinity ? highs.infinity : unknown.upper)),
      ...restingBounds],
    rowLower: [...constraints.map(() => 0), ...hidden.map(() => -highs.infinity)],
    rowUpper: [...constraints.map(({ equal }) => (equal ? 0 : highs.infinity)), ...hidden.map(() => 0)],
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

/**
 * The integers in [low, high] (true counts are integers), as an interval; Infinity stays. Applied to values seen
 * in solutions, it is inside the unknown's interval; applied to its optima, it is the interval.
 */
export const inward = (low: number, high: number): { min: number; max: number } =>
  ({ min: Math.ceil(low - EPSILON), max: Math.floor(high + EPSILON) })

const sameConstraint = (a: Constraint, b: Constraint): boolean =>
  a.whole === b.whole && a.equal === b.equal && a.parts.length === b.parts.length &&
  a.parts.every((k, i) => k === b.parts[i])

/**
 * Whether `after` is `before` with the same or more entries suppressed, and nothing else changed. Unknowns in the
 * same places make the same tables, so the same equations: only the links need comparing.
 */
const grownFrom = (before: Model, after: Model): boolean =>
  before.unknowns.length === after.unknowns.length &&
  before.constraints.length === after.constraints.length &&
  after.constraints.every((constraint, i) => {
    const old = item(before.constraints, i)
    return constraint.equal ? old.equal : sameConstraint(constraint, old)
  }) &&
  after.unknowns.every((unknown, k) => {
    const { cut, row, column, hidden, lower, upper } = item(before.unknowns, k)
    const samePlace = unknown.cut === cut && unknown.row === row && unknown.column === column
    return samePlace && (unknown.hidden || (!hidden && unknown.lower === lower && unknown.upper === upper))
  })

/** The solver whose model the HiGHS instance holds: any other was overtaken by a later `Solver.load`. */
let loaded: Solver | undefined

/** A model loaded into the HiGHS instance, and what its optimal solutions have shown so far. */
export class Solver {
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
