/**
 * Is a theme's count in one period above what its own baseline predicts, allowing for overdispersion?
 *
 * The Farrington–Noufaily family of outbreak detection (Farrington et al. 1996, JRSS A 159:547; Noufaily et al.
 * 2013, Stat Med 32:1206), adapted to shares: the theme's count per baseline period is modelled as quasi-Poisson
 * with the period's coded reports as exposure (log offset), log E[yₜ] = log nₜ + β₀ [+ β₁ t] [+ season], fitted by
 * IRLS (glm.ts). The dispersion φ is Pearson's χ² over the residual degrees of freedom, never below the binomial
 * value 1 − share (a share cannot vary less than binomially, and φ from a few periods can come out near 0 by chance).
 * The period's count is compared with its prediction on a power scale that makes counts of that dispersion nearly
 * symmetric (λ = (φ + 1)/(3φ), symmetrizingPower: Farrington's 2/3 for Poisson counts), with the prediction's own
 * error added:
 *
 *   score = (y₀^λ − μ₀^λ) / (λ μ₀^{λ−1} √(φμ₀ + μ₀² Var η̂₀)),  Var η̂₀ = φ x₀ᵀ(XᵀWX)⁻¹x₀,
 *
 * and, because φ is estimated from few periods, referred to Student's t rather than to the normal, on the degrees of
 * freedom the estimate is worth once the counts' fourth moment is allowed for (effectiveDf; the residual df
 * overstated them for strongly overdispersed counts). As Noufaily et al. replaced Farrington's normal limit with a
 * negative binomial one, the p-value is also never below the upper tail of a negative binomial with the predicted
 * mean and variance φμ₀ + μ₀² Var η̂₀: a safety net that, with the power scale above, decided no flag in 216,000
 * simulated theme tests (4–12 quarters, NB sizes 2–10 and Poisson, with and without a rise).
 *
 * A trend is considered only on a baseline of TREND_FROM_PERIODS and kept only where it is significant at
 * TREND_LEVEL and does not predict a share above the highest the baseline saw (Farrington's guard against
 * extrapolating). Farrington keeps trends significant at 5%; choosing the model from the data that way put the
 * false-alarm rate at 5.8–6.7% on trendless 8–12 quarter baselines in the bench, so the level here is 1%.
 * Seasonality (one harmonic pair) only where the baseline spans two years. Not done: Noufaily's down-weighting of
 * outlying baseline periods (a past spike inflates φ and the expectation here, making the test conservative after
 * it). False-alarm rates and power: docs/benchmarks.md (npm run bench:rising).
 */
import jStat from 'jstat'
import { fitPoisson, pearsonDispersion } from './glm.js'

export type PeriodCount = {
  /** Reports with the theme. */
  count: number
  /** Coded reports in the period (the exposure). */
  reports: number
}

export type ExceedanceOptions = {
  /** Periods in a year: 12 for months, 4 for quarters (for the seasonal terms). */
  periodsPerYear: number
  /** The level at which `threshold` is given (one-sided). */
  alpha: number
}

export type Exceedance = {
  /** The period's expected count and share under the baseline model. */
  expected: number
  expectedShare: number
  /** φ: 1 is Poisson variation; above it, the baseline varies more than sampling would make it. */
  dispersion: number
  /** φ as estimated before the binomial floor. */
  dispersionEstimate: number
  /** Residual degrees of freedom of the baseline fit. */
  df: number
  /** Degrees of freedom of the t the score is referred to: the dispersion's effective df, plus the prior's. */
  testDf: number
  trend: boolean
  seasonal: boolean
  score: number
  pValue: number
  /**
   * The count the period would need to reach to be flagged at `alpha` before any multiplicity adjustment: the larger
   * of the t score's limit and the negative binomial's (1 − alpha) quantile.
   */
  threshold: number
  /** λ, the power the score is computed on (symmetrizingPower). */
  power: number
}

/** Baseline periods needed to consider a trend, and (in years) to fit seasonality. */
export const TREND_FROM_PERIODS = 6
export const SEASONAL_FROM_YEARS = 2
/** Fewer usable baseline periods than this and there is no dispersion to estimate (df < 2). */
export const MIN_BASELINE_PERIODS = 3
/** Two-sided level at which a fitted trend is kept. */
export const TREND_LEVEL = 0.01

type Design = { trend: boolean; seasonal: boolean }

const row = (t: number, design: Design, periodsPerYear: number) => {
  const columns = [1]
  if (design.trend) columns.push(t)
  if (design.seasonal) {
    const angle = (2 * Math.PI * t) / periodsPerYear
    columns.push(Math.sin(angle), Math.cos(angle))
  }
  return columns
}

