import { AppError } from '../../lib/errors.js'
import {
  type Interval,
  monthIndexOfDate,
  monthLabel,
  parsePeriod,
  periodLabel,
  periodOf,
  periodsBetween
} from '../../lib/periods.js'
import { TREND_FROM_PERIODS, SEASONAL_FROM_YEARS, MIN_BASELINE_PERIODS } from '../../lib/stats/exceedance.js'
import { benjaminiHochberg } from '../../lib/stats/fisher.js'
import { type ThemeTest, testRise } from '../../lib/stats/rising.js'
import type { RequestSession } from '../../plugins/sessions.js'
import type { AuditRepository } from '../audit/audit.repository.js'
import type { Taxonomy, TaxonomyService } from '../taxonomy/taxonomy.service.js'
import { type OwnReport, add, pairsOf, tally, valuesOf } from './blind.js'
import { countTrend } from './counts.js'
import type { Filters, MonthCount, TrendsRepository } from './trends.repository.js'
import {
  DIMENSIONS,
  type TCooccurrenceQuery,
  type TCooccurrenceResponse,
  type TRisingQuery,
  type TRisingResponse,
  type TTrendsQuery,
  type TTrendsResponse
} from './trends.schemas.js'

export const RISING_TEST =
  "quasi-Poisson baseline per theme (Farrington–Noufaily family): the theme's count in each baseline period is " +
  "modelled with that period's coded reports as exposure (trend only on a baseline of 6+ periods where " +
  'significant; seasonality only on two years or more), its own dispersion estimated from the Pearson residuals ' +
  '(never below binomial) and worth the degrees of freedom its fourth moment allows (effective df, never more than ' +
  "the residual df), and the period's count compared with the prediction on the power scale that makes counts of " +
  "that dispersion symmetric ((φ + 1)/(3φ): Farrington's 2/3 for Poisson counts) against Student's t on the " +
  'effective df; a theme with no baseline count, or a baseline of fewer than 3 periods with reports, falls back to ' +
  "the mid-p of one-sided Fisher's exact test on pooled counts. p-values are adjusted with Benjamini–Hochberg over " +
  'the family of every theme of this level, role and period; a theme is rising when its adjusted p-value (qValue) ' +
  'is below alpha'

/** Default baseline when none is asked for: three years of quarters, two years of months (Farrington uses years). */
export const RISING_DEFAULT_BASELINE = { quarter: 12, month: 24 } as const

export const LIFT_METHOD =
  'lift = count × reports / (countA × countB), over coded reports in the range (each report once, merged ' +
  'duplicates counted as their primary); both codes in any role.'

export const RISING_REFERENCES = [
  'Farrington CP, Andrews NJ, Beale AD, Catchpole MA (1996). J R Stat Soc A 159:547–563.',
  'Noufaily A, Enki DG, Farrington P, Garthwaite P, Andrews N, Charlett A (2013). Stat Med 32:1206–1222.',
  'Lancaster HO (1961). J Am Stat Assoc 56:223–234 (mid-p).',
  'Satterthwaite FE (1946). Biometrics Bull 2:110–114 (effective degrees of freedom).',
  'Benjamini Y, Hochberg Y (1995). J R Stat Soc B 57:289–300.'
]

export const RISING_FAMILY =
  'The false discovery rate is controlled within one family: every theme present at this level and role in this ' +
  'period or its baseline. It is not controlled across periods, levels or roles: a lead who looks at every month ' +
  'of a year tests twelve families, and about alpha of the themes flagged in each may be false.'

/** What the baseline model of one theme says, flattened into the answer (null where the exact test stays). */
const themeModel = (result: ThemeTest) =>
  result.test === 'quasi-poisson'
    ? {
        test: result.test,
        fallbackReason: null,
        expected: result.expected,
        expectedShare: result.expectedShare,
        threshold: result.threshold,
        dispersion: result.dispersion,
        dispersionEstimate: result.dispersionEstimate,
        df: result.df,
        testDf: result.testDf,
        power: result.power,
        trend: result.trend,
        seasonal: result.seasonal
      }
    : {
        test: result.test,
        fallbackReason: result.reason,
        expected: null,
        expectedShare: null,
        threshold: null,
        dispersion: null,
        dispersionEstimate: null,
        df: null,
        testDf: null,
        power: null,
        trend: false,
        seasonal: false
      }

