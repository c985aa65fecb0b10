import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type CountTable,
  type Place,
  type PublishedCount,
  type PublishedTable,
  SUPPRESSED,
  TOTAL,
  hierarchyLinks,
  protectLinkedTables,
  protectTable,
  suppressedIntervals
} from '../../src/lib/disclosure/index.js'
import { allows, candidates, CAP, deriveLinked, labelled, linkedTables, roundEven, TINY } from '../helpers/disclosure-tables.js'

// Linked tables (R28 across tables that share no totals): the summaries publish a domain table (taxonomy level 1,
// reports with a code in the domain) and a group table (level 2) of the same reports. An attacker knows that, row
// by row, group ≤ its domain ≤ Σ the domain's groups, and solves with that and every published value at once. These
// tests show that protecting the two tables apart leaks through those links, check the audit's inequality rows
// against brute force, and hold protectLinkedTables to the joint audit on random hierarchies of simulated reports.

const THRESHOLD = 10
const BASE = 5
const S = SUPPRESSED
/** Fixed, so that a run is reproducible; fast-check also prints the seed and path of any failure. */
const SEED = 20261204

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0)

/** A one-row published table from its cells and total (in one row, column totals are the cells). */
const oneRow = (cells: PublishedCount[], total: PublishedCount): PublishedTable => ({
  rowLabels: ['row 0'],
  columnLabels: cells.map((_, j) => `column ${j}`),
  cells: [cells],
  rowTotals: [total],
  columnTotals: cells,
  grandTotal: total
})

/** Parent (cut 0) and child (cut 1) audited together with their hierarchy links. */
const jointly = (tables: readonly [PublishedTable, PublishedTable], childToParent: readonly number[]) =>
  suppressedIntervals({
    blocks: [[tables[0]], [tables[1]]],
    links: hierarchyLinks(0, 1, childToParent, tables[0].rowLabels.length)
  })

const narrowIn = (intervals: ReturnType<typeof suppressedIntervals>) =>
  intervals.filter(({ min, max }) => max - min < THRESHOLD)

describe('hierarchyLinks', () => {
  it('bounds each child by its parent and each parent by the sum of its children, row by row', () => {
    const child = (row: number, column: number): Place => ({ cut: 1, row, column })
    const parent = (row: number, column: number): Place => ({ cut: 0, row, column })
    expect(hierarchyLinks(0, 1, [0, 1, 1], 1)).toEqual([
      { whole: child(0, 0), parts: [parent(0, 0)] },
      { whole: child(0, 1), parts: [parent(0, 1)] },
      { whole: child(0, 2), parts: [parent(0, 1)] },
      { whole: parent(0, 0), parts: [child(0, 0)] },
      { whole: parent(0, 1), parts: [child(0, 1), child(0, 2)] }
    ])
    expect(hierarchyLinks(0, 1, [0], 2)).toHaveLength(4)
  })
})

