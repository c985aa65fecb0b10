import { describe, expect, it } from 'vitest'
import { kappaFromPairs, kappaFromTable, pooledKappa } from '../../src/lib/stats/kappa.js'

describe("Cohen's kappa", () => {
  it('gives 0.4 on the textbook 2×2 example (20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no)', () => {
    // pₒ = 35/50 = 0.7; first says yes 25/50, second 30/50: pₑ = 0.5·0.6 + 0.5·0.4 = 0.5; κ = 0.2/0.5 = 0.4.
    const result = kappaFromTable({ both: 20, firstOnly: 5, secondOnly: 10, neither: 15 })
    expect(result.observedAgreement).toBeCloseTo(0.7, 12)
    expect(result.expectedAgreement).toBeCloseTo(0.5, 12)
    expect(result.kappa).toBeCloseTo(0.4, 12)
    expect(result.n).toBe(50)
  })

  it('gives about 0.1304 on the second textbook example (45, 15, 25, 15)', () => {
    // pₒ = 0.6; pₑ = 0.6·0.7 + 0.4·0.3 = 0.54; κ = 0.06/0.46.
    expect(kappaFromTable({ both: 45, firstOnly: 15, secondOnly: 25, neither: 15 }).kappa).toBeCloseTo(0.06 / 0.46, 12)
  })

  it('is 1 for perfect agreement, 0 at chance, negative below it, and null when undefined', () => {
    expect(kappaFromTable({ both: 3, firstOnly: 0, secondOnly: 0, neither: 7 }).kappa).toBe(1)
    expect(kappaFromTable({ both: 25, firstOnly: 25, secondOnly: 25, neither: 25 }).kappa).toBeCloseTo(0, 12)
    expect(kappaFromTable({ both: 0, firstOnly: 5, secondOnly: 5, neither: 0 }).kappa).toBe(-1)
    expect(kappaFromTable({ both: 0, firstOnly: 0, secondOnly: 0, neither: 9 }).kappa).toBeNull()
    expect(kappaFromTable({ both: 0, firstOnly: 0, secondOnly: 0, neither: 0 })).toMatchObject({ kappa: null, n: 0 })
  })

  it('for nominal categories matches the 2×2 formula on two categories, and a hand-worked 3-category case', () => {
    const pairs: [string, string][] = [
      ...Array.from({ length: 20 }, () => ['y', 'y'] as [string, string]),
      ...Array.from({ length: 5 }, () => ['y', 'n'] as [string, string]),
      ...Array.from({ length: 10 }, () => ['n', 'y'] as [string, string]),
      ...Array.from({ length: 15 }, () => ['n', 'n'] as [string, string])
    ]
    expect(kappaFromPairs(pairs).kappa).toBeCloseTo(0.4, 12)

    // a: a,a,a,b  b: b,b,c  c: c,c,c — 8 of 10 agree; first: a 4, b 3, c 3; second: a 3, b 3, c 4.
    // pₑ = (4·3 + 3·3 + 3·4)/100 = 0.33; κ = (0.8 − 0.33)/0.67.
    const three: [string, string][] = [
      ['a', 'a'], ['a', 'a'], ['a', 'a'], ['a', 'b'],
      ['b', 'b'], ['b', 'b'], ['b', 'c'],
      ['c', 'c'], ['c', 'c'], ['c', 'c']
    ]
    expect(kappaFromPairs(three).kappa).toBeCloseTo(0.47 / 0.67, 12)
  })

  it('pools codes by their mean agreements, so opposite-prevalence codes do not pass for agreement', () => {
    // Two codes each with κ = −1/9 (8/1/1/0 and 0/1/1/8): adding the tables would give 0.6; pooling gives −1/9.
    const common = kappaFromTable({ both: 8, firstOnly: 1, secondOnly: 1, neither: 0 })
    const rare = kappaFromTable({ both: 0, firstOnly: 1, secondOnly: 1, neither: 8 })
    expect(common.kappa).toBeCloseTo(-1 / 9, 12)
    expect(rare.kappa).toBeCloseTo(-1 / 9, 12)
    expect(pooledKappa([common, rare]).kappa).toBeCloseTo(-1 / 9, 12)
    expect(pooledKappa([]).kappa).toBeNull()
  })
})