/** The longest range one question may span: 20 years of months. */
const MAX_MONTHS = 240

export type TrendsServiceDeps = {
  repository: TrendsRepository
  taxonomy: Pick<TaxonomyService, 'current'>
  audit: AuditRepository
  clock?: () => Date
}

const labelsOf = (taxonomy: Taxonomy): Map<string, string> => {
  const labels = new Map<string, string>()
  for (const domain of taxonomy.document.domains) {
    labels.set(domain.code, domain.label)
    for (const group of domain.groups) {
      labels.set(group.code, group.label)
      for (const leaf of group.leaves) labels.set(leaf.code, leaf.label)
    }
  }
  return labels
}

const levelOf = (code: string) => code.split('.').length

/** Sums monthly rows into period × value counts. */
const byPeriod = (rows: readonly MonthCount[], interval: Interval) => {
  const counts = new Map<number, Map<string, number>>()
  for (const row of rows) {
    const period = periodOf(monthIndexOfDate(row.month), interval)
    const values = counts.get(period) ?? new Map<string, number>()
    values.set(row.value, (values.get(row.value) ?? 0) + Number(row.n))
    counts.set(period, values)
  }
  return counts
}

const total = (rows: readonly MonthCount[]) => rows.reduce((sum, row) => sum + Number(row.n), 0)

