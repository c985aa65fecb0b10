import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type CountTable,
  type PublishedCount,
  type PublishedTable,
  SUPPRESSED,
  isTablePublishable,
  protectCuts,
  protectTable,
  publishableMean,
  publishableMedian,
  publishableShare,
  roundToBase
} from '../../src/lib/disclosure/index.js'
import { cutsOf, labelled, table } from '../helpers/disclosure-tables.js'

// Property runs: ≥ 1,000 cases each (R27, R28), seed printed by fast-check on failure for replay.
const RUNS = { numRuns: 1000 }
const THRESHOLD = 10
const BASE = 5
const S = SUPPRESSED

const cuts = cutsOf(1, 2)

// ---- An independent view of the published grid: no code shared with the implementation. ----

type Entry = { truth: number; shown: PublishedCount }
type Line = { cells: Entry[]; total: Entry }

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0)

/** Every row and column of the table extended by its totals, margins included, pairing true and published values. */
const linesOf = (input: CountTable, out: PublishedTable): Line[] => {
  const rowTotals = input.counts.map(sum)
  const columnTotals = input.columnLabels.map((_, j) => sum(input.counts.map((row) => row[j] ?? 0)))
  const grand = sum(rowTotals)
  const entry = (truth: number | undefined, shown: PublishedCount | undefined): Entry => {
    if (truth === undefined || shown === undefined) throw new Error('shape mismatch')
    return { truth, shown }
  }
  const grandEntry = entry(grand, out.grandTotal)
  return [
    ...input.counts.map((row, i) => ({
      cells: row.map((n, j) => entry(n, out.cells[i]?.[j])),
      total: entry(rowTotals[i], out.rowTotals[i])
    })),
    ...input.columnLabels.map((_, j) => ({
      cells: input.counts.map((row, i) => entry(row[j], out.cells[i]?.[j])),
      total: entry(columnTotals[j], out.columnTotals[j])
    })),
    { cells: columnTotals.map((n, j) => entry(n, out.columnTotals[j])), total: grandEntry },
    { cells: rowTotals.map((n, i) => entry(n, out.rowTotals[i])), total: grandEntry }
  ]
}

const entriesOf = (lines: readonly Line[]): Entry[] => lines.flatMap((line) => [...line.cells, line.total])

/** What a published value says about the true count, knowing only the rounding rule (half up to `BASE`). */
const bounds = (shown: number): [number, number] =>
  shown === 0 ? [0, 0] : [shown - Math.floor(BASE / 2), shown + Math.ceil(BASE / 2) - 1]

/**
 * The interval an attacker gets for one hidden cell from one line alone, knowing that hidden values are ≥ 0 and
 * published ones are rounded. Infinite width when the line's total is hidden.
 */
const intervalWidth = (line: Line, hidden: Entry): number => {
  if (line.total.shown === S) return Infinity
  const [totalLow, totalHigh] = bounds(line.total.shown)
  const others = line.cells.filter((cell) => cell !== hidden)
  const published = others.flatMap((cell) => (cell.shown === S ? [] : [bounds(cell.shown)]))
  const upper = totalHigh - sum(published.map(([low]) => low))
  const otherHidden = others.some((cell) => cell.shown === S)
  const lower = otherHidden ? 0 : Math.max(0, totalLow - sum(published.map(([, high]) => high)))
  return upper - lower
}

/** A plain assertion: `expect` is ~50× slower, and these run on every entry of 2,000+ random tables. */
const check = (ok: boolean, what: string, detail: unknown): void => {
  if (!ok) throw new Error(`${what}: ${JSON.stringify(detail)}`)
}