const tUpper = (score: number, df: number) => 1 - jStat.studentt.cdf(score, df)

/**
 * P(Y ≥ y) for Y negative binomial with this mean and variance (Poisson where the variance is not above the mean):
 * P(Y ≥ y) = I_{1−p}(y, r) with r = mean² / (variance − mean), p = r / (r + mean).
 */
export const negativeBinomialUpper = (y: number, mean: number, variance: number): number => {
  if (y <= 0) return 1
  if (variance <= mean * (1 + 1e-9)) return jStat.lowRegGamma(y, mean)
  const size = (mean * mean) / (variance - mean)
  return jStat.ibeta(mean / (size + mean), y, size)
}

/**
 * The power λ that makes counts with variance φμ nearly symmetric: to first order the skewness of Y^λ vanishes when
 * λ = 1 − μκ₃/(3σ⁴), which for a negative binomial (κ₃ = μφ(2φ − 1), σ² = φμ) is (φ + 1)/(3φ): Farrington's 2/3 for
 * Poisson counts (φ = 1), falling towards the gamma's 1/3 (Wilson–Hilferty) as φ grows, and the binomial's own value
 * below 1 (φ = 1 − p). Farrington's fixed 2/3 left strongly overdispersed counts right-skewed: 5.2–5.8% false alarms
 * at 5% with NB size 5 on 12–24 quarters in seeded simulations, even on the effective df.
 */
export const symmetrizingPower = (dispersion: number) => (dispersion + 1) / (3 * dispersion)

/** One theme's baseline fitted, before its dispersion is moderated and the period tested. */
export type BaselineFit = {
  design: Design
  /** Residual degrees of freedom, and the usable (with reports) baseline periods they come from. */
  df: number
  periods: number
  /** Pearson's χ² over df, and the binomial floor 1 − share no dispersion goes below. */
  estimate: number
  floor: number
  /** The period's predicted count, and x₀ᵀ(XᵀWX)⁻¹x₀ (Var η̂₀ when φ = 1). */
  mu0: number
  quadratic: number
  /** Mean baseline count per usable period (for the fourth moment below). */
  meanCount: number
}

/**
 * Fits the baseline of the last period (`baseline`, oldest first, consecutive): null when no model can be fitted
 * (fewer than MIN_BASELINE_PERIODS periods with reports, no baseline count at all, or no reports in the period); the
 * caller then falls back to the exact test.
 */
export const fitBaseline = (
  baseline: readonly PeriodCount[],
  current: PeriodCount,
  periodsPerYear: number
): BaselineFit | null => {
  // Time runs 0…B−1 over the baseline and B for the period, so periods without reports leave a gap, not a shift.
  const usable = baseline.map((period, t) => ({ ...period, t })).filter((period) => period.reports > 0)
  const countSum = usable.reduce((s, p) => s + p.count, 0)
  const reportSum = usable.reduce((s, p) => s + p.reports, 0)
  if (usable.length < MIN_BASELINE_PERIODS || countSum === 0 || current.reports <= 0) return null
  const now = baseline.length
  const floor = 1 - countSum / reportSum
  const maxShare = Math.max(...usable.map((p) => p.count / p.reports))

  const fit = (design: Design) => {
    const x = usable.map((p) => row(p.t, design, periodsPerYear))
    const parameters = x[0]!.length
    const df = usable.length - parameters
    if (df < 2) return null
    const y = usable.map((p) => p.count)
    const model = fitPoisson(x, y, usable.map((p) => Math.log(p.reports)))
    if (model === null || !model.converged) return null
    const estimate = pearsonDispersion(y, model.mu, parameters)
    const x0 = row(now, design, periodsPerYear)
    const eta0 = Math.log(current.reports) + x0.reduce((s, v, j) => s + v * model.beta[j]!, 0)
    const quadratic = x0.reduce(
      (s, vj, j) => s + x0.reduce((t, vk, k) => t + vj * model.unscaledCovariance[j]![k]! * vk, 0), 0)
    return { design, model, df, estimate, mu0: Math.exp(eta0), quadratic }
  }

  const seasonal = usable.length >= SEASONAL_FROM_YEARS * periodsPerYear
  let chosen = fit({ trend: false, seasonal })
  if (usable.length >= TREND_FROM_PERIODS) {
    const withTrend = fit({ trend: true, seasonal })
    if (withTrend) {
      const se = Math.sqrt(Math.max(withTrend.estimate, floor) * withTrend.model.unscaledCovariance[1]![1]!)
      const t = withTrend.model.beta[1]! / se
      const significant = 2 * tUpper(Math.abs(t), withTrend.df) < TREND_LEVEL
      if (significant && withTrend.mu0 / current.reports <= maxShare) chosen = withTrend
    }
  }
  // A seasonal design that cannot be fitted (too few periods left) falls back to none.
  chosen ??= fit({ trend: false, seasonal: false })
  if (chosen === null) return null
  const { design, df, estimate, mu0, quadratic } = chosen
  return { design, df, periods: usable.length, estimate, floor, mu0, quadratic, meanCount: countSum / usable.length }
}

