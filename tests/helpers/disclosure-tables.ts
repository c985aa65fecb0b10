import fc from 'fast-check'
import type { CountTable } from '../../src/lib/disclosure/index.js'

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
