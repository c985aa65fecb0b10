import { useEffect, useState } from 'preact/hooks'
import { api, ApiError } from './api.js'
import { EVENT_CLASSES, SETTINGS } from './vocab.js'
import { daysSince, ErrorSummary, label, STATUS_LABELS } from './ui.js'

export type ReportSummary = {
  id: string
  status: string
  eventClass: string
  detection: string
  setting: string
  region: string
  occurredMonth: string
  receivedOn: string
  handover: boolean
  consentToPublish: boolean
  mergedIntoId: string | null
  unreadAnswers?: number | boolean
}

type QueueAnswer = { items: ReportSummary[]; page: number; pageSize: number; total: number }

export type QueueFilters = { status: string; eventClass: string; setting: string; region: string; month: string }
export const NO_FILTERS: QueueFilters = { status: '', eventClass: '', setting: '', region: '', month: '' }

/**
 * The triage queue with the API's filters, a count per status, each report's age, oldest first. The API pages
 * newest first, so the console asks for the last page first and reverses it: the oldest report waiting is on top.
 */
export const Queue = ({ onOpen }: { onOpen: (id: string) => void }) => {
  const [filters, setFilters] = useState<QueueFilters>(NO_FILTERS)
  const [answer, setAnswer] = useState<QueueAnswer | null>(null)
  const [counts, setCounts] = useState<Record<string, number>>({})
  const [page, setPage] = useState(1)
  const [error, setError] = useState<string | null>(null)
  const pageSize = 25

  useEffect(() => {
    let live = true
    const load = async () => {
      try {
        const query = { ...filters, pageSize }
        const first = await api.get<QueueAnswer>('/reports', { ...query, page: 1 })
        const pages = Math.max(1, Math.ceil(first.total / pageSize))
        // Page 1 of the console is the API's last page (the oldest reports).
        const apiPage = Math.max(1, pages - page + 1)
        const shown = apiPage === 1 ? first : await api.get<QueueAnswer>('/reports', { ...query, page: apiPage })
        const byStatus = await Promise.all(Object.keys(STATUS_LABELS).map(async (status) =>
          [status, (await api.get<QueueAnswer>('/reports', { ...filters, status, pageSize: 1 })).total] as const))
        if (live) {
          setAnswer({ ...shown, items: [...shown.items].reverse() })
          setCounts(Object.fromEntries(byStatus))
          setError(null)
        }
      } catch (caught) {
        if (live) {
          setError(caught instanceof ApiError ? caught.message : 'The queue could not be loaded.')
        }
      }
    }
    load()
    return () => {
      live = false
    }
  }, [filters, page])

  const set = (key: keyof QueueFilters) => (event: Event) => {
    setPage(1)
    setFilters({ ...filters, [key]: (event.currentTarget as HTMLInputElement | HTMLSelectElement).value })
  }
  const pages = answer ? Math.max(1, Math.ceil(answer.total / pageSize)) : 1

  return (
    <main id='main'>
      <h1>Report queue</h1>
      <ErrorSummary messages={error ? [error] : []} />
      <ul class='counts' aria-label='Reports by status'>
        {Object.entries(STATUS_LABELS).map(([key, text]) => (
          <li key={key}><span class='count'>{counts[key] ?? '–'}</span> {text}</li>
        ))}
      </ul>
      <form class='filters' aria-label='Filter the queue' onSubmit={(e) => e.preventDefault()}>
        <div>
          <label for='f-status'>Status</label>
          <select id='f-status' value={filters.status} onChange={set('status')}>
            <option value=''>Any</option>
            {Object.entries(STATUS_LABELS).map(([key, text]) => <option key={key} value={key}>{text}</option>)}
          </select>
        </div>
        <div>
          <label for='f-class'>Kind of event</label>
          <select id='f-class' value={filters.eventClass} onChange={set('eventClass')}>
            <option value=''>Any</option>
            {EVENT_CLASSES.map((key) => <option key={key} value={key}>{label(key)}</option>)}
          </select>
        </div>
        <div>
          <label for='f-setting'>Setting</label>
          <select id='f-setting' value={filters.setting} onChange={set('setting')}>
            <option value=''>Any</option>
            {SETTINGS.map((key) => <option key={key} value={key}>{label(key)}</option>)}
          </select>
        </div>
        <div>
          <label for='f-region'>Region</label>
          <input id='f-region' value={filters.region} onChange={set('region')} placeholder='e.g. north-east' />
        </div>
        <div>
          <label for='f-month'>Month of the event</label>
          <input id='f-month' type='month' value={filters.month} onChange={set('month')} />
        </div>
      </form>
      {answer && (
        <>
          <p role='status'>{answer.total} report{answer.total === 1 ? '' : 's'}, oldest first.</p>
          <div class='table-wrap'>
            <table class='queue'>
              <caption class='visually-hidden'>Reports, oldest first</caption>
              <thead>
                <tr><th scope='col'>Received</th><th scope='col'>Age</th><th scope='col'>Status</th>
                  <th scope='col'>Kind</th><th scope='col'>Setting</th><th scope='col'>Region</th>
                  <th scope='col'>Month</th><th scope='col'><span class='visually-hidden'>Open</span></th>
                </tr>
              </thead>
              <tbody>
                {answer.items.map((item) => (
                  <tr key={item.id}>
                    <td>{item.receivedOn}</td>
                    <td>{daysSince(item.receivedOn)} d</td>
                    <td>{label(item.status)}{item.unreadAnswers ? <strong class='tag'> new answer</strong> : null}</td>
                    <td>{label(item.eventClass)}</td>
                    <td>{label(item.setting)}</td>
                    <td>{item.region}</td>
                    <td>{item.occurredMonth}</td>
                    <td>
                      <button type='button' class='link' onClick={() => onOpen(item.id)}>
                        Open<span class='visually-hidden'> the report received {item.receivedOn}</span>
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {pages > 1 && (
            <nav class='pager' aria-label='Pages'>
              <button type='button' disabled={page <= 1} onClick={() => setPage(page - 1)}>Older</button>
              <span>Page {page} of {pages}</span>
              <button type='button' disabled={page >= pages} onClick={() => setPage(page + 1)}>Newer</button>
            </nav>
          )}
        </>
      )}
    </main>
  )
}