describe('domain and group tables: protected apart they leak, protected together they do not', () => {
  // Domain A has one group (A1), domain B two (B1, B2). 37 reports are coded in A1 and B2, 4 in B1 only.
  const domains = labelled([[37, 41]])
  const groups = labelled([[37, 4, 37]])
  const childToParent = [0, 1, 1]

  it('separate protection: each table passes its own audit, but the links give the hidden 4 away', () => {
    const apart = [protectTable(domains), protectTable(groups)] as const
    // The 4 is hidden, and with it the smallest other group, A1; the domain table has nothing small and shows all.
    expect(apart[0]).toMatchObject({ cells: [[35, 40]], grandTotal: 80 })
    expect(apart[1]).toMatchObject({ cells: [[S, S, 35]], grandTotal: 80 })
    expect(narrowIn(suppressedIntervals([apart[1]]))).toEqual([])
    // But A1 ≤ A ≤ A1 (A's only group), so A1 is A: 36..37 (shown 35, and at least the domain total, 78..82, less
    // B, at most 42). And B1 is the group total (78..82) less A1 and B2 (33..37): a count 1–9 pinned to 4..13.
    expect(narrowIn(jointly(apart, childToParent))).toEqual([
      { cut: 1, row: 0, column: 0, min: 36, max: 37 },
      { cut: 1, row: 0, column: 1, min: 4, max: 13 },
      { cut: 1, row: TOTAL, column: 0, min: 36, max: 37 },
      { cut: 1, row: TOTAL, column: 1, min: 4, max: 13 }
    ])
  })

  it('joint protection hides the domain cells as well, and every hidden value stays at least 10 wide', () => {
    const together = protectLinkedTables(domains, groups, childToParent)
    expect(together[0]).toMatchObject({ cells: [[S, S]], grandTotal: 80 })
    expect(together[1]).toMatchObject({ cells: [[S, S, 35]], grandTotal: 80 })
    const intervals = jointly(together, childToParent)
    expect(intervals.length).toBeGreaterThan(0)
    expect(narrowIn(intervals)).toEqual([])
  })

  it('hides nothing more where the links narrow hidden values but leave them at least 10 wide', () => {
    // Groups [25, 20 | 4, 28] under domains A = 40, B = 30: apart, the 20 and the 4 are hidden, each 1..25. With
    // the links, A ≤ 25 + 20 makes the 20 at least 38 − 27 = 11 (A shown 40, the 25 shown 25); and the 4 is the
    // group total less the 25, the 20 and the 28, so at most 77 − 28 − 38 = 11 (the 25 and the 20 make at least A).
    // Narrower, but still 10 wide: the joint protection publishes what separate protection did.
    const [domainsOut, groupsOut] = protectLinkedTables(labelled([[40, 30]]), labelled([[25, 20, 4, 28]]), [0, 0, 1, 1])
    expect(domainsOut).toEqual(protectTable(labelled([[40, 30]])))
    expect(groupsOut).toEqual(protectTable(labelled([[25, 20, 4, 28]])))
    expect(groupsOut.cells).toEqual([[25, S, S, 30]])
    expect(jointly([domainsOut, groupsOut], [0, 0, 1, 1])).toEqual([
      { cut: 1, row: 0, column: 1, min: 11, max: 25 },
      { cut: 1, row: 0, column: 2, min: 1, max: 11 },
      { cut: 1, row: TOTAL, column: 1, min: 11, max: 25 },
      { cut: 1, row: TOTAL, column: 2, min: 1, max: 11 }
    ])
  })

  it('refuses counts that break a link, rows that differ and a mapping that does not fit', () => {
    // A group above its domain; a domain above the sum of its groups.
    expect(() => protectLinkedTables(labelled([[5, 40]]), labelled([[6, 20, 20]]), [0, 1, 1])).toThrow(RangeError)
    expect(() => protectLinkedTables(labelled([[50, 40]]), labelled([[6, 20, 20]]), [0, 1, 1])).toThrow(RangeError)
    const twoRows = labelled([[6, 20, 20], [0, 0, 0]])
    expect(() => protectLinkedTables(labelled([[6, 40]]), twoRows, [0, 1, 1])).toThrow(RangeError)
    expect(() => protectLinkedTables(labelled([[6, 40]]), labelled([[6, 20, 20]]), [0, 1])).toThrow(RangeError)
    expect(() => protectLinkedTables(labelled([[6, 40]]), labelled([[6, 20, 20]]), [0, 1, 2])).toThrow(RangeError)
  })

  it('refuses to audit a link naming an entry the publication does not have', () => {
    const table = oneRow([S, S, 30], 40)
    const links = [{ whole: { cut: 0, row: 0, column: 3 }, parts: [{ cut: 0, row: 0, column: 2 }] }]
    expect(() => suppressedIntervals({ blocks: [[table]], links })).toThrow(RangeError)
    expect(() => suppressedIntervals({ blocks: [[table]], links: hierarchyLinks(0, 1, [0], 1) })).toThrow(RangeError)
  })
})