/** The R27–R29 guarantees for one input/output pair. */
const checkTable = (input: CountTable, out: PublishedTable): void => {
  const lines = linesOf(input, out)
  for (const { truth, shown } of entriesOf(lines)) {
    if (shown === S) continue
    // 1. Multiples of the base, never 1..9, a published 0 is a true 0, and every count is the true one rounded.
    check(shown % BASE === 0, 'multiple of the base', { truth, shown })
    check(shown < 1 || shown >= THRESHOLD, 'no small published value', { truth, shown })
    check((shown === 0) === (truth === 0), 'published 0 iff true 0', { truth, shown })
    check(truth < 1 || truth >= THRESHOLD, 'small count not published', { truth, shown })
    // 3. Totals (and cells) are the unrounded values rounded: within ±base/2.
    check(Math.abs(shown - truth) <= BASE / 2, 'rounded from the true value', { truth, shown })
  }
  for (const line of lines) {
    const hidden = line.cells.filter((cell) => cell.shown === S)
    const totalHidden = line.total.shown === S
    // 2. Underivability (issue 5): a line with a hidden entry has at least two, and a hidden total has a hidden
    // cell beside it.
    check(hidden.length === 0 || hidden.length >= 2 || totalHidden, 'two hidden per line', line)
    check(!totalHidden || hidden.length >= 1, 'hidden total has a hidden cell', line)
    // 3. Published cells add up to no more than the published total plus floor(base/2) per published value:
    // each published cell overstates its count by at most 2, hidden cells are ≥ 0, and the total understates by ≤ 2.
    const total = line.total.shown
    if (total !== S) {
      const shown = line.cells.flatMap((cell) => (cell.shown === S ? [] : [cell.shown]))
      check(sum(shown) <= total + (shown.length + 1) * Math.floor(BASE / 2), 'cells within the total', line)
    }
    // 4. From its row or column alone, each hidden cell lies in an interval at least `threshold` wide.
    for (const cell of hidden) check(intervalWidth(line, cell) >= THRESHOLD, 'interval ≥ threshold', line)
  }
}

describe('protectTable: property tests (R27, R28, R29)', () => {
  it('publishes no count 1–9, only multiples of 5, and true zeros as 0; totals are the true totals rounded', () => {
    fc.assert(
      fc.property(table, (input) => {
        const out = protectTable(input)
        checkTable(input, out)
        input.counts.forEach((row, i) =>
          row.forEach((n, j) => {
            const shown = out.cells[i]?.[j]
            if (n >= 1 && n < THRESHOLD) expect(shown).toBe(S)
            if (n === 0) expect(shown === 0 || shown === S).toBe(true)
          })
        )
      }),
      RUNS
    )
  })

  it('never hides a true zero (the audit relies on it: every suppressed value is at least 1)', () => {
    let zerosHidden = 0
    fc.assert(
      fc.property(table, (input) => {
        const out = protectTable(input)
        input.counts.forEach((row, i) =>
          row.forEach((n, j) => {
            if (n === 0 && out.cells[i]?.[j] === S) zerosHidden++
          })
        )
      }),
      RUNS
    )
    expect(zerosHidden).toBe(0)
  })

  it('is deterministic and does not modify its input', () => {
    fc.assert(
      fc.property(table, (input) => {
        const copy = structuredClone(input)
        const first = protectTable(input)
        expect(JSON.stringify(protectTable(copy))).toBe(JSON.stringify(first))
        expect(input).toEqual(copy)
      }),
      RUNS
    )
  })

  it('keeps labels and shape', () => {
    fc.assert(
      fc.property(table, (input) => {
        const out = protectTable(input)
        expect(out.rowLabels).toEqual(input.rowLabels)
        expect(out.columnLabels).toEqual(input.columnLabels)
        expect(out.cells.map((row) => row.length)).toEqual(input.counts.map((row) => row.length))
        expect(out.rowTotals).toHaveLength(input.rowLabels.length)
        expect(out.columnTotals).toHaveLength(input.columnLabels.length)
      }),
      RUNS
    )
  })
})

