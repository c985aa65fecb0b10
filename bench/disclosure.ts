/**
 * How long disclosure control takes on a publication-sized input: 5 cuts of 10 rows × up to 25 columns, many
 * small counts (so primary and complementary suppression and the audit all have work). Prints the median of 21
 * runs after a warm-up (the first solves compile the LP solver's WebAssembly).
 *
 *   npm run bench:disclosure
 */
import fc from 'fast-check'
import { type CountTable, protectCuts } from '../src/lib/disclosure/index.js'

const labelled = (counts: number[][]): CountTable => ({
  rowLabels: counts.map((_, i) => `row ${i}`),
  columnLabels: (counts[0] ?? []).map((_, j) => `column ${j}`),
  counts
})

const fold = (source: CountTable, width: number, step: number): CountTable =>
  labelled(
    source.counts.map((row) => {
      const folded = Array.from({ length: width }, () => 0)
      row.forEach((n, j) => {
        folded[(j * step) % width] = (folded[(j * step) % width] ?? 0) + n
      })
      return folded
    })
  )

const count = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 200 }))
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0

for (const seed of [1, 2, 3, 4, 5]) {
  const [counts] = fc.sample(
    fc.array(fc.array(count, { minLength: 25, maxLength: 25 }), { minLength: 10, maxLength: 10 }),
    { numRuns: 1, seed }
  )
  const source = labelled(counts ?? [])
  const cuts = [source, ...[3, 6, 9, 12].map((width, k) => fold(source, width, k + 7))]
  const first = performance.now()
  const published = protectCuts(cuts)
  const warm = performance.now() - first
  const times = Array.from({ length: 21 }, () => {
    const start = performance.now()
    protectCuts(cuts)
    return performance.now() - start
  })
  const hidden = published.flatMap((table) => table.cells.flat()).filter((value) => value === 'suppressed').length
  process.stdout.write(`seed ${seed}: first ${warm.toFixed(1)} ms, median ${median(times).toFixed(1)} ms, ${hidden} cells hidden\n`)
}