// ---- The audit's link rows against brute force: every consistent pair of tiny one-row tables, enumerated. ----

/** Every choice of one value from each list. */
const product = (lists: readonly number[][]): number[][] =>
  lists.reduce<number[][]>((partial, list) => partial.flatMap((prefix) => list.map((n) => [...prefix, n])), [[]])

/** For each hidden place (`cut:row:column`), its least and greatest value over all consistent tables, capped. */
const bruteForce = (tables: readonly [PublishedTable, PublishedTable], childToParent: readonly number[]) => {
  const ranges = new Map<string, [number, number]>()
  const note = (key: string, value: PublishedCount, n: number): void => {
    if (value !== S) return
    const [low, high] = ranges.get(key) ?? [Infinity, -Infinity]
    ranges.set(key, [Math.min(low, n), Math.max(high, Math.min(n, CAP))])
  }
  const consistent = (table: PublishedTable, cells: readonly number[]): boolean =>
    cells.every((n, j) => allows(table.columnTotals[j] ?? 0, n)) &&
    allows(table.rowTotals[0] ?? 0, sum(cells)) && allows(table.grandTotal, sum(cells))
  const [parents = [], children = []] = tables.map((table) =>
    product((table.cells[0] ?? []).map(candidates)).filter((cells) => consistent(table, cells)))
  // Each child option's sum over each parent's children, for the parent ≤ Σ children links.
  const parentCount = Math.max(...childToParent) + 1
  const sums = children.map((child) => Array.from({ length: parentCount }, (_, p) =>
    sum(child.filter((_, c) => childToParent[c] === p))))
  for (const parent of parents) {
    children.forEach((child, k) => {
      const linked = childToParent.every((p, c) => (child[c] ?? 0) <= (parent[p] ?? 0)) &&
        parent.every((n, p) => n <= (sums[k]?.[p] ?? 0))
      if (!linked) return
      tables.forEach((table, cut) => {
        const cells = cut === 0 ? parent : child
        cells.forEach((n, j) => {
          note(`${cut}:0:${j}`, table.cells[0]?.[j] ?? 0, n)
          note(`${cut}:${TOTAL}:${j}`, table.columnTotals[j] ?? 0, n)
        })
        note(`${cut}:0:${TOTAL}`, table.rowTotals[0] ?? 0, sum(cells))
        note(`${cut}:${TOTAL}:${TOTAL}`, table.grandTotal, sum(cells))
      })
    })
  }
  return ranges
}

/** Tiny consistent domain and group rows (at most 4 cells in all), each count 1–2 hidden and others at random. */
const tinyLinked = fc.constantFrom([0], [0, 0], [0, 0, 0], [0, 1]).chain((childToParent) =>
  fc.tuple(
    fc.constant(childToParent),
    fc.array(
      fc.tuple(
        fc.uniqueArray(fc.nat({ max: childToParent.length - 1 }), { minLength: 1, maxLength: childToParent.length }),
        fc.integer({ min: 1, max: 2 })
      ),
      { maxLength: 3 }
    ),
    fc.array(fc.boolean(), { minLength: 14, maxLength: 14 })
  ).map(([map, kinds, hide]) => {
    const { parent, child } = deriveLinked(map, kinds)
    let k = 0
    const publish = (n: number): PublishedCount => {
      const hidden = hide[k++] === true
      return n > 0 && (n < TINY.threshold || hidden) ? S : roundEven(n)
    }
    const table = (cells: number[]): PublishedTable => {
      const shown = cells.map(publish)
      return { ...oneRow(shown, publish(sum(cells))), columnTotals: cells.map(publish) }
    }
    return { tables: [table(parent), table(child)] as const, childToParent: map }
  }))