describe('protectCuts: several cuts sharing row totals', () => {
  it('protects each cut and publishes the shared row totals and grand total identically in every cut', () => {
    fc.assert(
      fc.property(cuts, (inputs) => {
        const outs = protectCuts(inputs)
        expect(outs).toHaveLength(inputs.length)
        outs.forEach((out, k) => {
          const input = inputs[k]
          if (input === undefined) throw new Error('missing cut')
          checkTable(input, out)
          expect(out.rowTotals).toEqual(outs[0]?.rowTotals)
          expect(out.grandTotal).toEqual(outs[0]?.grandTotal)
        })
      }),
      RUNS
    )
  })

  it('refuses cuts whose row totals differ', () => {
    const a = labelled([[10, 20], [30, 40]])
    const b = labelled([[30], [71]])
    expect(() => protectCuts([a, b])).toThrow(RangeError)
    expect(() => protectCuts([a, { ...a, rowLabels: ['x', 'y'] }])).toThrow(RangeError)
  })

  it('hides in every cut a row total that one cut had to hide (worked example)', () => {
    const byDomain = labelled([[3, 50], [40, 0], [60, 70]])
    const byEventClass = labelled([[20, 33], [15, 25], [65, 65]])
    // Alone, the second cut needs no suppression at all.
    expect(protectTable(byEventClass).rowTotals).toEqual([55, 40, 130])
    const [first, second] = protectCuts([byDomain, byEventClass])
    expect(first).toEqual({
      ...protectTable(byDomain),
      cells: [[S, S], [S, 0], [S, S]],
      rowTotals: [S, S, 130],
      columnTotals: [105, 120],
      grandTotal: 225
    })
    // Its totals for rows 0 and 1 would give away the first cut's hidden totals, so they go, each with a
    // complementary cell so that they cannot be rebuilt from that cut's own published cells either.
    expect(second).toMatchObject({
      cells: [[S, 35], [S, 25], [65, 65]],
      rowTotals: [S, S, 130],
      columnTotals: [100, 125],
      grandTotal: 225
    })
  })
})

describe('protectTable: worked examples', () => {
  it('one small cell forces three complementary suppressions in a 3×3 table', () => {
    // 3 is hidden; row A then has one hidden cell, so its smallest other cell (20) goes; column X now has one, so
    // 25 goes; row C has one, so 35 goes; column Y (3 + 35) and every other line are then protected.
    const input: CountTable = {
      rowLabels: ['A', 'B', 'C'],
      columnLabels: ['X', 'Y', 'Z'],
      counts: [[20, 3, 40], [30, 50, 60], [25, 35, 45]]
    }
    expect(protectTable(input)).toEqual({
      rowLabels: ['A', 'B', 'C'],
      columnLabels: ['X', 'Y', 'Z'],
      cells: [[S, S, 40], [30, 50, 60], [S, S, 45]],
      rowTotals: [65, 140, 105], // 63, 140, 105 unrounded
      columnTotals: [75, 90, 145], // 75, 88, 145
      grandTotal: 310 // 308
    })
  })

  it('a small cell whose row is otherwise zeros: its row total is hidden too, and a second row total with it', () => {
    // Row A = [4, 0, 0] has total 4, itself 1–9, so row A is protected by its hidden total. Hiding a 0 would add
    // nothing. The row-totals margin then holds one hidden entry (4) and hides the smallest other row total (150).
    const out = protectTable(labelled([[4, 0, 0], [40, 50, 60], [45, 55, 65]]))
    expect(out.cells).toEqual([[S, 0, 0], [S, S, 60], [S, S, 65]])
    expect(out.rowTotals).toEqual([S, S, 165])
    expect(out.columnTotals).toEqual([90, 105, 125]) // 89, 105, 125
    expect(out.grandTotal).toBe(320) // 319
  })

  it('two small cells that add up to less than 10 take a third with them', () => {
    // 3 + 4 = 7 hidden in row 0 would pin each to [0, 9]; 100 goes too, and each column then needs a partner.
    const out = protectTable(labelled([[3, 4, 100], [50, 60, 70]]))
    expect(out.cells).toEqual([[S, S, S], [S, S, S]])
    expect(out.rowTotals).toEqual([105, 180]) // 107, 180
    expect(out.columnTotals).toEqual([55, 65, 170])
    expect(out.grandTotal).toBe(285) // 287
  })

  it('leaves a table with nothing small alone, apart from rounding', () => {
    const out = protectTable(labelled([[10, 12, 0], [13, 22, 500]]))
    expect(out).toMatchObject({
      cells: [[10, 10, 0], [15, 20, 500]],
      rowTotals: [20, 535],
      columnTotals: [25, 35, 500],
      grandTotal: 555 // 557
    })
  })

  it('suppresses a small grand total', () => {
    const out = protectTable(labelled([[2, 3]]))
    expect(out).toMatchObject({ cells: [[S, S]], rowTotals: [S], columnTotals: [S, S], grandTotal: S })
    expect(isTablePublishable(labelled([[2, 3]]))).toBe(false)
    expect(isTablePublishable(labelled([[2, 8]]))).toBe(true)
  })

  it('rejects malformed tables and options', () => {
    expect(() => protectTable(labelled([[1, -1]]))).toThrow(RangeError)
    expect(() => protectTable(labelled([[1.5]]))).toThrow(RangeError)
    expect(() => protectTable({ rowLabels: ['a'], columnLabels: ['x', 'y'], counts: [[1]] })).toThrow(RangeError)
    expect(() => protectTable({ rowLabels: [], columnLabels: [], counts: [] })).toThrow(RangeError)
    expect(() => protectTable(labelled([[1]]), { threshold: 0 })).toThrow(RangeError)
    expect(() => protectTable(labelled([[1]]), { threshold: 12, base: 5 })).toThrow(RangeError)
  })

  it('honours a configured threshold and base', () => {
    // Threshold 8 (NHS Digital's 1–7) and base 10: 8 and 9 are published, rounded; ties round up (25 → 30).
    expect(protectTable(labelled([[8, 9, 30], [20, 40, 25]]), { threshold: 8, base: 10 })).toMatchObject({
      cells: [[10, 10, 30], [20, 40, 30]],
      rowTotals: [50, 90], // 47, 85
      columnTotals: [30, 50, 60], // 28, 49, 55
      grandTotal: 130 // 132
    })
    expect(protectTable(labelled([[7, 30, 40]]), { threshold: 8, base: 10 }).cells[0]?.[0]).toBe(S)
    expect(roundToBase(24, 10)).toBe(20)
    expect(roundToBase(12, 5)).toBe(10)
    expect(roundToBase(13, 5)).toBe(15)
  })
})

