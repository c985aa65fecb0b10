/**
 * One-sided Fisher's exact test and the Benjamini–Hochberg adjustment, for "rising themes": is a theme's share of
 * the latest period's reports higher than its share of the baseline periods'? Fisher's test is exact for any counts
 * (a theme new this period, with a baseline of 0, is tested like any other) and needs no normal approximation, but
 * it treats period-to-period variation as sampling noise; rising themes now use it (its mid-p) only where the
 * overdispersed baseline model cannot be fitted (rising.ts).
 */

// Lanczos approximation of ln Γ (g = 7, n = 9; relative error below 1e-13 for positive arguments).
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7
]

export const logGamma = (x: number): number => {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x)
  const z = x - 1
  let sum = LANCZOS[0] as number
  for (let i = 1; i < LANCZOS.length; i++) sum += (LANCZOS[i] as number) / (z + i)
  const t = z + 7.5
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum)
}

const logChoose = (n: number, k: number): number => logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1)

/**
 * P(X ≥ a) for the 2×2 table [[a, b], [c, d]] with margins fixed (X hypergeometric): the one-sided p-value for
 * "the first row's share of the first column is greater than the second row's".
 */
export const fisherGreater = (a: number, b: number, c: number, d: number): number => {
  const n = a + b // first row total (draws)
  const k = a + c // first column total (successes)
  const total = a + b + c + d
  const low = Math.max(0, n + k - total)
  const high = Math.min(n, k)
  const logPmf = (x: number) => logChoose(k, x) + logChoose(total - k, n - x) - logChoose(total, n)
  const mode = Math.floor(((n + 1) * (k + 1)) / (total + 2))
  // Sum the tail that lies away from the mode, starting from its largest term: the terms then only shrink, so
  // nothing underflows before it matters and the sum can stop once the rest is negligible.
  const sumFrom = (start: number, end: number, step: 1 | -1): number => {
    let term = Math.exp(logPmf(start))
    let sum = 0
    for (let x = start; step === 1 ? x <= end : x >= end; x += step) {
      if (x !== start) {
        term *= step === 1
          ? ((k - x + 1) * (n - x + 1)) / (x * (total - k - n + x))
          : ((x + 1) * (total - k - n + x + 1)) / ((k - x) * (n - x))
      }
      sum += term
      if (term <= sum * 1e-17) break
    }
    return sum
  }
  if (a > mode) return Math.min(1, sumFrom(a, high, 1))
  return a <= low ? 1 : Math.max(0, 1 - sumFrom(a - 1, low, -1))
}

/**
 * The mid-p of the same one-sided test: P(X > a) + ½ P(X = a). Fisher's test conditions on discrete margins and so
 * rejects less often than its nominal level; the mid-p (Lancaster 1961; Agresti 2013 §1.4.5) is closer to nominal on
 * average. Used where rising themes keep the exact test (a theme with no baseline count, or a baseline too short to
 * estimate a dispersion from).
 */
export const fisherGreaterMidP = (a: number, b: number, c: number, d: number): number => {
  const n = a + b
  const k = a + c
  const total = a + b + c + d
  if (total === 0) return 1
  const pmf = Math.exp(logChoose(k, a) + logChoose(total - k, n - a) - logChoose(total, n))
  return Math.min(1, Math.max(0, fisherGreater(a, b, c, d) - pmf / 2))
}

/** Benjamini–Hochberg adjusted p-values (q-values), in the input order. */
export const benjaminiHochberg = (pValues: readonly number[]): number[] => {
  const m = pValues.length
  const order = pValues.map((p, i) => [p, i] as const).sort((x, y) => x[0] - y[0])
  const adjusted = new Array<number>(m)
  let running = 1
  for (let rank = m; rank >= 1; rank--) {
    const entry = order[rank - 1]
    if (entry === undefined) continue
    running = Math.min(running, (entry[0] * m) / rank)
    adjusted[entry[1]] = running
  }
  return adjusted
}
