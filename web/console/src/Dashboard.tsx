import { useEffect, useRef, useState } from 'preact/hooks'
import { api, ApiError } from './api.js'
import { downloadCsv, drawLines, type Series } from './charts.js'
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
type Cooccurrence = { reports: number; pairs: { a: string; b: string; count: number; lift: number }[] }
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
    return () => chart.destroy()
  }, [trends])
  const rows = [['Period', 'Coded reports', ...keys.map(name)], ...trends.periods.map((p, i) =>
    [p.period, p.reports, ...series.map((s) => (s.values[i] === null ? '' : `${s.counts[i]} (${pct(s.values[i] ?? null)})`))])]
  return (
    <div class='chart-and-table'>
      <div class='chart'>
        <canvas ref={canvas} role='img' aria-label='Line chart of theme shares by period; the table beside it has the same figures' />
      </div>
      <div class='table-wrap'>
        <table id='trends-table'>
          <caption>Themes by period: reports (share of coded reports)</caption>
          <thead><tr>{rows[0]?.map((cell) => <th scope='col' key={cell}>{cell}</th>)}</tr></thead>
          <tbody>{rows.slice(1).map((row) => (
            <tr key={row[0]}>{row.map((cell, i) => (i === 0 ? <th scope='row' key={i}>{cell}</th> : <td key={i}>{cell}</td>))}</tr>
          ))}
          </tbody>
        </table>
      </div>
      <button type='button' class='secondary' onClick={() => downloadCsv('themes-by-period.csv', rows)}>
        Download the themes table (CSV)
      </button>
    </div>
  )
}

const heat = (lift: number) => {
  // Lift 1 is white; up to lift 4 and above, deep blue. Set through the CSSOM, which the CSP allows.
  const strength = Math.min(1, Math.max(0, (lift - 1) / 3))
  return `rgb(${Math.round(255 - 200 * strength)}, ${Math.round(255 - 140 * strength)}, 255)`
}

export const Dashboard = () => {
  const [filters, setFilters] = useState<DashboardFilters>(() => filtersFromUrl(location.search))
  const [trends, setTrends] = useState<Trends | null>(null)
  const [rising, setRising] = useState<Rising | null>(null)
  const [pairs, setPairs] = useState<Cooccurrence | null>(null)
  const [agreement, setAgreement] = useState<Agreement | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    writeUrl(filters)
    const range = { from: filters.from, to: filters.to }
    const fail = (caught: unknown) => setError(caught instanceof ApiError ? caught.message : 'The figures could not be loaded.')
    api.get<Trends>('/analysis/trends', { ...range, interval: filters.interval, level: filters.level, role: filters.role, region: filters.region })
      .then(setTrends, fail)
    api.get<Rising>('/analysis/rising', { interval: filters.interval, level: filters.level, role: filters.role }).then(setRising, fail)
    api.get<Cooccurrence>('/analysis/cooccurrence', { ...range, level: filters.level, limit: 30 }).then(setPairs, fail)
    api.get<Agreement>('/analysis/agreement', {}).then(setAgreement, fail)
  }, [filters])

  const set = (key: keyof DashboardFilters) => (event: Event) =>
    setFilters({ ...filters, [key]: (event.currentTarget as HTMLInputElement).value })

  const pairRows = [['Code A', 'Code B', 'Reports with both', 'Lift'], ...(pairs?.pairs ?? []).map((p) => [p.a, p.b, p.count, p.lift.toFixed(2)])]
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
        <div><label for='d-from'>From</label><input id='d-from' type='month' value={filters.from} onChange={set('from')} /></div>
        <div><label for='d-to'>To</label><input id='d-to' type='month' value={filters.to} onChange={set('to')} /></div>
        <div><label for='d-region'>Region</label><input id='d-region' value={filters.region} onChange={set('region')} /></div>
      </form>
      <section aria-labelledby='trends-heading'>
        <h2 id='trends-heading'>Theme shares by {filters.interval}</h2>
        {trends && <TrendsChart trends={trends} />}
      </section>
      <section aria-labelledby='rising-heading'>
        <h2 id='rising-heading'>Rising themes</h2>
        {rising && (
          <>
            <p>{rising.period} ({rising.reports} coded reports) compared with {rising.baselineFrom} to{' '}
              {rising.baselineTo} ({rising.baselineReports});
              {' '}{rising.tested} themes tested, {rising.test}.
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
            <div class='table-wrap'>
              <table id='pairs-table' class='heat'>
                <caption>
                  Pairs of codes on the same reports; darker cells have a higher lift (above 1: together more than by
                  chance)
                </caption>
                <thead><tr>{pairRows[0]?.map((c) => <th scope='col' key={c}>{c}</th>)}</tr></thead>
                <tbody>{(pairs.pairs).map((p) => (
                  <tr key={`${p.a}|${p.b}`}>
                    <th scope='row'>{p.a}</th><td>{p.b}</td><td>{p.count}</td>
                    <td ref={(cell) => { if (cell) cell.style.backgroundColor = heat(p.lift) }}>{p.lift.toFixed(2)}</td>
                  </tr>
                ))}
                </tbody>
              </table>
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

const Table = ({ id, caption, rows }: { id: string; caption: string; rows: (string | number)[][] }) => (
  <div class='table-wrap'>
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
