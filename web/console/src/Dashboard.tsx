import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import { api, ApiError } from './api.js'
import { downloadCsv, drawLines, drawStacked, heatColours, LEGEND_LIMIT, type Series } from './charts.js'
import { ErrorSummary } from './ui.js'

type Trends = {
  from: string
  to: string
  labels: Record<string, string>
  periods: { period: string; reports: number; groups: { key: string; count: number; share: number | null }[] }[]
}
type Rising = {
  test: string
  period: string
  baselineFrom: string
  baselineTo: string
  reports: number
  baselineReports: number
  tested: number
  rising: {
    code: string
    label: string
    count: number
    share: number
    baselineShare: number
    pValue: number
    qValue: number
  }[]
}
type Pair = { a: string; b: string; count: number; countA: number; countB: number; lift: number }
type Cooccurrence = { reports: number; pairs: Pair[] }
type Agreement = {
  doubleCodedReports: number
  codedReports: number
  overall: { kappa: number | null }
  codes: { code: string; kappa: number | null; both: number; firstOnly: number; secondOnly: number }[]
}

/** The dashboard's filters: all of them live in the address, so a view can be shared (no narrative, no report id). */
export type DashboardFilters = { interval: 'month' | 'quarter'; level: string; role: string; from: string; to: string; region: string }
const KEYS = ['interval', 'level', 'role', 'from', 'to', 'region'] as const
export const filtersFromUrl = (search: string): DashboardFilters => {
  const params = new URLSearchParams(search)
  return {
    interval: params.get('interval') === 'quarter' ? 'quarter' : 'month',
    level: ['1', '2', '3'].includes(params.get('level') ?? '') ? (params.get('level') as string) : '1',
    role: ['contributing', 'mitigating'].includes(params.get('role') ?? '') ? (params.get('role') as string) : 'any',
    from: params.get('from')?.slice(0, 7) ?? '',
    to: params.get('to')?.slice(0, 7) ?? '',
    region: params.get('region')?.slice(0, 64) ?? ''
  }
}
const writeUrl = (filters: DashboardFilters) => {
  const params = new URLSearchParams({ view: 'dashboard' })
  for (const key of KEYS) {
    if (filters[key]) {
      params.set(key, filters[key])
    }
  }
  history.replaceState(null, '', `/console?${params.toString()}`)
}

const pct = (value: number | null) => (value === null ? '–' : `${(value * 100).toFixed(1)}%`)

const TrendsChart = ({ trends }: { trends: Trends }) => {
  const canvas = useRef<HTMLCanvasElement>(null)
  const periods = trends.periods.map((p) => p.period)
  const keys = [...new Set(trends.periods.flatMap((p) => p.groups.map((g) => g.key)))].sort()
  const name = (key: string) => (trends.labels[key] ? `${key} ${trends.labels[key]}` : key)
  const series: Series[] = keys.map((key) => {
    const cells = trends.periods.map((p) => p.groups.find((g) => g.key === key))
    return { label: name(key), values: cells.map((c) => c?.share ?? null), counts: cells.map((c) => c?.count ?? 0) }
  })
  useEffect(() => {
    if (!canvas.current) {
      return
    }
    const chart = drawLines(canvas.current, periods, series)
    drawn('trends')
    return () => chart.destroy()
  }, [trends])
  const rows = [['Period', 'Coded reports', ...keys.map(name)], ...trends.periods.map((p, i) =>
    [p.period, p.reports, ...series.map((s) => (s.values[i] === null ? '' : `${s.counts[i]} (${pct(s.values[i] ?? null)})`))])]
  return (
    <div class='chart-and-table'>
      {series.length > LEGEND_LIMIT && (
        <p class='hint'>{series.length} themes: hover over a line for its name and counts; the table names them all.</p>
      )}
      <div class='chart'>
        <canvas ref={canvas} role='img' aria-label='Line chart of theme shares by period; the table beside it has the same figures' />
      </div>
      <Table id='trends-table' caption='Themes by period: reports (share of coded reports)' label='Themes by period, table' rows={rows} />
      <button type='button' class='secondary' onClick={() => downloadCsv('themes-by-period.csv', rows)}>
        Download the themes table (CSV)
      </button>
    </div>
  )
}

