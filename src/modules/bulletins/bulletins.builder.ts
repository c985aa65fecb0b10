import { redact } from '../../lib/redaction/index.js'
import { SUPPRESSED_SYMBOL, type TSummary } from '../summaries/summaries.schemas.js'
import { NATIONAL, type TBulletinContent } from './bulletins.schemas.js'

/**
 * A bulletin's content from what is already public to the regional groups: the quarter's frozen summaries (their
 * rounded, suppressed values; their learning points, which passed the summary's rules: two approvals, rows of at
 * least SUPPRESS_BELOW reports), the alerts issued and the actions completed. Nothing is counted afresh from reports,
 * so the bulletin can say nothing narrower than the summaries; the national figures are sums of published values.
 */

type Value = number | typeof SUPPRESSED_SYMBOL

export type BulletinInput = {
  quarter: string
  scope: string
  regionName: (slug: string) => string
  /** The quarter's published summaries of the regions in scope (one for a region, all for the country). */
  summaries: readonly TSummary[]
  previous: { quarter: string; summaries: readonly TSummary[] } | null
  labels: ReadonlyMap<string, string>
  alerts: readonly { hazard: string; step: string; themes: string[]; issuedOn: string }[]
  actions: readonly { description: string; owner: string; themes: string[]; outcome: string; completedOn: string }[]
}

const TOP_THEMES = 8
const RISING = 5

/** Again through the redaction: a learning point or action written before a rule was added gets it now. */
const clean = (text: string) => redact(text).redacted

/**
 * Adds published values up: a hidden value adds nothing (so a national figure may be below the truth, as its note
 * says), and a sum of 0 with a hidden value in it stays hidden rather than reading as 0.
 */
const sum = (values: readonly (Value | undefined)[]): Value => {
  const total = values.reduce<number>((all, value) => all + (typeof value === 'number' ? value : 0), 0)
  return total === 0 && values.some((value) => value === SUPPRESSED_SYMBOL) ? SUPPRESSED_SYMBOL : total
}

/** The on-time row of the group table of each summary, as code → summed published value. */
const groupValues = (summaries: readonly TSummary[]): Map<string, Value> => {
  const perCode = new Map<string, Value[]>()
  for (const summary of summaries) {
    const table = summary.tables.find((entry) => entry.cut === 'group')
    const row = table?.rows.find((entry) => entry.row === 'on_time')
    table?.categories.forEach((code, i) => perCode.set(code, [...(perCode.get(code) ?? []), row?.values[i] ?? 0]))
  }
  return new Map([...perCode].map(([code, values]) => [code, sum(values)]))
}

const noteFor = (summary: TSummary | undefined, national: boolean) =>
  [
    summary?.disclosure.note ?? '',
    national
      ? 'National figures add up the regions\' published figures: a hidden cell or a withheld region adds nothing, so ' +
        'a national figure may be lower than the true one.'
      : '',
    'Rising themes compare published figures of this quarter and the previous published quarter only.'
  ].filter(Boolean).join(' ')

export const buildBulletin = (input: BulletinInput): TBulletinContent => {
  const national = input.scope === NATIONAL
  const shown = input.summaries.filter((summary) => summary.status === 'published')
  const first = input.summaries[0]
  const place = national ? 'England' : input.regionName(input.scope)
  const label = (code: string) => input.labels.get(code) ?? code

  const current = groupValues(shown)
  const themes = [...current]
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number' && entry[1] > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, TOP_THEMES)
    .map(([code, count]) => ({ code, label: label(code), count }))

  const before = input.previous ? groupValues(input.previous.summaries.filter((s) => s.status === 'published')) : null
  const rising = before
    ? [...current]
        .map(([code, value]) => ({ code, current: value, previous: before.get(code) }))
        .filter((entry): entry is { code: string; current: number; previous: number } =>
          typeof entry.current === 'number' && typeof entry.previous === 'number' && entry.current > entry.previous)
        .sort((a, b) => b.current - b.previous - (a.current - a.previous) || a.code.localeCompare(b.code))
        .slice(0, RISING)
        .map(({ code, previous, current }) => ({ code, label: label(code), previous, current }))
    : []

  const points = [...new Set(shown.flatMap((summary) => summary.learningPoints).map(clean))].sort()
  return {
    quarter: input.quarter,
    scope: input.scope,
    title: `Learning bulletin ${input.quarter}: ${place}`,
    introduction: '',
    disclosure: {
      suppressedBelow: first?.disclosure.suppressedBelow ?? 0,
      roundedTo: first?.disclosure.roundedTo ?? 0,
      marker: SUPPRESSED_SYMBOL,
      note: noteFor(first, national)
    },
    headline: {
      status: shown.length > 0 ? 'published' : 'withheld',
      reportsOnTime: shown.length > 0 ? sum(shown.map((summary) => summary.reports?.onTime)) : null,
      reportsLate: shown.length > 0 ? sum(shown.map((summary) => summary.reports?.late)) : null
    },
    themes,
    rising: { previousQuarter: input.previous?.quarter ?? null, themes: rising },
    learningPoints: points.map((text) => ({ text, commentary: '' })),
    alerts: input.alerts.map((alert) => ({ ...alert, hazard: clean(alert.hazard), step: clean(alert.step) })),
    actions: input.actions.map((action) => ({
      ...action,
      description: clean(action.description),
      owner: clean(action.owner),
      outcome: clean(action.outcome)
    }))
  }
}