describe('shares, means and medians (R29)', () => {
  it('publishes a share only over a denominator of at least 23', () => {
    expect(publishableShare(11, 22)).toBeNull()
    expect(publishableShare(11, 23)).toBeCloseTo(11 / 23)
    expect(publishableShare(0, 23)).toBe(0)
    expect(publishableShare(23, 23)).toBe(1)
    expect(publishableShare(0, 0)).toBeNull()
  })

  it('does not give away a suppressed count through a share', () => {
    expect(publishableShare(3, 40)).toBeNull() // 3 would be hidden in the table
    expect(publishableShare(38, 40)).toBeNull() // so would the other 2
    expect(publishableShare(30, 40)).toBe(0.75)
  })

  it('share: null below 23, never a 1–9 numerator or remainder, otherwise the exact fraction', () => {
    fc.assert(
      fc.property(fc.nat({ max: 200 }), fc.nat({ max: 200 }), (a, b) => {
        const [numerator, denominator] = a <= b ? [a, b] : [b, a]
        const share = publishableShare(numerator, denominator)
        const small = (n: number) => n >= 1 && n < THRESHOLD
        if (denominator < 23 || small(numerator) || small(denominator - numerator)) expect(share).toBeNull()
        else expect(share).toBe(numerator / denominator)
      }),
      RUNS
    )
  })

  it('publishes means and medians only over at least 10 values', () => {
    const nine = [1, 2, 3, 4, 5, 6, 7, 8, 9]
    expect(publishableMean(nine)).toBeNull()
    expect(publishableMedian(nine)).toBeNull()
    expect(publishableMean([...nine, 10])).toBe(5.5)
    expect(publishableMedian([...nine, 10])).toBe(5.5)
    expect(publishableMedian([...nine, 10, 100])).toBe(6)
    expect(() => publishableShare(5, 4)).toThrow(RangeError)
  })
})