/**
 * Performance marks (User Timing) for bench/console-charts.ts: when an answer arrived and when its chart and table
 * were drawn. They hold no data, only names, and cost nothing measurable.
 */
const answered = (name: string) => performance.mark(`candid:answer:${name}`)
const drawn = (name: string) => performance.mark(`candid:drawn:${name}`)

/**
 * Stacked shares by domain: each period's domain mentions as parts of 100 % (a report coded in two domains counts
 * once in each), from the trends answer at level 1.
 */
const StackedDomains = ({ trends }: { trends: Trends }) => {
  const canvas = useRef<HTMLCanvasElement>(null)
  const periods = trends.periods.map((p) => p.period)
  const keys = [...new Set(trends.periods.flatMap((p) => p.groups.map((g) => g.key)))].sort()
  const name = (key: string) => (trends.labels[key] ? `${key} ${trends.labels[key]}` : key)
  const totals = trends.periods.map((p) => p.groups.reduce((sum, g) => sum + g.count, 0))
  const series: Series[] = keys.map((key) => {
    const counts = trends.periods.map((p) => p.groups.find((g) => g.key === key)?.count ?? 0)
    return { label: name(key), counts, values: counts.map((c, i) => (totals[i] ? c / (totals[i] as number) : null)) }
  })
  useEffect(() => {
    if (!canvas.current) {
      return
    }
    const chart = drawStacked(canvas.current, periods, series, 'Share of domain mentions (%)')
    drawn('domains')
    return () => chart.destroy()
  }, [trends])
  const rows = [['Period', 'Domain mentions', ...keys.map(name)], ...trends.periods.map((p, i) =>
    [p.period, totals[i] ?? 0, ...series.map((s) => (s.values[i] === null ? '' : `${s.counts[i]} (${pct(s.values[i] ?? null)})`))])]
  return (
    <div class='chart-and-table'>
      <div class='chart'>
        <canvas ref={canvas} role='img' aria-label='Stacked bar chart of domain shares by period; the table beside it has the same figures' />
      </div>
      <Table id='domains-table' caption='Domains by period: mentions (share of all domain mentions)' label='Domains by period, table' rows={rows} />
      <button type='button' class='secondary' onClick={() => downloadCsv('domains-by-period.csv', rows)}>
        Download the domains table (CSV)
      </button>
    </div>
  )
}

/** At most this many codes on each side of the heat map (those of the strongest pairs): more would not be read. */
const HEAT_CODES = 12

/**
 * Co-occurrence as a heat map: codes against codes, each cell coloured by lift with its lift and count written in
 * it (and on hover); the pairs table beside it has the same figures, and the CSV.
 */
