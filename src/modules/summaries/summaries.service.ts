import { toDateOnly } from '../../lib/dates.js'
import { AppError } from '../../lib/errors.js'
import { dateOfMonthIndex, monthIndexOfDate, parsePeriod, quarterLabel, quarterStart } from '../../lib/periods.js'
import { DETECTIONS, EVENT_CLASSES, SETTINGS } from '../reports/reports.schemas.js'
import type { TaxonomyService } from '../taxonomy/taxonomy.service.js'
import { type PublicationRepository, scopeOf } from './publication.repository.js'
import { isApproved } from './learning-points.js'
import { buildSummary } from './summary.builder.js'

export type SummariesServiceDeps = {
  repository: PublicationRepository
  taxonomy: Pick<TaxonomyService, 'current'>
  regions: readonly string[]
  /** Days after a quarter ends before it may be published (R30: at least 14). */
  afterDays: number
  threshold: number
  base: number
  clock?: () => Date
}

export type PublishOutcome =
  | { outcome: 'published'; quarter: string; regions: number; reports: number }
  | { outcome: 'already'; quarter: string }

const DAY_MS = 86_400_000

export const createSummariesService = (deps: SummariesServiceDeps) => {
  const { repository, taxonomy, regions, afterDays, clock = () => new Date() } = deps

  /** The first day a quarter may be published: `afterDays` after its last day. */
  const publishableFrom = (first: number) =>
    new Date(Date.UTC(Math.floor(first / 12), (first % 12) + 3, 1) + (afterDays - 1) * DAY_MS)

  const publish = async (quarter: string): Promise<PublishOutcome> => {
    const range = parsePeriod(quarter)
    if (!range || !quarter.includes('-Q')) throw new AppError('VALIDATION_FAILED', 'quarter: expected YYYY-Qn.')
    const [first] = range
    const today = toDateOnly(clock())
    if (today < publishableFrom(first)) {
      throw new AppError(
        'CONFLICT',
        `${quarter} can be published from ${publishableFrom(first).toISOString().slice(0, 10)}: a quarter is ` +
          `published only once it has been closed for ${afterDays} days.`
      )
    }
    const current = await taxonomy.current()
    const labels = new Map<string, string>()
    for (const domain of current.document.domains) {
      labels.set(domain.code, domain.label)
      for (const group of domain.groups) labels.set(group.code, group.label)
    }
    const categories = {
      event_class: EVENT_CLASSES,
      detection: DETECTIONS,
      setting: SETTINGS,
      domain: current.document.domains.map((domain) => domain.code),
      group: current.document.domains.flatMap((domain) => domain.groups.map((group) => group.code))
    }
    return repository.exclusive(async (tx) => {
      const latest = await repository.latest(tx)
      if (latest.quarter === quarter) return { outcome: 'already', quarter }
      if (latest.quarter !== null && latest.quarter > quarter) {
        throw new AppError(
          'CONFLICT',
          `${quarter} comes before the latest publication (${latest.quarter}): quarters are published in order, and reports ` +
            'about earlier quarters count as late in the next one.'
        )
      }
      // First run (issue 14.1): a quarter before Candid was in use can hold no report, and publishing it empty
      // would only block the quarters after it. Its later reports (about it, arriving afterwards) are not lost:
      // the first publication takes every report about its quarter or an earlier one.
      const since = await repository.inUseSince(tx)
      const end = new Date(Date.UTC(Math.floor(first / 12), (first % 12) + 3, 1))
      if (since === null || since >= end) {
        const from = since === null ? 'has no report and no installation yet' : `has been in use since ${since.toISOString().slice(0, 10)}`
        throw new AppError(
          'CONFLICT',
          `${quarter} is not published: Candid ${from}, and a quarter is published only if Candid was in use during ` +
            'it (its installation or first report falls in or before it). The quarters before that are skipped.'
        )
      }
      const scope = scopeOf(quarter, latest)
      const counts = await repository.counts(tx, scope)
      const points = await repository.learningPoints(tx, scope)
      const actionCounts = await repository.actionCounts(tx, dateOfMonthIndex(scope.last + 1))
      const snapshots = regions.map((region) => ({
        region,
        ...buildSummary({
          quarter,
          region,
          taxonomyVersion: current.version,
          counts: counts.filter((row) => row.region === region),
          learningPoints: points
            .filter((point) => point.region === region && isApproved(point))
            .map(({ text, onTime }) => ({ text, onTime })),
          categories,
          labels,
          threshold: deps.threshold,
          base: deps.base,
          actionCounts
        })
      }))
      await repository.store(tx, quarter, today, snapshots)
      const reports = counts.filter((row) => row.cut === 'reports').reduce((sum, row) => sum + row.n, 0)
      return { outcome: 'published', quarter, regions: snapshots.length, reports }
    })
  }

  return {
    publish,

    /**
     * The automatic publication: the latest quarter that has been closed long enough, if it is not published yet
     * and nothing later is. Earlier quarters never published are not back-filled: their reports count as late.
     */
    publishDue: async (): Promise<PublishOutcome | null> => {
      const now = monthIndexOfDate(clock())
      let first = quarterStart(now) - 3
      while (toDateOnly(clock()) < publishableFrom(first)) first -= 3
      const outcome = await publish(quarterLabel(first)).catch((error: unknown) => {
        // A later quarter published by hand already, or Candid not yet in use during this one: nothing is due.
        if (error instanceof AppError && error.code === 'CONFLICT') return null
        throw error
      })
      return outcome?.outcome === 'published' ? outcome : null
    },

    /** The quarters published for one of an API key's regions, oldest first. */
    list: async (keyRegions: readonly string[], region: string) => {
      if (!keyRegions.includes(region)) throw new AppError('FORBIDDEN', 'This key does not cover that region.')
      return repository.quarters(region)
    }
  }
}

export type SummariesService = ReturnType<typeof createSummariesService>