export const createTrendsService = ({ repository, taxonomy, audit, clock = () => new Date() }: TrendsServiceDeps) => {
  /** The months a from/to pair covers, whole periods of the interval; defaults end at the current month. */
  const range = (query: { from?: string; to?: string }, interval: Interval, defaultSpan: number) => {
    const now = monthIndexOfDate(clock())
    const to = query.to ? (parsePeriod(query.to) as [number, number])[1] : now
    const from = query.from ? (parsePeriod(query.from) as [number, number])[0] : to - defaultSpan + 1
    if (from > to) throw new AppError('VALIDATION_FAILED', 'from: must not be after to.')
    const first = periodOf(from, interval)
    const last = periodOf(to, interval) + (interval === 'quarter' ? 2 : 0)
    if (last - first + 1 > MAX_MONTHS) {
      throw new AppError('VALIDATION_FAILED', `from: a range may span at most ${MAX_MONTHS} months.`)
    }
    return { first, last }
  }

  const codeFilter = async (code: string | undefined) => {
    if (code === undefined) return { labels: labelsOf(await taxonomy.current()), filter: undefined }
    const labels = labelsOf(await taxonomy.current())
    if (!labels.has(code)) throw new AppError('VALIDATION_FAILED', `code: ${code} is not a code of the current taxonomy.`)
    return { labels, filter: { level: levelOf(code), code } }
  }

  const record = (session: RequestSession, action: string, detail: Record<string, unknown>) =>
    audit.record({ actorId: session.userId, action, detail: JSON.parse(JSON.stringify(detail)) }, clock())

  return {
    trends: async (session: RequestSession, query: TTrendsQuery): Promise<TTrendsResponse> => {
      const { interval, groupBy, role } = query
      const level = groupBy === 'code' ? query.level : null
      const { first, last } = range(query, interval, 12)
      const { labels, filter } = await codeFilter(query.code)
      const filters: Filters = { code: filter }
      for (const dimension of DIMENSIONS) {
        if (query[dimension] !== undefined) filters[dimension] = query[dimension]
      }
      const question = { groupBy, level: level ?? 1, role, filters, first, last }
      // The audit row is written while the counts are read: one wait, not two, for every answer.
      const [, [counts, totals]] = await Promise.all([
        record(session, 'analysis.trends', query),
        repository.own(session.userId, first, last).then((mine) => countTrend(repository, question, mine))
      ])

      const grouped = byPeriod(counts, interval)
      const reports = byPeriod(totals, interval)
      const keys = [...new Set(counts.map((row) => row.value))].sort()
      const periods = periodsBetween(first, last, interval).map((period) => {
        const n = reports.get(period)?.get('') ?? 0
        const values = grouped.get(period)
        return {
          period: periodLabel(period, interval),
          reports: n,
          groups: keys.map((key) => {
            const count = values?.get(key) ?? 0
            return { key, count, share: n === 0 ? null : count / n }
          })
        }
      })
      const applied = Object.fromEntries(
        Object.entries({ ...query, code: query.code }).filter(
          ([name, value]) => value !== undefined && (name === 'code' || (DIMENSIONS as readonly string[]).includes(name))
        )
      ) as Record<string, string>
      return {
        from: monthLabel(first),
        to: monthLabel(last),
        interval,
        groupBy,
        level,
        role,
        filters: applied,
        labels: Object.fromEntries(groupBy === 'code' ? keys.map((key) => [key, labels.get(key) ?? key]) : []),
        periods
      }
    },

    cooccurrence: async (session: RequestSession, query: TCooccurrenceQuery): Promise<TCooccurrenceResponse> => {
      const { first, last } = range(query, 'month', 12)
      const read = async () => {
        const mine = await repository.own(session.userId, first, last)
        const morePairs = pairsOf(mine, query.level)
        const asked = [...morePairs.keys()].map((key) => {
          const [a, b] = key.split('|') as [string, string]
          return { a, b }
        })
        // The top pairs of the settled reports, and the settled counts of every pair of the lead's own open
        // reports: only those can rise by what the lead's reports add, so the top of the sum is among them.
        const [top, theirs, singles, totals] = await Promise.all([
          repository.pairs(query.level, first, last, query.minCount, query.limit),
          repository.pairCounts(query.level, first, last, asked),
          repository.rollup(`code${query.level}`, 'any', first, last),
          repository.rollup('all', 'any', first, last)
        ])
        return { mine, morePairs, top, theirs, singles, totals }
      }
      // The audit row is written while the counts are read.
      const [, { mine, morePairs, top, theirs, singles, totals }] = await Promise.all([
        record(session, 'analysis.cooccurrence', query),
        read()
      ])
      const candidates = new Map<string, { a: string; b: string; n: number }>()
      for (const pair of [...top, ...theirs]) candidates.set(`${pair.a}|${pair.b}`, { ...pair, n: Number(pair.n) })
      for (const [key, n] of morePairs) {
        const [a, b] = key.split('|') as [string, string]
        candidates.set(key, { a, b, n: (candidates.get(key)?.n ?? 0) + n })
      }
      const pairs = [...candidates.values()]
        .filter((pair) => pair.n >= query.minCount)
        .sort((x, y) => y.n - x.n || x.a.localeCompare(y.a) || x.b.localeCompare(y.b))
        .slice(0, query.limit)
      const single = new Map<string, number>()
      const codesOf = (report: OwnReport) => valuesOf(report, `code${query.level}`, 'any')
      for (const row of add(singles, tally(mine, codesOf))) {
        single.set(row.value, (single.get(row.value) ?? 0) + Number(row.n))
      }
      const reports = total(add(totals, tally(mine, () => [''])))
      return {
        from: monthLabel(first),
        to: monthLabel(last),
        level: query.level,
        reports,
        method: LIFT_METHOD,
        pairs: pairs.map(({ a, b, n }) => {
          const countA = single.get(a) ?? 0
          const countB = single.get(b) ?? 0
          const count = Number(n)
          return { a, b, count, countA, countB, lift: (count * reports) / (countA * countB) }
        })
      }
    },

    rising: async (session: RequestSession, query: TRisingQuery): Promise<TRisingResponse> => {
      const { level, role, alpha } = query
      // The period as given (issue 14.5): a month is tested as a month, a quarter as a quarter; one that does not
      // match an interval asked for is refused rather than silently turned into the period around it.
      const given = query.period === undefined ? undefined : query.period.includes('-Q') ? 'quarter' : 'month'
      if (given !== undefined && query.interval !== undefined && given !== query.interval) {
        throw new AppError(
          'VALIDATION_FAILED',
          `period: ${query.period} is a ${given}, but interval is ${query.interval}; give a ${query.interval} or leave ` +
            'interval out.'
        )
      }
      const interval: Interval = query.interval ?? given ?? 'quarter'
      const baseline = query.baseline ?? RISING_DEFAULT_BASELINE[interval]
      const step = interval === 'month' ? 1 : 3
      // Default: the last period that has ended.
      const period = query.period
        ? periodOf((parsePeriod(query.period) as [number, number])[0], interval)
        : periodOf(monthIndexOfDate(clock()), interval) - step
      const baselineFirst = period - baseline * step
      const labels = labelsOf(await taxonomy.current())
      const mine = await repository.own(session.userId, baselineFirst, period + step - 1)
      const [allCounts, allTotals] = await Promise.all([
        repository.rollup(`code${level}`, role, baselineFirst, period + step - 1),
        repository.rollup('all', 'any', baselineFirst, period + step - 1)
      ])
      const counts = add(allCounts, tally(mine, (report) => valuesOf(report, `code${level}`, role)))
      const totals = add(allTotals, tally(mine, () => ['']))
      await record(session, 'analysis.rising', query)

      const isLatest = (row: MonthCount) => periodOf(monthIndexOfDate(row.month), interval) === period
      const reports = total(totals.filter(isLatest))
      const baselineReports = total(totals) - reports
      // Per period, oldest first: the baseline model needs each period, not only the pooled sums.
      const reportsBy = byPeriod(totals, interval)
      const countsBy = byPeriod(counts, interval)
      const baselinePeriods = Array.from({ length: baseline }, (_, i) => baselineFirst + i * step)
      const themes = new Map<string, { count: number; baselineCount: number }>()
      for (const row of counts) {
        const theme = themes.get(row.value) ?? { count: 0, baselineCount: 0 }
        if (isLatest(row)) theme.count += Number(row.n)
        else theme.baselineCount += Number(row.n)
        themes.set(row.value, theme)
      }
      const periodsPerYear = interval === 'month' ? 12 : 4
      const tested = [...themes.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([code, theme]) => {
        const series = baselinePeriods.map((p) => ({
          count: countsBy.get(p)?.get(code) ?? 0,
          reports: reportsBy.get(p)?.get('') ?? 0
        }))
        return { code, ...theme, result: testRise(series, { count: theme.count, reports }, { periodsPerYear, alpha }) }
      })
      const qValues = benjaminiHochberg(tested.map((theme) => theme.result.pValue))
      const rising = tested
        .map(({ code, count, baselineCount, result }, i) => ({
          code,
          label: labels.get(code) ?? code,
          count,
          share: reports === 0 ? 0 : count / reports,
          baselineCount,
          baselineShare: baselineReports === 0 ? 0 : baselineCount / baselineReports,
          pValue: result.pValue,
          qValue: qValues[i] ?? 1,
          ...themeModel(result)
        }))
        .filter((theme) => theme.qValue < alpha && theme.share > theme.baselineShare)
        .sort((a, b) => a.qValue - b.qValue || b.count - a.count || a.code.localeCompare(b.code))
      const fitted = tested.filter((theme) => theme.result.test === 'quasi-poisson').length
      const withReports = baselinePeriods.filter((p) => (reportsBy.get(p)?.get('') ?? 0) > 0).length
      return {
        test: RISING_TEST,
        period: periodLabel(period, interval),
        interval,
        baselineFrom: periodLabel(baselineFirst, interval),
        baselineTo: periodLabel(period - step, interval),
        level,
        role,
        alpha,
        reports,
        baselineReports,
        tested: tested.length,
        method: {
          name: 'quasi-poisson-farrington-noufaily',
          fallback: 'fisher-exact-mid-p',
          references: RISING_REFERENCES,
          baselinePeriods: baseline,
          baselineDefault: query.baseline === undefined,
          baselinePeriodsWithReports: withReports,
          trendFromPeriods: TREND_FROM_PERIODS,
          seasonalFromPeriods: SEASONAL_FROM_YEARS * periodsPerYear,
          minBaselinePeriods: MIN_BASELINE_PERIODS,
          fitted,
          exact: tested.length - fitted
        },
        family: {
          level,
          role,
          period: periodLabel(period, interval),
          themes: tested.length,
          procedure: 'Benjamini–Hochberg',
          alpha,
          scope: RISING_FAMILY
        },
        rising
      }
    }
  }
}

export type TrendsService = ReturnType<typeof createTrendsService>
