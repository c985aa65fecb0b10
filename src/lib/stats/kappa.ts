/**
 * Cohen's kappa (Cohen 1960): agreement between two coders beyond what chance would give,
 * κ = (pₒ − pₑ) / (1 − pₑ), where pₒ is the observed share of agreements and pₑ the agreement expected if each
 * coder chose independently at their own rates. κ is undefined (null here) when pₑ = 1 — both coders always gave
 * the same single answer — since there is then no disagreement chance could explain.
 */

export type Agreement = {
  kappa: number | null
  observedAgreement: number
  expectedAgreement: number
  /** How many paired decisions the figures rest on. */
  n: number
}

/** Counts of a yes/no decision by two coders over the same items. */
export type TwoByTwo = { both: number; firstOnly: number; secondOnly: number; neither: number }

const agreement = (n: number, observed: number, expected: number): Agreement => ({
  kappa: n === 0 || expected >= 1 ? null : (observed - expected) / (1 - expected),
  observedAgreement: n === 0 ? 0 : observed,
  expectedAgreement: n === 0 ? 0 : expected,
  n
})

export const kappaFromTable = ({ both, firstOnly, secondOnly, neither }: TwoByTwo): Agreement => {
  const n = both + firstOnly + secondOnly + neither
  if (n === 0) {
    return agreement(0, 0, 0)
  }
  const firstYes = (both + firstOnly) / n
  const secondYes = (both + secondOnly) / n
  const expected = firstYes * secondYes + (1 - firstYes) * (1 - secondYes)
  return agreement(n, (both + neither) / n, expected)
}

/** Kappa for a nominal choice (any number of categories): one [first coder, second coder] pair per item. */
export const kappaFromPairs = <T>(pairs: readonly (readonly [T, T])[]): Agreement => {
  const n = pairs.length
  if (n === 0) {
    return agreement(0, 0, 0)
  }
  const first = new Map<T, number>()
  const second = new Map<T, number>()
  let agreed = 0
  for (const [a, b] of pairs) {
    first.set(a, (first.get(a) ?? 0) + 1)
    second.set(b, (second.get(b) ?? 0) + 1)
    if (a === b) {
      agreed++
    }
  }
  let expected = 0
  for (const [category, count] of first) {
    expected += (count / n) * ((second.get(category) ?? 0) / n)
  }
  return agreement(n, agreed / n, expected)
}

/**
 * Pooled kappa over several codes (de Vries, Elliott, Kanouse and Teleki 2008): κ = (p̄ₒ − p̄ₑ)/(1 − p̄ₑ) with the
 * means of each code's observed and chance agreement. Unlike adding the 2×2 tables together, it does not count the
 * difference between a rare and a common code as agreement. `n` is the number of codes pooled.
 */
export const pooledKappa = (codes: readonly Agreement[]): Agreement => {
  const counted = codes.filter((code) => code.n > 0)
  if (counted.length === 0) {
    return agreement(0, 0, 0)
  }
  const mean = (pick: (code: Agreement) => number) =>
    counted.reduce((sum, code) => sum + pick(code), 0) / counted.length
  return agreement(counted.length, mean((code) => code.observedAgreement), mean((code) => code.expectedAgreement))
}
