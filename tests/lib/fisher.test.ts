import { describe, expect, it } from 'vitest'
import { benjaminiHochberg, fisherGreater, logGamma } from '../../src/lib/stats/fisher.js'

// Reference values from scipy.stats.fisher_exact(table, alternative='greater') (SciPy 1.x).
describe("one-sided Fisher's exact test", () => {
  it.each([
    [[3, 1, 1, 3], 0.24285714285714],
    [[1, 3, 3, 1], 0.98571428571429],
    [[10, 0, 0, 10], 5.4125441122345e-6],
    [[8, 2, 4, 36], 3.4696392961874e-5],
    [[5, 5, 20, 20], 0.63739877626386],
    [[500, 9500, 40000, 960000], 5.427885616207421e-7],
    [[10, 990, 40000, 960000], 0.9999999975890881]
  ])('%j → %d', (table, p) => {
    const [a, b, c, d] = table as [number, number, number, number]
    expect(fisherGreater(a, b, c, d) / p).toBeCloseTo(1, 7)
  })

  it('is 1 when the period has nothing or the baseline is empty', () => {
    expect(fisherGreater(0, 10, 5, 5)).toBe(1)
    expect(fisherGreater(7, 3, 0, 0)).toBe(1)
  })

  it('has ln Γ right where factorials are known', () => {
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 10)
    expect(logGamma(1)).toBeCloseTo(0, 12)
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12)
  })
})

describe('Benjamini–Hochberg', () => {
  it('adjusts in input order and keeps q-values monotone in p', () => {
    expect(benjaminiHochberg([0.01, 0.04, 0.03, 0.005])).toEqual([0.02, 0.04, 0.04, 0.02])
    expect(benjaminiHochberg([])).toEqual([])
  })
})
