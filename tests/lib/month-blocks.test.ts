import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { blocksOf, monthIndex } from '../../src/lib/periods.js'

/** The fewest aligned months, quarters and years that tile first..last, by dynamic programming over every choice. */
const fewest = (first: number, last: number): number => {
  const best = new Map<number, number>([[last + 1, 0]])
  for (let start = last; start >= first; start--) {
    const options = ([1, 3, 12] as const)
      .filter((span) => start % span === 0 && start + span - 1 <= last)
      .map((span) => 1 + (best.get(start + span) as number))
    best.set(start, Math.min(...options))
  }
  return best.get(first) as number
}

describe('blocksOf: months, quarters and years tiling a range of months', () => {
  it('tiles the range exactly, with calendar-aligned blocks, as few as any tiling can', () => {
    const range = fc
      .tuple(fc.integer({ min: monthIndex(1990, 1), max: monthIndex(2099, 12) }), fc.integer({ min: 0, max: 130 }))
      .map(([first, length]) => [first, first + length] as const)
    fc.assert(
      fc.property(range, ([first, last]) => {
        const blocks = blocksOf(first, last)
        let next = first
        for (const { span, start } of blocks) {
          expect(start).toBe(next)
          expect(start % span).toBe(0)
          next = start + span
        }
        expect(next).toBe(last + 1)
        expect(blocks).toHaveLength(fewest(first, last))
      }),
      { numRuns: 2000 }
    )
  })

  it('reads a calendar year as one block, and twelve months from February as six', () => {
    expect(blocksOf(monthIndex(2026, 1), monthIndex(2026, 12))).toEqual([{ span: 12, start: monthIndex(2026, 1) }])
    expect(blocksOf(monthIndex(2026, 2), monthIndex(2027, 1)).map((block) => block.span)).toEqual([1, 1, 3, 3, 3, 1])
    expect(blocksOf(monthIndex(2026, 5), monthIndex(2026, 5))).toEqual([{ span: 1, start: monthIndex(2026, 5) }])
    expect(blocksOf(monthIndex(2026, 5), monthIndex(2026, 4))).toEqual([])
  })
})
