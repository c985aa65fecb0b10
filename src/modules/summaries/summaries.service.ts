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

type Tx = Parameters<Parameters<PublicationRepository['exclusive']>[0]>[0]
type Vocabulary = { version: number; labels: Map<string, string>; categories: Record<string, readonly string[]> }

export const createSummariesService = (deps: SummariesServiceDeps) => {
  const { repository, taxonomy, regions, afterDays, clock = () => new Date() } = deps

  /** The first day a quarter may be published: `afterDays` after its last day. */
  const publishableFrom = (first: number) =>
    new Date(Date.UTC(Math.floor(first / 12), (first % 12) + 3, 1) + (afterDays - 1) * DAY_MS)

  /** Checks the quarter's name and that it has been closed long enough; its first month. */
  const publishable = (quarter: string) => {
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
    return { first, today }
  }

  /**
   * The summaries a publication of `quarter` would freeze now, one per region, or an AppError saying why it cannot
   * be published. Called inside the publication lock, by publish (which stores them) and preview (which does not).
   */
  /** The taxonomy's labels and the categories of every cut, read before the publication lock is taken. */
  const vocabulary = async () => {
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
    return { version: current.version, labels, categories }
  }

  /**
   * The summaries a publication of `quarter` would freeze now, one per region, or an AppError saying why it cannot
   * be published. Called inside the publication lock, by publish (which stores them) and preview (which does not);
   * it reads only through `tx` (the embedded database has one connection, which the transaction holds).
   */
  const compose = async (tx: Tx, quarter: string, first: number, { version, labels, categories }: Vocabulary) => {
    const latest = await repository.latest(tx)
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
        taxonomyVersion: version,
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
    const reports = counts.filter((row) => row.cut === 'reports').reduce((sum, row) => sum + row.n, 0)
    return { snapshots, reports }
  }

  const publish = async (quarter: string): Promise<PublishOutcome> => {
    const { first, today } = publishable(quarter)
    const words = await vocabulary()
    return repository.exclusive(async (tx) => {
      if ((await repository.latest(tx)).quarter === quarter) return { outcome: 'already', quarter }
      const { snapshots, reports } = await compose(tx, quarter, first, words)
      await repository.store(tx, quarter, today, snapshots)
      return { outcome: 'published', quarter, regions: snapshots.length, reports }
    })
  }

  /**
   * The quarters an admin may publish now, newest first: closed for `afterDays`, after the latest publication, and
   * with Candid in use during them (as publish checks). At most the last two years, so a new install lists few.
   */
  const due = async (latest: string | null): Promise<string[]> => {
    const since = await repository.inUseSinceNow()
    if (since === null) return []
    const quarters: string[] = []
    let first = quarterStart(monthIndexOfDate(clock())) - 3
    while (toDateOnly(clock()) < publishableFrom(first)) first -= 3
    for (let n = 0; n < 8; n += 1, first -= 3) {
      const quarter = quarterLabel(first)
      const end = new Date(Date.UTC(Math.floor(first / 12), (first % 12) + 3, 1))
      if ((latest !== null && quarter <= latest) || since >= end) break
      quarters.push(quarter)
    }
    return quarters
  }

  return {
    publish,

    /** For the admins' console: the quarters published (oldest first) and those due (newest first). */
    overview: async () => {
      const published = await repository.published()
      return { regions: [...regions], published, due: await due(published.at(-1)?.quarter ?? null) }
    },

    /**
     * Exactly what `region`'s API key gets for `quarter` as JSON: the stored summary once published; before that,
     * what a publication now would freeze (nothing is stored, and the counts may still change until it happens).
     */
    preview: async (quarter: string, region: string) => {
      if (!regions.includes(region)) throw new AppError('NOT_FOUND', `There is no region ${region}.`)
      const found = await repository.find(quarter, region)
      if (found) return { published: true, json: found.json }
      const { first } = publishable(quarter)
      const words = await vocabulary()
      const { snapshots } = await repository.exclusive((tx) => compose(tx, quarter, first, words))
      const snapshot = snapshots.find((one) => one.region === region)
      if (!snapshot) throw new AppError('NOT_FOUND', `There is no region ${region}.`)
      return { published: false, json: snapshot.json }
    },

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