describe('suppressedIntervals with links: agrees with brute force on tiny tables', () => {
  it('gives exactly the least and greatest value of every hidden entry over all consistent pairs of tables', () => {
    fc.assert(
      fc.property(tinyLinked, ({ tables, childToParent }) => {
        const brute = bruteForce(tables, childToParent)
        const intervals = suppressedIntervals(
          { blocks: [[tables[0]], [tables[1]]], links: hierarchyLinks(0, 1, childToParent, 1) },
          TINY
        )
        expect(intervals).toHaveLength(brute.size)
        for (const { cut, row, column, min, max } of intervals) {
          expect([min, Math.min(max, CAP)]).toEqual(brute.get(`${cut}:${row}:${column}`))
        }
      }),
      { numRuns: 200, seed: SEED }
    )
  })
})

// ---- protectLinkedTables, held to the joint audit on random hierarchies. ----

/** A plain assertion: `expect` is much slower in a loop over every entry of 1,000 publications. */
const check = (ok: boolean, what: string, detail: unknown): void => {
  if (!ok) throw new Error(`${what}: ${JSON.stringify(detail)}`)
}

/** The true count at a place of a table (totals computed here, independently of the implementation). */
const truthAt = (table: CountTable, { row, column }: Place): number => {
  const rows = row === TOTAL ? table.counts : [table.counts[row] ?? []]
  return sum(rows.map((counts) => (column === TOTAL ? sum(counts) : counts[column] ?? 0)))
}

/** Every published entry of a table with its true count. */
const entries = (table: CountTable, out: PublishedTable): [truth: number, shown: PublishedCount][] => [
  ...table.counts.flatMap((row, i) => row.map((n, j): [number, PublishedCount] => [n, out.cells[i]?.[j] ?? -1])),
  ...table.counts.map((row, i): [number, PublishedCount] => [sum(row), out.rowTotals[i] ?? -1]),
  ...table.columnLabels.map((_, j): [number, PublishedCount] =>
    [sum(table.counts.map((row) => row[j] ?? 0)), out.columnTotals[j] ?? -1]),
  [sum(table.counts.map(sum)), out.grandTotal]
]

describe('protectLinkedTables: nothing hidden can be derived from both tables and their links (R27, R28)', () => {
  it('every suppressed entry lies in an interval at least 10 wide holding its true value; no 1–9 shown', () => {
    fc.assert(
      fc.property(linkedTables(2), ({ parent, child, childToParent }) => {
        const out = protectLinkedTables(parent, child, childToParent)
        const inputs = [parent, child] as const
        inputs.forEach((table, k) => {
          for (const [truth, shown] of entries(table, out[k] as PublishedTable)) {
            if (shown === S) {
              check(truth > 0, 'a true 0 is never hidden', { inputs, k, truth })
              continue
            }
            check(shown % BASE === 0, 'published values are multiples of 5', { inputs, k, shown })
            check(shown === 0 || shown >= THRESHOLD, 'no count 1–9 is shown', { inputs, k, shown })
            check(Math.abs(shown - truth) <= BASE / 2, 'the true count rounded', { inputs, k, shown, truth })
            check((shown === 0) === (truth === 0), 'a 0 is shown exactly for a true 0', { inputs, k, shown, truth })
          }
        })
        for (const entry of jointly(out, childToParent)) {
          const truth = truthAt(inputs[entry.cut] as CountTable, entry)
          check(entry.max - entry.min >= THRESHOLD, 'interval at least 10 wide', { inputs, childToParent, entry })
          check(entry.min <= truth && truth <= entry.max, 'true value inside its interval', { inputs, entry, truth })
        }
      }),
      { numRuns: 1000, seed: SEED }
    )
  })

  it('is deterministic and does not modify its input', () => {
    fc.assert(
      fc.property(linkedTables(2), ({ parent, child, childToParent }) => {
        const before = JSON.stringify([parent, child, childToParent])
        const first = JSON.stringify(protectLinkedTables(parent, child, childToParent))
        expect(JSON.stringify(protectLinkedTables(structuredClone(parent), structuredClone(child), [...childToParent])))
          .toBe(first)
        expect(JSON.stringify([parent, child, childToParent])).toBe(before)
      }),
      { numRuns: 100, seed: SEED }
    )
  })
})
