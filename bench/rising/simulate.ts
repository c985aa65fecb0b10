/**
 * Seeded simulation of a theme's reporting series, for validating rising-theme tests (bench/rising-sim.ts and
 * tests/lib/rising-stats.test.ts). Reports per period are negative binomial (volume varies with campaigns and
 * staffing); the theme's count given the reports is negative binomial around reports × share (a gamma-mixed
 * Poisson, capped at the reports), so its variance is μ(1 + μ/k): overdispersed, with no change unless `rise` says.
 */
import jStat from 'jstat'
import { fisherGreater } from '../../src/lib/stats/fisher.js'
import { type PeriodCount, fitBaseline, negativeBinomialUpper, testFit } from '../../src/lib/stats/exceedance.js'
import { type ThemeSeries, testRise, testRises } from '../../src/lib/stats/rising.js'

/** mulberry32: small, fast, seedable; plenty for Monte Carlo of this size. */
export const rng = (seed: number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Random = () => number

const normal = (random: Random) => {
  const u = 1 - random()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random())
}

/** Gamma(shape, 1) by Marsaglia–Tsang (shape < 1 boosted). */
export const gamma = (random: Random, shape: number): number => {
  if (shape < 1) return gamma(random, shape + 1) * random() ** (1 / shape)
  const d = shape - 1 / 3
  const c = 1 / Math.sqrt(9 * d)
  for (;;) {
    let x: number
    let v: number
    do {
      x = normal(random)
      v = 1 + c * x
    } while (v <= 0)
    v = v * v * v
    const u = random()
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v
  }
}

/** Poisson by inversion from the mode outwards-free simple search (means here stay far below 700). */
export const poisson = (random: Random, mean: number): number => {
  if (mean <= 0) return 0
  if (mean > 500) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal(random)))
  let k = 0
  let p = Math.exp(-mean)
  let cumulative = p
  const u = random()
  while (u > cumulative && k < 10_000) {
    k++
    p *= mean / k
    cumulative += p
  }
  return k
}

/** Negative binomial with mean `mean` and size `size` (variance mean + mean²/size); size Infinity is Poisson. */
export const negativeBinomial = (random: Random, mean: number, size: number) =>
  poisson(random, Number.isFinite(size) ? (mean * gamma(random, size)) / size : mean)

export type Scenario = {
  name: string
  periodsPerYear: number
  baseline: number
  /** Mean coded reports per period, and the negative binomial size of their variation. */
  reports: number
  reportsSize: number
  share: number
  /** Negative binomial size of the theme's count given the reports: smaller is more overdispersed. */
  size: number
  /** Relative seasonal amplitude of the theme's share (0: none). */
  season?: number
  /** The tested period's share is share × rise (1: no change). */
  rise: number
}

export const simulate = (scenario: Scenario, random: Random): { baseline: PeriodCount[]; current: PeriodCount } => {
  const period = (t: number, rise: number): PeriodCount => {
    const reports = Math.max(1, negativeBinomial(random, scenario.reports, scenario.reportsSize))
    const seasonal = 1 + (scenario.season ?? 0) * Math.sin((2 * Math.PI * t) / scenario.periodsPerYear)
    const mean = reports * scenario.share * seasonal * rise
    return { reports, count: Math.min(reports, negativeBinomial(random, mean, scenario.size)) }
  }
  const baseline = Array.from({ length: scenario.baseline }, (_, t) => period(t, 1))
  return { baseline, current: period(scenario.baseline, scenario.rise) }
}

/** Today's test: one-sided Fisher on the current period against the pooled baseline. */
export const pooledFisher = ({ baseline, current }: ThemeSeries) => {
  const count = baseline.reduce((s, p) => s + p.count, 0)
  const reports = baseline.reduce((s, p) => s + p.reports, 0)
  return fisherGreater(current.count, current.reports - current.count, count, reports - count)
}

export type Rates = { runs: number; fisher: number; overdispersed: number; exactFallbacks: number }

/** Both tests' p-values on `runs` seeded series. */
export const pValues = (scenario: Scenario, runs: number, seed: number, alpha = 0.05) => {
  const random = rng(seed)
  const fisher: number[] = []
  const overdispersed: number[] = []
  let exactFallbacks = 0
  for (let i = 0; i < runs; i++) {
    const series = simulate(scenario, random)
    fisher.push(pooledFisher(series))
    const result = testRise(series.baseline, series.current, { periodsPerYear: scenario.periodsPerYear, alpha })
    if (result.test !== 'quasi-poisson') exactFallbacks++
    overdispersed.push(result.pValue)
  }
  return { fisher, overdispersed, exactFallbacks }
}

const below = (values: readonly number[], cut: number) => values.filter((p) => p < cut).length / values.length

/** Share of runs each test flags at `alpha` (one theme: a family of one, so no adjustment). */
export const rates = (scenario: Scenario, runs: number, seed: number, alpha = 0.05): Rates => {
  const p = pValues(scenario, runs, seed, alpha)
  const { exactFallbacks } = p
  return { runs, fisher: below(p.fisher, alpha), overdispersed: below(p.overdispersed, alpha), exactFallbacks }
}

/**
 * The cut-off that makes today's test flag `alpha` of the null series: Fisher "calibrated" with knowledge no user
 * has (the true null), for a like-for-like power comparison.
 */
export const calibratedCut = (nullFisher: readonly number[], alpha = 0.05) =>
  [...nullFisher].sort((a, b) => a - b)[Math.floor(alpha * nullFisher.length)] as number

export { below }