const HeatMap = ({ pairs }: { pairs: Cooccurrence }) => {
  const codes: string[] = []
  for (const pair of pairs.pairs) {
    for (const code of [pair.a, pair.b]) {
      if (!codes.includes(code) && codes.length < HEAT_CODES) {
        codes.push(code)
      }
    }
  }
  codes.sort()
  const cell = new Map(pairs.pairs.flatMap((p) => [[`${p.a}|${p.b}`, p], [`${p.b}|${p.a}`, p]] as const))
  useEffect(() => {
    drawn('heatmap')
  }, [pairs])
  if (codes.length === 0) {
    return <p>No two codes appear on the same report yet.</p>
  }
  return (
    <div class='table-wrap' tabIndex={0} role='region' aria-label='Heat map of lift'>
      <table id='heatmap' class='heatmap'>
        <caption>
          Heat map of lift between codes (darker: together more often than by chance; lift, then reports with both)
        </caption>
        <thead><tr><td />{codes.map((code) => <th scope='col' key={code}>{code}</th>)}</tr></thead>
        <tbody>
          {codes.map((row) => (
            <tr key={row}>
              <th scope='row'>{row}</th>
              {codes.map((col) => {
                const pair = row === col ? undefined : cell.get(`${row}|${col}`)
                if (!pair) {
                  return <td key={col} class='cell'>–</td>
                }
                const colours = heatColours(pair.lift)
                const hover = `${row} with ${col}: ${pair.count} report${pair.count === 1 ? '' : 's'}, lift ${pair.lift.toFixed(2)}`
                return (
                  <td
                    key={col} class='cell' title={hover}
                    // Colours through the CSSOM, which the strict CSP allows (an inline style attribute it would not).
                    ref={(td) => {
                      if (td) {
                        td.style.backgroundColor = colours.background
                        td.style.color = colours.text
                      }
                    }}
                  >
                    {pair.lift.toFixed(1)}<br /><span class='visually-hidden'>lift, </span>{pair.count}
                    <span class='visually-hidden'> report{pair.count === 1 ? '' : 's'}</span>
                  </td>
                )
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

export const Dashboard = () => {
  const [filters, setFilters] = useState<DashboardFilters>(() => filtersFromUrl(location.search))
  const [trends, setTrends] = useState<Trends | null>(null)
  const [domains, setDomains] = useState<Trends | null>(null)
  const [rising, setRising] = useState<Rising | null>(null)
  const [pairs, setPairs] = useState<Cooccurrence | null>(null)
  const [agreement, setAgreement] = useState<Agreement | null>(null)
  const [error, setError] = useState<string | null>(null)
  // The four answers arrive one by one, each re-rendering the page: a chart (and its table) is rebuilt only when
  // its own answer changes, since Preact skips a subtree whose element is the same object as last time.
  const trendsView = useMemo(() => trends && <TrendsChart trends={trends} />, [trends])
  const domainsView = useMemo(() => domains && <StackedDomains trends={domains} />, [domains])
  const heatView = useMemo(() => pairs && <HeatMap pairs={pairs} />, [pairs])

  useEffect(() => {
    writeUrl(filters)
    const range = { from: filters.from, to: filters.to }
    const fail = (caught: unknown) => setError(caught instanceof ApiError ? caught.message : 'The figures could not be loaded.')
    const trendsQuery = { ...range, interval: filters.interval, role: filters.role, region: filters.region }
    api.get<Trends>('/analysis/trends', { ...trendsQuery, level: filters.level })
      .then((answer) => { answered('trends'); setTrends(answer) }, fail)
    // The stacked domains chart is always at level 1, whatever level the lines show.
    api.get<Trends>('/analysis/trends', { ...trendsQuery, level: 1 })
      .then((answer) => { answered('domains'); setDomains(answer) }, fail)
    api.get<Rising>('/analysis/rising', { interval: filters.interval, level: filters.level, role: filters.role }).then(setRising, fail)
    api.get<Cooccurrence>('/analysis/cooccurrence', { ...range, level: filters.level, limit: 30 })
      .then((answer) => { answered('heatmap'); setPairs(answer) }, fail)
    api.get<Agreement>('/analysis/agreement', {}).then(setAgreement, fail)
  }, [filters])

  const set = (key: keyof DashboardFilters) => (event: Event) =>
    setFilters({ ...filters, [key]: (event.currentTarget as HTMLInputElement).value })

  const pairRows = [['Code A', 'Code B', 'Reports with both', 'Reports with A', 'Reports with B', 'Lift'],
    ...(pairs?.pairs ?? []).map((p) => [p.a, p.b, p.count, p.countA, p.countB, p.lift.toFixed(2)])]
  const risingRows = [['Code', 'Theme', 'Reports', 'Share', 'Baseline share', 'p', 'Adjusted p (BH)'],
    ...(rising?.rising ?? []).map((t) => [
      t.code, t.label, t.count, pct(t.share), pct(t.baselineShare), t.pValue.toPrecision(2), t.qValue.toPrecision(2)
    ])]
  const kappaRows = [['Code', 'Kappa', 'Both', 'First only', 'Second only'],
    ...(agreement?.codes ?? []).map((c) => [c.code, c.kappa === null ? '–' : c.kappa.toFixed(2), c.both, c.firstOnly, c.secondOnly])]

  return (
    <main id='main' class='dashboard'>
      <h1>Themed trends</h1>
      <ErrorSummary messages={error ? [error] : []} />
      <form class='filters no-print' aria-label='Dashboard filters' onSubmit={(e) => e.preventDefault()}>
        <div><label for='d-interval'>Interval</label>
          <select id='d-interval' value={filters.interval} onChange={set('interval')}>
            <option value='month'>Month</option><option value='quarter'>Quarter</option>
          </select>
        </div>
        <div><label for='d-level'>Taxonomy level</label>
          <select id='d-level' value={filters.level} onChange={set('level')}>
            <option value='1'>Domains</option><option value='2'>Groups</option><option value='3'>Codes</option>
          </select>
        </div>
        <div><label for='d-role'>Codes that</label>
          <select id='d-role' value={filters.role} onChange={set('role')}>
            <option value='any'>Contributed or mitigated</option><option value='contributing'>Contributed</option>
            <option value='mitigating'>Mitigated</option>
          </select>
        </div>
        <div><label for='d-from'>From</label><input id='d-from' type='month' placeholder='YYYY-MM' pattern='[0-9]{4}-[0-9]{2}' value={filters.from} onChange={set('from')} /></div>
        <div><label for='d-to'>To</label><input id='d-to' type='month' placeholder='YYYY-MM' pattern='[0-9]{4}-[0-9]{2}' value={filters.to} onChange={set('to')} /></div>
        <div><label for='d-region'>Region</label><input id='d-region' value={filters.region} onChange={set('region')} /></div>
      </form>
      <section aria-labelledby='trends-heading'>
        <h2 id='trends-heading'>Theme shares by {filters.interval}</h2>
        {trendsView}
      </section>
      <section aria-labelledby='domains-heading'>
        <h2 id='domains-heading'>Shares by domain, stacked</h2>
        {domainsView}
      </section>
      <section aria-labelledby='rising-heading'>
        <h2 id='rising-heading'>Rising themes</h2>
        {rising && (
          <>
            <p>{rising.period} ({rising.reports} coded reports) compared with {rising.baselineFrom} to{' '}
              {rising.baselineTo} ({rising.baselineReports});
              {' '}{rising.tested} themes tested, {rising.test.replace(/\.+$/, '')}.
            </p>
            {rising.rising.length === 0 ? <p>No theme is rising significantly.</p> : <Table id='rising-table' caption='Rising themes' rows={risingRows} />}
            <button type='button' class='secondary' onClick={() => downloadCsv('rising-themes.csv', risingRows)}>Download rising themes (CSV)</button>
          </>
        )}
      </section>
      <section aria-labelledby='pairs-heading'>
        <h2 id='pairs-heading'>Codes that occur together</h2>
        {pairs && (
          <>
            <p>{pairs.reports} coded reports; the {HEAT_CODES} codes of the strongest pairs at most.</p>
            <div class='chart-and-table'>
              {heatView}
              <Table id='pairs-table' caption='Pairs of codes on the same reports, with lift' rows={pairRows} />
            </div>
            <button type='button' class='secondary' onClick={() => downloadCsv('co-occurrence.csv', pairRows)}>Download co-occurrence (CSV)</button>
          </>
        )}
      </section>
      <section aria-labelledby='kappa-heading'>
        <h2 id='kappa-heading'>Agreement between coders</h2>
        {agreement && (
          <>
            <p>{agreement.doubleCodedReports} of {agreement.codedReports} coded reports were coded twice; overall kappa
              {' '}{agreement.overall.kappa === null ? '–' : agreement.overall.kappa.toFixed(2)}.
            </p>
            <Table id='kappa-table' caption='Kappa per code' rows={kappaRows} />
            <button type='button' class='secondary' onClick={() => downloadCsv('agreement.csv', kappaRows)}>Download agreement (CSV)</button>
          </>
        )}
      </section>
    </main>
  )
}

// Every table box is a focusable region: a wide table scrolls sideways inside it, and a keyboard user must be able
// to scroll it too (WCAG 2.1.1; axe's scrollable-region-focusable).
const Table = (
  { id, caption, label, rows }: { id: string; caption: string; label?: string; rows: (string | number)[][] }
) => (
  <div class='table-wrap' tabIndex={0} role='region' aria-label={label ?? caption}>
    <table id={id}>
      <caption>{caption}</caption>
      <thead><tr>{rows[0]?.map((c) => <th scope='col' key={c}>{c}</th>)}</tr></thead>
      <tbody>{rows.slice(1).map((row, r) => (
        <tr key={r}>{row.map((cell, i) => (i === 0 ? <th scope='row' key={i}>{cell}</th> : <td key={i}>{cell}</td>))}</tr>
      ))}
      </tbody>
    </table>
  </div>
)
