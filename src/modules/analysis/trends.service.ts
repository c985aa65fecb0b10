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
import { benjaminiHochberg, fisherGreater } from '../../lib/stats/fisher.js'
import type { RequestSession } from '../../plugins/sessions.js'
import type { AuditRepository } from '../audit/audit.repository.js'
import type { Taxonomy, TaxonomyService } from '../taxonomy/taxonomy.service.js'
import { type HeldReport, heldPairs, subtract, tally, valuesOf, passes } from './blind.js'
import type { Filters, MonthCount, Role, TrendsRepository } from './trends.repository.js'
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
  "One-sided Fisher's exact test per theme: is the theme's share of the period's coded reports greater than its " +
  'share of the baseline periods\' reports (pooled)? p-values are adjusted for the number of themes tested with ' +
  'the Benjamini–Hochberg procedure; a theme is rising when its adjusted p-value (qValue) is below alpha.'

export const LIFT_METHOD =
  'lift = count × reports / (countA × countB), over coded reports in the range (each report once, merged ' +
  'duplicates counted as their primary); both codes in any role.'

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

  /**
   * Where a trend is counted: with no filter, the rollups; with one filter on another dimension, the cross rollup;
   * otherwise the analysis record itself (slower at national scale: see docs/benchmarks.md).
   */
  const count = async ({ groupBy, level, dim, role, filters, first, last, held }: {
    groupBy: TTrendsQuery['groupBy']
    level: number
    dim: string
    role: Role
    filters: Filters
    first: number
    last: number
    /** The reports this lead may still code: left out (blind.ts). */
    held: readonly HeldReport[]
  }): Promise<[MonthCount[], MonthCount[]]> => {
    const a = { dim, role: groupBy === 'code' ? role : ('any' as Role) }
    const without = ([counts, totals]: [MonthCount[], MonthCount[]], kept: readonly HeldReport[],
      values: (report: HeldReport) => string[]): [MonthCount[], MonthCount[]] =>
      [subtract(counts, tally(kept, values)), subtract(totals, tally(kept, () => ['']))]
    const active = DIMENSIONS.filter((dimension) => filters[dimension] !== undefined)
    if (active.length === 0 && !filters.code) {
      const rows = await Promise.all([repository.rollup(a.dim, a.role, first, last), repository.rollup('all', 'any', first, last)])
      return without(rows, held, (report) => valuesOf(report, a.dim, a.role))
    }
    const [only] = active
    const single = filters.code
      ? active.length === 0 && groupBy !== 'code'
        ? { dim: `code${filters.code.level}`, role, value: filters.code.code }
        : undefined
      : active.length === 1 && only !== undefined && only !== groupBy
        ? { dim: repository.dimensionOf(only, 1), role: 'any' as Role, value: filters[only] as string }
        : undefined
    if (single) {
      const rows = await Promise.all([
        repository.cross(a, single, first, last),
        repository.rollupValue(single.dim, single.role, single.value, first, last)
      ])
      const kept = held.filter((report) => valuesOf(report, single.dim, single.role).includes(single.value))
      return without(rows, kept, (report) => valuesOf(report, a.dim, a.role))
    }
    const rows = await repository.filtered(groupBy, level, role, filters, first, last)
    const kept = held.filter((report) => passes(report, filters, role))
    return without(rows, kept, (report) =>
      groupBy === 'code' ? valuesOf(report, `code${level}`, role) : [report.fields[groupBy]])
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
      const dim = repository.dimensionOf(groupBy, level ?? 1)
      const held = await repository.held(session.userId, first, last)
      const [counts, totals] = await count({ groupBy, level: level ?? 1, dim, role, filters, first, last, held })
      await record(session, 'analysis.trends', query)

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
      const held = await repository.held(session.userId, first, last)
      const lessPairs = heldPairs(held, query.level)
      // A held report lowers only its own pairs: fetching that many more than the limit keeps the true top ones.
      const [fetched, singles, totals] = await Promise.all([
        repository.pairs(query.level, first, last, query.minCount, query.limit + lessPairs.size),
        repository.rollup(`code${query.level}`, 'any', first, last),
        repository.rollup('all', 'any', first, last)
      ])
      await record(session, 'analysis.cooccurrence', query)
      const pairs = fetched
        .map((pair) => ({ ...pair, n: Number(pair.n) - (lessPairs.get(`${pair.a}|${pair.b}`) ?? 0) }))
        .filter((pair) => pair.n >= query.minCount)
        .sort((x, y) => y.n - x.n || x.a.localeCompare(y.a) || x.b.localeCompare(y.b))
        .slice(0, query.limit)
      const single = new Map<string, number>()
      const codesOf = (report: HeldReport) => valuesOf(report, `code${query.level}`, 'any')
      for (const row of subtract(singles, tally(held, codesOf))) {
        single.set(row.value, (single.get(row.value) ?? 0) + Number(row.n))
      }
      const reports = total(subtract(totals, tally(held, () => [''])))
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
      const { level, role, alpha, baseline } = query
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
      const step = interval === 'month' ? 1 : 3
      // Default: the last period that has ended.
      const period = query.period
        ? periodOf((parsePeriod(query.period) as [number, number])[0], interval)
        : periodOf(monthIndexOfDate(clock()), interval) - step
      const baselineFirst = period - baseline * step
      const labels = labelsOf(await taxonomy.current())
      const held = await repository.held(session.userId, baselineFirst, period + step - 1)
      const [allCounts, allTotals] = await Promise.all([
        repository.rollup(`code${level}`, role, baselineFirst, period + step - 1),
        repository.rollup('all', 'any', baselineFirst, period + step - 1)
      ])
      const counts = subtract(allCounts, tally(held, (report) => valuesOf(report, `code${level}`, role)))
      const totals = subtract(allTotals, tally(held, () => ['']))
      await record(session, 'analysis.rising', query)

      const isLatest = (row: MonthCount) => periodOf(monthIndexOfDate(row.month), interval) === period
      const reports = total(totals.filter(isLatest))
      const baselineReports = total(totals) - reports
      const themes = new Map<string, { count: number; baselineCount: number }>()
      for (const row of counts) {
        const theme = themes.get(row.value) ?? { count: 0, baselineCount: 0 }
        if (isLatest(row)) theme.count += Number(row.n)
        else theme.baselineCount += Number(row.n)
        themes.set(row.value, theme)
      }
      const tested = [...themes.entries()].sort(([a], [b]) => a.localeCompare(b))
      const pValues = tested.map(([, { count, baselineCount }]) =>
        fisherGreater(count, reports - count, baselineCount, baselineReports - baselineCount)
      )
      const qValues = benjaminiHochberg(pValues)
      const rising = tested
        .map(([code, { count, baselineCount }], i) => ({
          code,
          label: labels.get(code) ?? code,
          count,
          share: reports === 0 ? 0 : count / reports,
          baselineCount,
          baselineShare: baselineReports === 0 ? 0 : baselineCount / baselineReports,
          pValue: pValues[i] ?? 1,
          qValue: qValues[i] ?? 1
        }))
        .filter((theme) => theme.qValue < alpha && theme.share > theme.baselineShare)
        .sort((a, b) => a.qValue - b.qValue || b.count - a.count || a.code.localeCompare(b.code))
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
        rising
      }
    }
  }
}

export type TrendsService = ReturnType<typeof createTrendsService>
