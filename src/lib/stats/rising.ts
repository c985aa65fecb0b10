/**
 * One theme's rising test: the overdispersed baseline model where it can be fitted (exceedance.ts), otherwise the
 * exact test on pooled counts with its mid-p. Shared by the analysis service and the validation bench
 * (bench/rising-sim.ts), so the bench measures what the service answers.
 */
import { type Exceedance, type PeriodCount, exceedance } from './exceedance.js'
import { fisherGreaterMidP } from './fisher.js'

export type ThemeTest =
  | ({ test: 'quasi-poisson' } & Exceedance)
  | { test: 'exact-mid-p'; pValue: number; reason: 'short-baseline' | 'no-baseline-count' | 'no-reports-in-period' }

export const testRise = (
  baseline: readonly PeriodCount[],
  current: PeriodCount,
  options: { periodsPerYear: number; alpha: number }
): ThemeTest => {
  const fitted = exceedance(baseline, current, options)
  if (fitted) return { test: 'quasi-poisson', ...fitted }
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
