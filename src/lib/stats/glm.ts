/**
 * A Poisson log-linear GLM fitted by iteratively reweighted least squares, with an offset: enough for the
 * quasi-Poisson baselines of rising themes (a handful of periods, at most four parameters). Quasi-Poisson has the
 * Poisson point estimates; its dispersion is estimated afterwards from the Pearson residuals (dispersion.ts).
 */

export type PoissonFit = {
  beta: number[]
  /** Fitted means, one per row. */
  mu: number[]
  /** (XᵀWX)⁻¹ at the fit, W = diag(mu): the covariance of beta when the dispersion is 1. */
  unscaledCovariance: number[][]
  iterations: number
  converged: boolean
}

/** Inverse of a small symmetric positive-definite matrix by Gauss–Jordan with partial pivoting; null if singular. */
export const invert = (matrix: readonly (readonly number[])[]): number[][] | null => {
  const n = matrix.length
  const a = matrix.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))])
  for (let col = 0; col < n; col++) {
    let pivot = col
    for (let row = col + 1; row < n; row++) {
      if (Math.abs(a[row]![col]!) > Math.abs(a[pivot]![col]!)) pivot = row
    }
    const scale = Math.max(...a.map((row) => Math.abs(row[col]!)), 1e-300)
    if (Math.abs(a[pivot]![col]!) <= 1e-12 * scale) return null
    ;[a[col], a[pivot]] = [a[pivot]!, a[col]!]
    const lead = a[col]!
    const divisor = lead[col]!
    for (let j = 0; j < 2 * n; j++) lead[j] = lead[j]! / divisor
    for (let row = 0; row < n; row++) {
      if (row === col) continue
      const factor = a[row]![col]!
      if (factor === 0) continue
      for (let j = 0; j < 2 * n; j++) a[row]![j] = a[row]![j]! - factor * lead[j]!
    }
  }
  return a.map((row) => row.slice(n))
}

const dot = (x: readonly number[], y: readonly number[]) => x.reduce((sum, value, i) => sum + value * y[i]!, 0)

/**
 * Fits log E[y] = offset + Xβ. Rows with a zero count are fine; all-zero y is not (the intercept runs to −∞), and
 * callers treat that case apart. Returns null when XᵀWX is singular (a design column that never varies).
 */
export const fitPoisson = (
  x: readonly (readonly number[])[],
  y: readonly number[],
  offset: readonly number[],
  { maxIterations = 50, tolerance = 1e-10 } = {}
): PoissonFit | null => {
  const p = x[0]?.length ?? 0
  // Start where the intercept-only model would be: the pooled rate.
  const rate = Math.max(y.reduce((s, v) => s + v, 0), 0.5) / offset.reduce((s, o) => s + Math.exp(o), 0)
  let beta = Array.from({ length: p }, (_, j) => (j === 0 ? Math.log(rate) : 0))
  let deviance = Infinity
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const eta = x.map((row, i) => offset[i]! + dot(row, beta))
    const mu = eta.map(Math.exp)
    // Working response z = η − offset + (y − μ)/μ with weights μ: solve (XᵀWX)β = XᵀWz.
    const xtwx = Array.from({ length: p }, () => new Array<number>(p).fill(0))
    const xtwz = new Array<number>(p).fill(0)
    x.forEach((row, i) => {
      const w = mu[i]!
      const z = eta[i]! - offset[i]! + (y[i]! - mu[i]!) / mu[i]!
      for (let j = 0; j < p; j++) {
        xtwz[j] = xtwz[j]! + row[j]! * w * z
        for (let k = 0; k < p; k++) xtwx[j]![k] = xtwx[j]![k]! + row[j]! * w * row[k]!
      }
    })
    const inverse = invert(xtwx)
    if (inverse === null) return null
    beta = inverse.map((row) => dot(row, xtwz))
    const fitted = x.map((row, i) => Math.exp(offset[i]! + dot(row, beta)))
    const next = 2 * y.reduce((s, v, i) => s + (v > 0 ? v * Math.log(v / fitted[i]!) : 0) - (v - fitted[i]!), 0)
    if (Math.abs(next - deviance) <= tolerance * (Math.abs(next) + 0.1)) {
      const unscaledCovariance = covarianceAt(x, fitted) ?? inverse
      return { beta, mu: fitted, unscaledCovariance, iterations: iteration, converged: true }
    }
    deviance = next
  }
  const mu = x.map((row, i) => Math.exp(offset[i]! + dot(row, beta)))
  return { beta, mu, unscaledCovariance: covarianceAt(x, mu) ?? [], iterations: maxIterations, converged: false }
}

const covarianceAt = (x: readonly (readonly number[])[], mu: readonly number[]) => {
  const p = x[0]?.length ?? 0
  const xtwx = Array.from({ length: p }, (_, j) =>
    Array.from({ length: p }, (_, k) => x.reduce((s, row, i) => s + row[j]! * mu[i]! * row[k]!, 0)))
  return invert(xtwx)
}

/** Quasi-Poisson dispersion: Pearson's χ² over the residual degrees of freedom (n − p). */
export const pearsonDispersion = (y: readonly number[], mu: readonly number[], parameters: number): number => {
  const df = y.length - parameters
  if (df <= 0) return NaN
  return y.reduce((s, v, i) => s + (v - mu[i]!) ** 2 / mu[i]!, 0) / df
}
