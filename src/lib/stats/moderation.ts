/**
 * Empirical-Bayes moderation of dispersions (Smyth 2004, Stat Appl Genet Mol Biol 3:3, limma's fitFDist and
 * squeezeVar): each theme's dispersion is estimated from its own few baseline periods, so it is noisy (3 degrees of
 * freedom on the API's old default of 4 quarters); the themes of one request together say what dispersions are
 * usual. Each estimate s²_g on d_g degrees of freedom is taken as φ_g χ²_{d_g} / d_g, and the true φ_g as drawn from
 * a scaled inverse χ² with prior value s0² and prior degrees of freedom d0. Both are estimated from the themes by
 * moments of log s²; the posterior dispersion is (d0 s0² + d s²) / (d0 + d), referred to d0 + d degrees of freedom.
 * Where the themes' dispersions really differ, the spread of log s² is larger than sampling alone makes it, d0 comes
 * out small and each theme keeps mostly its own estimate; where they agree, d0 is large and a short baseline borrows
 * strength. That is the theory; measured (npm run bench:rising, docs/benchmarks.md), a dozen themes with a few
 * degrees of freedom each cannot tell how much their dispersions differ: d0 came out 22–46 on 4–12 quarters, the
 * false-alarm rate averaged over the themes stayed near nominal, but a theme more dispersed than those of similar
 * size was flagged 7–12% of the time at 5%. So the service does not use it (rising.ts); it is kept for the bench.
 */

/** ψ(x), x > 0: recurrence up to 10, then the asymptotic series (error below 1e-12 there). */
export const digamma = (x: number): number => {
  let shift = 0
  while (x < 10) {
    shift -= 1 / x
    x += 1
  }
  const inv2 = 1 / (x * x)
  return shift + Math.log(x) - 1 / (2 * x) - inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 / 240)))
}

/** ψ′(x), x > 0. */
export const trigamma = (x: number): number => {
  let shift = 0
  while (x < 10) {
    shift += 1 / (x * x)
    x += 1
  }
  const inv = 1 / x
  const inv2 = inv * inv
  return shift + inv + inv2 / 2 + inv * inv2 * (1 / 6 - inv2 * (1 / 30 - inv2 * (1 / 42 - inv2 / 30)))
}

/** ψ″(x), x > 0: −1/x² − 1/x³ − 1/(2x⁴) + 1/(6x⁶) − 1/(6x⁸) + 3/(10x¹⁰) after the recurrence. */
const tetragamma = (x: number): number => {
  let shift = 0
  while (x < 10) {
    shift -= 2 / (x * x * x)
    x += 1
  }
  const inv = 1 / x
  const inv2 = inv * inv
  return shift - inv2 - inv * inv2 - inv2 * inv2 * (1 / 2 - inv2 * (1 / 6 - inv2 * (1 / 6 - (3 / 10) * inv2)))
}

/** The x with ψ′(x) = y, by Smyth's Newton iteration (limma's trigammaInverse). */
export const trigammaInverse = (y: number): number => {
  if (y > 1e7) return 1 / Math.sqrt(y)
  if (y < 1e-6) return 1 / y
  let x = 0.5 + 1 / y
  for (let i = 0; i < 50; i++) {
    const tri = trigamma(x)
    const step = (tri * (1 - tri / y)) / tetragamma(x)
    x += step
    if (-step / x < 1e-8) break
  }
  return x
}

export type DispersionPrior = {
  /**
   * s0² as a function of the theme's mean baseline count: exp(intercept + slope · log mean count). A theme's
   * dispersion grows with its count (a negative binomial's φ = 1 + μ/k), so a common theme is moderated towards
   * what common themes show, not towards the rare themes' lower dispersion (limma-trend).
   */
  intercept: number
  slope: number
  /** d0: how many degrees of freedom the prior is worth (never more than the themes' own together). */
  df: number
  /** Themes whose estimates made the prior. */
  themes: number
}

/** Fewer themes with a fitted baseline than this and no prior is estimated (each keeps its own dispersion). */
export const MIN_PRIOR_THEMES = 4

export const priorAt = (prior: DispersionPrior, meanCount: number) =>
  Math.exp(prior.intercept + prior.slope * Math.log(meanCount))

/**
 * Estimates s0² (with its trend in the mean count) and d0 from the themes' dispersion estimates and degrees of
 * freedom (limma's fitFDist with a covariate). d0 is limited to the degrees of freedom the prior is estimated from,
 * Σ d_g: limma's d0 = ∞ ("the estimates vary no more than sampling makes them") is a point estimate, and from a
 * dozen themes with 2–3 df each it is often reached when the dispersions do differ.
 */
export const priorDispersion = (
  estimates: readonly { dispersion: number; df: number; meanCount: number }[]
): DispersionPrior | null => {
  const usable = estimates.filter((e) => Number.isFinite(e.dispersion) && e.dispersion >= 0 && e.df > 0 &&
    e.meanCount > 0)
  if (usable.length < MIN_PRIOR_THEMES) return null
  // A dispersion of exactly 0 (a perfectly steady baseline) has no logarithm: limma's small offset.
  const sorted = usable.map((e) => e.dispersion).sort((a, b) => a - b)
  const median = sorted[Math.floor(sorted.length / 2)]! || 1
  const e = usable.map((u) => Math.log(Math.max(u.dispersion, 1e-5 * median)) - digamma(u.df / 2) + Math.log(u.df / 2))
  const c = usable.map((u) => Math.log(u.meanCount))
  const n = usable.length
  const cMean = c.reduce((s, v) => s + v, 0) / n
  const eMean = e.reduce((s, v) => s + v, 0) / n
  const sxx = c.reduce((s, v) => s + (v - cMean) ** 2, 0)
  const slope = sxx > 0 ? c.reduce((s, v, i) => s + (v - cMean) * (e[i]! - eMean), 0) / sxx : 0
  const intercept = eMean - slope * cMean
  const parameters = sxx > 0 ? 2 : 1
  const residual = e.reduce((s, v, i) => s + (v - intercept - slope * c[i]!) ** 2, 0) / (n - parameters)
  const spread = residual - usable.reduce((s, u) => s + trigamma(u.df / 2), 0) / n
  const cap = usable.reduce((s, u) => s + u.df, 0)
  const df = spread > 0 ? Math.min(cap, 2 * trigammaInverse(spread)) : cap
  // e estimates log s0² − ψ(d0/2) + log(d0/2): back to s0².
  return { intercept: intercept + digamma(df / 2) - Math.log(df / 2), slope, df, themes: n }
}

/** The posterior dispersion of one theme: its estimate moderated towards the prior (limma's squeezeVar). */
export const moderate = (estimate: number, df: number, meanCount: number, prior: DispersionPrior | null) => {
  if (prior === null) return { dispersion: estimate, df, priorDispersion: null }
  const s0 = priorAt(prior, meanCount)
  return { dispersion: (prior.df * s0 + df * estimate) / (prior.df + df), df: prior.df + df, priorDispersion: s0 }
}