/**
 * The degrees of freedom a dispersion estimate is worth once the counts' fourth moment is allowed for. Pearson's χ²
 * over d is φχ²_d/d only for normal-tailed counts; for negative binomial counts with variance φμ its variance is
 * φ²(2/d + κ/n), κ = (1 + 6(φ − 1) + 6(φ − 1)²)/(μφ) their excess kurtosis (Poisson's 1/μ where φ ≤ 1), so it is
 * worth 2/(2/d + κ/n) degrees of freedom (Satterthwaite). Without this the t score was referred to too many degrees
 * of freedom on strongly overdispersed themes: on 8 quarters with NB size 2 the test as it was flagged 7.8% at 5%
 * (bench), and this alone (still on Farrington's 2/3 power) brought that to 5.9%; the power does the rest.
 */
export const effectiveDf = (fit: BaselineFit): number => {
  const phi = Math.max(fit.estimate, fit.floor)
  const kurtosis = phi > 1 ? (1 + 6 * (phi - 1) + 6 * (phi - 1) ** 2) / (fit.meanCount * phi) : 1 / fit.meanCount
  return Math.min(fit.df, 2 / (2 / fit.df + kurtosis / fit.periods))
}

/**
 * Tests the period against a fitted baseline with a dispersion `dispersion` worth `df` degrees of freedom (the
 * theme's own estimate on its effective df, or that estimate moderated across the request's themes: moderation.ts).
 */
export const testFit = (
  fit: BaselineFit,
  current: PeriodCount,
  { alpha, dispersion: given, df, fixedPower }: { alpha: number; dispersion: number; df: number; fixedPower?: number }
): Exceedance => {
  const { mu0 } = fit
  const dispersion = Math.max(given, fit.floor)
  const varEta0 = dispersion * fit.quadratic
  // fixedPower: Farrington's 2/3 whatever φ, only for the bench to measure the test as it was.
  const power = fixedPower ?? symmetrizingPower(dispersion)
  // Delta method on the power scale: sd(Y^λ) ≈ λ μ^(λ−1) sd(Y), with Var Y = φμ₀ + μ₀² Var η̂₀.
  const spread = power * mu0 ** (power - 1) * Math.sqrt(dispersion * mu0 + mu0 * mu0 * varEta0)
  const score = (current.count ** power - mu0 ** power) / spread
  const critical = jStat.studentt.inv(1 - alpha, df)
  const variance = dispersion * mu0 + mu0 * mu0 * varEta0
  // The skew check matters only where the counts are overdispersed: below Poisson variance (a common theme at its
  // binomial floor) a Poisson tail would undo the floor, and the t score alone stands.
  const skewed = variance > mu0
  const tail = (y: number) => (skewed ? negativeBinomialUpper(y, mu0, variance) : 0)
  // The smallest count whose negative binomial tail is at most alpha: the tail falls as the count grows, so a
  // bisection between the mean and far above it (a few dozen tail evaluations, whatever the scale).
  let low = Math.max(0, Math.floor(mu0))
  let high = Math.ceil(mu0 + 50 * Math.sqrt(variance) + 10)
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2)
    if (tail(middle) > alpha) low = middle
    else high = middle
  }
  const quantile = tail(low) <= alpha ? low : high
  return {
    expected: mu0,
    expectedShare: mu0 / current.reports,
    dispersion,
    dispersionEstimate: fit.estimate,
    df: fit.df,
    testDf: df,
    trend: fit.design.trend,
    seasonal: fit.design.seasonal,
    score,
    pValue: Math.min(1, Math.max(0, tUpper(score, df), tail(current.count))),
    threshold: Math.max(Math.max(0, mu0 ** power + critical * spread) ** (1 / power), quantile),
    power
  }
}

/** One theme on its own: its own dispersion on its effective degrees of freedom. */
export const exceedance = (
  baseline: readonly PeriodCount[],
  current: PeriodCount,
  { periodsPerYear, alpha }: ExceedanceOptions
): Exceedance | null => {
  const fit = fitBaseline(baseline, current, periodsPerYear)
  return fit && testFit(fit, current, { alpha, dispersion: fit.estimate, df: effectiveDf(fit) })
}
