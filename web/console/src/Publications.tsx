import { useEffect, useState } from 'preact/hooks'
import { api, ApiError } from './api.js'
import { ErrorSummary, label } from './ui.js'

type Overview = { regions: string[]; published: { quarter: string; publishedOn: string }[]; due: string[] }
type Value = number | string
type Row = { row: string; values: Value[]; total: Value }
type Summary = {
  quarter: string
  region: string
  taxonomyVersion: number
  status: 'published' | 'withheld'
  disclosure: { suppressedBelow: number; roundedTo: number; marker: string; note: string }
  reports: { onTime: Value; late: Value } | null
  tables: { cut: string; counts: string; categories: string[]; rows: Row[] }[]
  topThemes: { code: string; label: string; count: number; share: number | null }[]
  learningPoints: string[]
  actions?: { counts: string; categories: string[]; rows: Row[] } | null
}
type Preview = { published: boolean; summary: Summary }

/** One table of a summary, as the region reads it: a row per on-time/late (or action status), a column per category. */
const CountsTable = ({ caption, categories, rows }: { caption: string; categories: string[]; rows: Row[] }) => (
  <div class='table-wrap' tabIndex={0} role='region' aria-label={`${caption}, scrollable`}>
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope='col'>Row</th>
          {categories.map((category) => <th scope='col' key={category}>{label(category)}</th>)}
          <th scope='col'>Total</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.row}>
            <th scope='row'>{label(row.row)}</th>
            {row.values.map((value, i) => <td key={categories[i]}>{value}</td>)}
            <td>{row.total}</td>
          </tr>
        ))}
      </tbody>
    </table>
  </div>
)

const SummaryView = ({ preview }: { preview: Preview }) => {
  const { summary } = preview
  return (
    <section aria-labelledby='preview-heading'>
      <h2 id='preview-heading'>{summary.region}, {summary.quarter}</h2>
      <p class='notice'>
        {preview.published
          ? 'Published: this is the frozen summary the region’s API key receives, byte for byte the same JSON.'
          : 'Not published yet: this is what publishing now would freeze. Counts may still change until then.'}
      </p>
      <dl class='facts'>
        <dt>Status</dt><dd>{summary.status === 'withheld' ? 'Withheld (too few reports for any table)' : 'Published'}</dd>
        <dt>Taxonomy version</dt><dd>{summary.taxonomyVersion}</dd>
        <dt>Reports on time</dt><dd>{summary.reports?.onTime ?? '–'}</dd>
        <dt>Reports late</dt><dd>{summary.reports?.late ?? '–'}</dd>
        <dt>Disclosure control</dt><dd>{summary.disclosure.note}</dd>
      </dl>
      {summary.tables.map((table) => (
        <CountsTable key={table.cut} caption={`${label(table.cut)}: ${table.counts}`} categories={table.categories} rows={table.rows} />
      ))}
      {summary.topThemes.length > 0 && (
        <div class='table-wrap' tabIndex={0} role='region' aria-label='Top themes, scrollable'>
          <table>
            <caption>Top themes</caption>
            <thead><tr><th scope='col'>Theme</th><th scope='col'>Reports</th><th scope='col'>Share of on-time reports</th></tr></thead>
            <tbody>
              {summary.topThemes.map((theme) => (
                <tr key={theme.code}>
                  <th scope='row'>{theme.code} {theme.label}</th>
                  <td>{theme.count}</td>
                  <td>{theme.share === null ? '–' : `${Math.round(theme.share * 100)}%`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {summary.actions && (
        <CountsTable caption={`Actions: ${summary.actions.counts}`} categories={summary.actions.categories} rows={summary.actions.rows} />
      )}
      <h3>Learning points</h3>
      {summary.learningPoints.length === 0
        ? <p>None approved for publication.</p>
        : <ul>{summary.learningPoints.map((point) => <li key={point}>{point}</li>)}</ul>}
    </section>
  )
}

/** Quarterly publications: what is published, publishing a due quarter, and a preview of what a region receives. */
export const Publications = () => {
  const [overview, setOverview] = useState<Overview | null>(null)
  const [quarter, setQuarter] = useState('')
  const [region, setRegion] = useState('')
  const [preview, setPreview] = useState<Preview | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)

  const load = async () => {
    const answer = await api.get<Overview>('/publications')
    setOverview(answer)
    setQuarter((current) => current || answer.due[0] || answer.published.at(-1)?.quarter || '')
    setRegion((current) => current || answer.regions[0] || '')
  }
  useEffect(() => {
    load().catch(() => setError('The publications could not be loaded.'))
  }, [])

  const act = async (what: () => Promise<void>) => {
    setError(null)
    setDone(null)
    try {
      await what()
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'That did not work.')
    }
  }
  const publish = (due: string) =>
    act(async () => {
      const outcome = await api.post<{ outcome: string; regions?: number; reports?: number }>(`/publications/${due}`)
      setDone(outcome.outcome === 'already'
        ? `${due} was already published; a publication never changes.`
        : `Published ${due}: ${outcome.regions} regions, ${outcome.reports} reports.`)
      setPreview(null)
      await load()
    })
  const show = (event: Event) => {
    event.preventDefault()
    return act(async () => setPreview(await api.get<Preview>(`/publications/${quarter}/regions/${encodeURIComponent(region)}`)))
  }
  const quarters = overview ? [...overview.due, ...overview.published.map((one) => one.quarter).reverse()] : []

  return (
    <main id='main'>
      <h1>Publications</h1>
      <ErrorSummary messages={error ? [error] : []} />
      {done && <p class='notice' role='status'>{done}</p>}
      {overview && (
        <>
          <h2>Due to publish</h2>
          {overview.due.length === 0
            ? <p>No quarter is due: the next is published once it has been closed long enough.</p>
            : (
              <ul>
                {overview.due.map((due) => (
                  <li key={due}>
                    {due}{' '}
                    <button type='button' onClick={() => publish(due)}>Publish {due}</button>
                  </li>
                ))}
              </ul>
              )}
          <h2>Published</h2>
          {overview.published.length === 0
            ? <p>Nothing has been published yet.</p>
            : (
              <ul>
                {overview.published.map((one) => <li key={one.quarter}>{one.quarter}, published {one.publishedOn}</li>)}
              </ul>
              )}
          <form onSubmit={show}>
            <h2>Preview what a region receives</h2>
            <div class='filters'>
              <div>
                <label for='preview-quarter'>Quarter</label>
                <select id='preview-quarter' value={quarter} onChange={(e) => setQuarter(e.currentTarget.value)}>
                  {quarters.map((one) => <option key={one} value={one}>{one}</option>)}
                </select>
              </div>
              <div>
                <label for='preview-region'>Region</label>
                <select id='preview-region' value={region} onChange={(e) => setRegion(e.currentTarget.value)}>
                  {overview.regions.map((one) => <option key={one} value={one}>{one}</option>)}
                </select>
              </div>
            </div>
            <button type='submit' disabled={quarters.length === 0}>Show preview</button>
          </form>
          {preview && <SummaryView preview={preview} />}
        </>
      )}
    </main>
  )
}
