/**
 * The rising test of a request's themes: each theme's overdispersed baseline model where it can be fitted
 * (exceedance.ts), otherwise the exact test on pooled counts with its mid-p. Shared by the analysis service and the
 * validation bench (bench/rising-sim.ts), so the bench measures what the service answers.
 */
import { type Exceedance, type PeriodCount, effectiveDf, fitBaseline, testFit } from './exceedance.js'
import { fisherGreaterMidP } from './fisher.js'
import { type DispersionPrior, moderate, priorDispersion } from './moderation.js'

export type ThemeTest =
  | ({ test: 'quasi-poisson'; priorDispersion: number | null } & Exceedance)
  | { test: 'exact-mid-p'; pValue: number; reason: 'short-baseline' | 'no-baseline-count' | 'no-reports-in-period' }

export type ThemeSeries = { baseline: readonly PeriodCount[]; current: PeriodCount }

type Options = { periodsPerYear: number; alpha: number }

const exact = ({ baseline, current }: ThemeSeries): ThemeTest => {
  const baselineCount = baseline.reduce((s, p) => s + p.count, 0)
  const baselineReports = baseline.reduce((s, p) => s + p.reports, 0)
  const pValue = fisherGreaterMidP(
    current.count,
    current.reports - current.count,
    baselineCount,
    baselineReports - baselineCount
  )
  const reason = current.reports <= 0 ? 'no-reports-in-period' : baselineCount === 0 ? 'no-baseline-count' : 'short-baseline'
  return { test: 'exact-mid-p', pValue, reason }
}

/**
 * Tests every theme of one request (one level, role and period: the family), each with its own dispersion on its
 * effective degrees of freedom (the service's test). With `moderated`, the dispersions are instead moderated across
 * the themes that have a fitted baseline: measured in the bench (docs/benchmarks.md) and not used by the service,
 * because where the themes' dispersions differ it put the false-alarm rate above nominal for the more dispersed ones.
 */
export const testRises = (
  themes: readonly ThemeSeries[],
  { periodsPerYear, alpha, moderated = false }: Options & { moderated?: boolean }
): { prior: DispersionPrior | null; results: ThemeTest[] } => {
  const fits = themes.map((theme) => {
    const fit = fitBaseline(theme.baseline, theme.current, periodsPerYear)
    return fit && { fit, df: effectiveDf(fit) }
  })
  const fitted = fits.filter((f) => f !== null)
  const prior = moderated
    ? priorDispersion(
      fitted.map((f) => ({ dispersion: f.fit.estimate, df: f.df, meanCount: f.fit.meanCount }))
    )
    : null
  const results = themes.map((theme, i): ThemeTest => {
    const f = fits[i]
    if (!f) return exact(theme)
    const { dispersion, df, priorDispersion: prior0 } = moderate(f.fit.estimate, f.df, f.fit.meanCount, prior)
    return { test: 'quasi-poisson', priorDispersion: prior0, ...testFit(f.fit, theme.current, { alpha, dispersion, df }) }
  })
  return { prior, results }
}

/** One theme alone (a family of one: nothing to moderate with). */
export const testRise = (baseline: readonly PeriodCount[], current: PeriodCount, options: Options): ThemeTest =>
  testRises([{ baseline, current }], options).results[0]!
