import fc from 'fast-check'
import { type CountTable, type PublishedCount, SUPPRESSED } from '../../src/lib/disclosure/index.js'

/** Random count tables and publications for the disclosure property tests. */

export const labelled = (counts: number[][]): CountTable => ({
  rowLabels: counts.map((_, i) => `row ${i}`),
  columnLabels: (counts[0] ?? []).map((_, j) => `column ${j}`),
  counts
})

// Small counts must be common, or primary suppression (and everything after it) would rarely be exercised.
const count = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 500 }))

export const table = fc
  .tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 }))
  .chain(([rows, columns]) =>
    fc.array(fc.array(count, { minLength: columns, maxLength: columns }), { minLength: rows, maxLength: rows })
  )
  .map(labelled)

/** Same reports, recoded: each of a table's columns is folded into one of `width` new columns, so row totals match. */
export const recoding = (source: CountTable, assignment: readonly number[], width: number): CountTable =>
  labelled(
    source.counts.map((row) => {
      const folded = Array.from({ length: width }, () => 0)
      row.forEach((n, j) => {
        const target = (assignment[j] ?? 0) % width
        folded[target] = (folded[target] ?? 0) + n
      })
      return folded
    })
  )

/** A table and 0..`maxRecodings` recodings of the same reports: cuts of one publication, sharing row totals. */
export const cutsOf = (minRecodings: number, maxRecodings: number) =>
  table.chain((source) =>
    fc
      .array(
        fc.tuple(
          fc.integer({ min: 1, max: 8 }),
          fc.array(fc.nat(), { minLength: source.columnLabels.length, maxLength: source.columnLabels.length })
        ),
        { minLength: minRecodings, maxLength: maxRecodings }
      )
      .map((recodings) => [source, ...recodings.map(([width, assignment]) => recoding(source, assignment, width))])
  )

/**
 * Two levels of a hierarchy counted per report "with at least one code in the category" (taxonomy domains and
 * groups), as the summaries publish them. Consistent by construction: reports are simulated, each with a non-empty
 * set of groups (`kinds`: so many reports with this set, many of them small so that suppression has work), and both
 * tables are derived from them. `childToParent[g]` is group g's domain; every domain has at least one group.
 */
export type LinkedTables = {
  parent: CountTable
  child: CountTable
  childToParent: number[]
  /** Per row, the simulated reports: [their groups, how many such reports]. */
  kinds: [groups: number[], reports: number][][]
}

/** Counts of one row of linked tables from its reports. */
export const deriveLinked = (
  childToParent: readonly number[],
  kinds: readonly (readonly [readonly number[], number])[]
) => {
  const domains = Math.max(...childToParent) + 1
  const parent = Array.from({ length: domains }, () => 0)
  const child = childToParent.map(() => 0)
  for (const [groups, reports] of kinds) {
    for (const g of groups) child[g] = (child[g] ?? 0) + reports
    for (const d of new Set(groups.map((g) => childToParent[g] ?? 0))) parent[d] = (parent[d] ?? 0) + reports
  }
  return { parent, child }
}

const reportsOfAKind = fc.oneof(
  fc.integer({ min: 1, max: 9 }),
  fc.integer({ min: 1, max: 15 }),
  fc.integer({ min: 10, max: 120 })
)

export const linkedTables = (maxRows: number): fc.Arbitrary<LinkedTables> =>
  fc
    .tuple(
      fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 }),
      fc.integer({ min: 1, max: maxRows })
    )
    .chain(([groupsPerDomain, rows]) => {
      const childToParent = groupsPerDomain.flatMap((n, d) => Array.from({ length: n }, () => d))
      const groups = childToParent.length
      const kind = fc.tuple(
        fc.uniqueArray(fc.nat({ max: groups - 1 }), { minLength: 1, maxLength: Math.min(3, groups) }),
        reportsOfAKind
      )
      return fc
        .array(fc.array(kind, { maxLength: 6 }), { minLength: rows, maxLength: rows })
        .map((kinds): LinkedTables => {
          const derived = kinds.map((row) => deriveLinked(childToParent, row))
          const tableOf = (counts: number[][], prefix: string): CountTable => ({
            rowLabels: counts.map((_, i) => `row ${i}`),
            columnLabels: (counts[0] ?? []).map((_, j) => `${prefix} ${j}`),
            counts
          })
          return {
            parent: tableOf(derived.map((row) => row.parent), 'domain'),
            child: tableOf(derived.map((row) => row.child), 'group'),
            childToParent,
            kinds
          }
        })
    })

// ---- Brute force over tiny publications (tests/lib/disclosure-audit.test.ts, disclosure-links.test.ts) ----

/** A small threshold and base keep the enumeration small: counts 1–2 are suppressed, others rounded to evens. */
export const TINY = { threshold: 3, base: 2 }
export const roundEven = (n: number): number => n + (n % 2)
/** Above any finite bound of the tiny tables enumerated, so reaching it means unbounded. */
export const CAP = 17

/** The integers a published value allows under TINY (the rule written out again, apart from the audit's). */
export const candidates = (value: PublishedCount): number[] => {
  if (value === SUPPRESSED) return Array.from({ length: CAP }, (_, k) => k + 1)
  if (value === 0) return [0]
  return value - 1 >= TINY.threshold ? [value - 1, value] : [value]
}

export const allows = (value: PublishedCount, n: number): boolean =>
  value === SUPPRESSED ? n >= 1 : candidates(value).includes(n)