/** A theme of a simulated request: its share of the coded reports and the NB size of its count (Infinity: Poisson). */
export type ThemeSpec = { share: number; size: number }

/**
 * A request: one level's themes over the same coded reports (so the same report volumes), as the service tests them
 * together. The first theme is the one whose share rises by `rise` in the tested period; the others never change.
 */
export type RequestScenario = Omit<Scenario, 'share' | 'size'> & { themes: readonly ThemeSpec[] }

export const simulateRequest = (scenario: RequestScenario, random: Random): ThemeSeries[] => {
  const reports = Array.from({ length: scenario.baseline + 1 }, () =>
    Math.max(1, negativeBinomial(random, scenario.reports, scenario.reportsSize)))
  return scenario.themes.map((theme, j) => {
    const counts = reports.map((n, t) => {
      const seasonal = 1 + (scenario.season ?? 0) * Math.sin((2 * Math.PI * t) / scenario.periodsPerYear)
      const rise = j === 0 && t === scenario.baseline ? scenario.rise : 1
      return { reports: n, count: Math.min(n, negativeBinomial(random, n * theme.share * seasonal * rise, theme.size)) }
    })
    return { baseline: counts.slice(0, -1), current: counts[counts.length - 1]! }
  })
}

/**
 * p-values on `requests` seeded requests of: today's pooled Fisher; the baseline model as shipped before this change
 * (Farrington's 2/3 power, t on the residual df); the service's test (own dispersion, effective df); and dispersions
 * moderated across the request's themes (not kept). `target`: only the first theme's (for power and its own false
 * alarms); otherwise every theme's, in theme order (for false alarms, where none changes).
 */
export const requestPValues = (scenario: RequestScenario, requests: number, seed: number, alpha = 0.05,
  target = false) => {
  const random = rng(seed)
  const out = { fisher: [] as number[], previous: [] as number[], own: [] as number[], moderated: [] as number[] }
  const priorDf: number[] = []
  let exactFallbacks = 0
  const options = { periodsPerYear: scenario.periodsPerYear, alpha }
  for (let i = 0; i < requests; i++) {
    const themes = simulateRequest(scenario, random)
    const alone = testRises(themes, options).results
    const { prior, results } = testRises(themes, { ...options, moderated: true })
    priorDf.push(prior?.df ?? 0)
    const take = target ? 1 : themes.length
    for (let j = 0; j < take; j++) {
      const theme = themes[j]!
      const fit = fitBaseline(theme.baseline, theme.current, scenario.periodsPerYear)
      out.fisher.push(pooledFisher(theme))
      out.previous.push(fit
        ? testFit(fit, theme.current, { alpha, dispersion: fit.estimate, df: fit.df, fixedPower: 2 / 3 }).pValue
        : alone[j]!.pValue)
      out.own.push(alone[j]!.pValue)
      out.moderated.push(results[j]!.pValue)
      if (alone[j]!.test !== 'quasi-poisson') exactFallbacks++
    }
  }
  return { ...out, priorDf, exactFallbacks }
}

/** log P(Y = y) for the simulated theme count: negative binomial (Poisson for size Infinity) capped at the reports. */
const logCount = (y: number, reports: number, mean: number, size: number) => {
  const variance = mean + (Number.isFinite(size) ? (mean * mean) / size : 0)
  if (y >= reports) return Math.log(negativeBinomialUpper(reports, mean, variance))
  if (!Number.isFinite(size)) return -mean + y * Math.log(mean) - jStat.gammaln(y + 1)
  return jStat.gammaln(y + size) - jStat.gammaln(size) - jStat.gammaln(y + 1) +
    size * Math.log(size / (size + mean)) + y * Math.log(mean / (size + mean))
}

/**
 * The power of the most powerful test there could be of "no change" against this scenario's rise, at exactly `alpha`
 * false alarms: the Neyman–Pearson test, which knows the theme's true share, dispersion and season and the size of
 * the rise, and so rejects where the likelihood ratio of the tested period's count (given its reports) is highest
 * (randomised on ties so its size is exactly alpha). Knowing the truth, the baseline periods tell it nothing more.
 * No test that estimates anything from the baseline, and no test honest about its false alarms, can beat it: an
 * upper bound for the power column, by Monte Carlo on `runs` seeded series of each hypothesis.
 */
export const neymanPearsonPower = (scenario: RequestScenario, runs: number, seed: number, alpha = 0.05) => {
  const theme = scenario.themes[0]!
  const t = scenario.baseline
  const seasonal = 1 + (scenario.season ?? 0) * Math.sin((2 * Math.PI * t) / scenario.periodsPerYear)
  const ratio = ({ count, reports }: PeriodCount) => {
    const mean = reports * theme.share * seasonal
    return logCount(count, reports, mean * scenario.rise, theme.size) - logCount(count, reports, mean, theme.size)
  }
  const sample = (rise: number, offset: number) => {
    const random = rng(seed + offset)
    return Array.from({ length: runs }, () => ratio(simulateRequest({ ...scenario, rise }, random)[0]!.current))
  }
  const nulls = sample(1, 0).sort((a, b) => b - a)
  const cut = nulls[Math.floor(alpha * runs)]!
  const tie = (v: number) => Math.abs(v - cut) <= 1e-9
  const share = (values: number[], test: (v: number) => boolean) => values.filter(test).length / runs
  const over = (v: number) => v > cut && !tie(v)
  const atCut = share(nulls, tie)
  const randomised = atCut > 0 ? (alpha - share(nulls, over)) / atCut : 0
  const rises = sample(scenario.rise, 1)
  return share(rises, over) + randomised * share(rises, tie)
}
