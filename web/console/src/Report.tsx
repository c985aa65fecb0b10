import { useEffect, useRef, useState } from 'preact/hooks'
import { api, ApiError } from './api.js'
import { CodingForm, type Coding } from './Coding.js'
import type { ReportSummary } from './Queue.js'
import { ErrorSummary, label } from './ui.js'

type Duplicate = ReportSummary & { similarity: number | null; sharedCodes: string[] }
type Merge = { from: Duplicate | 'this'; into: Duplicate | 'this'; other: Duplicate }

const similarityText = (d: Duplicate) =>
  d.similarity === null ? 'No codes to compare yet' : `${Math.round(d.similarity * 100)}% of codes shared`

type Message = { id: string; kind: 'question' | 'answer' | 'response'; text: string; sentOn: string }
type Detail = ReportSummary & { narrative: string | null; codings: Coding[]; messages: Message[] }

const WHO: Record<Message['kind'], string> = {
  question: 'Team question',
  answer: "Reporter's answer",
  response: 'Team response'
}

/**
 * One report: the unsealed narrative (the read is audited by the service), the conversation with the reporter,
 * status changes and the coding form. Nothing of it is ever put in the address bar or in storage.
 */
export const Report = ({ id, onBack }: { id: string; onBack: () => void }) => {
  const [report, setReport] = useState<Detail | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [text, setText] = useState('')
  const [kind, setKind] = useState<'questions' | 'responses'>('questions')

  const [duplicates, setDuplicates] = useState<Duplicate[] | null>(null)
  const [merge, setMerge] = useState<Merge | null>(null)

  const load = async () => {
    try {
      setReport(await api.get<Detail>(`/reports/${id}`))
      setDuplicates((await api.get<{ items: Duplicate[] }>(`/reports/${id}/duplicates`)).items)
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'The report could not be opened.')
    }
  }
  useEffect(() => {
    load()
  }, [id])

  const act = async (what: () => Promise<unknown>, done: string) => {
    setError(null)
    try {
      await what()
      // The notice only once the page shows the change: read before the reload, it would announce a stale page.
      await load()
      setNotice(done)
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'That did not work.')
    }
  }

  const send = (event: Event) => {
    event.preventDefault()
    act(async () => {
      await api.post(`/reports/${id}/${kind}`, { text })
      setText('')
    }, kind === 'questions' ? 'Question sent to the reporter.' : 'Response sent to the reporter.')
  }

  const confirmMerge = () => {
    if (!merge) {
      return
    }
    const from = merge.from === 'this' ? id : merge.from.id
    const into = merge.into === 'this' ? id : merge.into.id
    setMerge(null)
    act(() => api.post(`/reports/${from}/merge`, { into }), merge.from === 'this'
      ? `This report is merged into the report received ${merge.other.receivedOn}: it is counted only there now.`
      : `The report received ${merge.other.receivedOn} is merged into this one: it is counted only here now.`)
  }

  return (
    <main id='main'>
      <p><button type='button' class='link' onClick={onBack}>Back to the queue</button></p>
      <h1>Report received {report?.receivedOn ?? ''}</h1>
      <ErrorSummary messages={error ? [error] : []} />
      {notice && <p class='notice' role='status'>{notice}</p>}
      {report && (
        <>
          <dl class='facts'>
            <dt>Status</dt><dd id='report-status'>{label(report.status)}</dd>
            <dt>Kind of event</dt><dd>{label(report.eventClass)}</dd>
            <dt>Caught by</dt><dd>{label(report.detection)}</dd>
            <dt>Setting</dt><dd>{label(report.setting)}</dd>
            <dt>Region</dt><dd>{report.region}</dd>
            <dt>Month of the event</dt><dd>{report.occurredMonth}</dd>
            <dt>Handover</dt><dd>{report.handover ? 'Yes' : 'No'}</dd>
            <dt>Consent to publish</dt><dd>{report.consentToPublish ? 'Yes' : 'No'}</dd>
          </dl>
          <div class='actions'>
            {report.status === 'new' && (
              <button type='button' onClick={() => act(() => api.patch(`/reports/${id}`, { status: 'in_review' }), 'Review started.')}>
                Start review
              </button>
            )}
            {['new', 'in_review', 'coded'].includes(report.status) && (
              <button
                type='button' class='secondary'
                onClick={() => act(() => api.patch(`/reports/${id}`, { status: 'closed' }), 'Report closed.')}
              >
                Close report
              </button>
            )}
            {report.status === 'closed' && (
              <button
                type='button' class='secondary'
                onClick={() => act(() => api.patch(`/reports/${id}`, { status: 'in_review' }), 'Report reopened.')}
              >
                Reopen
              </button>
            )}
          </div>
          <h2>Narrative</h2>
          {report.narrative === null
            ? <p>The narrative has been destroyed.</p>
            : <blockquote id='narrative' class='narrative'>{report.narrative}</blockquote>}
          <h2>Conversation with the reporter</h2>
          {report.messages.length === 0
            ? <p>No messages yet.</p>
            : (
              <ol class='messages' id='messages'>
                {report.messages.map((message) => (
                  <li key={message.id} class={message.kind}>
                    <strong>{WHO[message.kind]}</strong>, {message.sentOn}
                    <p>{message.text}</p>
                  </li>
                ))}
              </ol>
              )}
          <form onSubmit={send} class='message-form'>
            <fieldset>
              <legend>Write to the reporter</legend>
              <div class='radios'>
                <input
                  type='radio' id='kind-question' name='kind' checked={kind === 'questions'}
                  onChange={() => setKind('questions')}
                />
                <label for='kind-question'>A question</label>
                <input
                  type='radio' id='kind-response' name='kind' checked={kind === 'responses'}
                  onChange={() => setKind('responses')}
                />
                <label for='kind-response'>The team's response</label>
              </div>
            </fieldset>
            <label for='message-text'>Message</label>
            <p class='hint' id='message-hint'>Names and contact details are redacted before it is stored.</p>
            <textarea
              id='message-text' rows={4} maxLength={5000} required aria-describedby='message-hint'
              value={text} onInput={(e) => setText(e.currentTarget.value)}
            />
            <button type='submit'>Send</button>
          </form>
          <Duplicates
            status={report.status} items={duplicates}
            onMerge={(other, direction) => setMerge(direction === 'this-into-it'
              ? { from: 'this', into: other, other }
              : { from: other, into: 'this', other })}
          />
          {merge && <ConfirmMerge merge={merge} onConfirm={confirmMerge} onCancel={() => setMerge(null)} />}
          <CodingForm reportId={id} codings={report.codings} onSaved={load} />
        </>
      )}
    </main>
  )
}

const OPEN = ['new', 'in_review', 'coded', 'closed']

/**
 * Possible duplicates (same month, region and setting; most similar codes first) with merge in either direction.
 * No narrative is listed: a reviewer opens the other report from the queue to read it before merging.
 */
const Duplicates = ({ status, items, onMerge }: {
  status: string
  items: Duplicate[] | null
  onMerge: (other: Duplicate, direction: 'this-into-it' | 'it-into-this') => void
}) => (
  <section aria-labelledby='duplicates-heading'>
    <h2 id='duplicates-heading'>Possible duplicates</h2>
    {items === null
      ? <p>Looking for reports like this one…</p>
      : items.length === 0
        ? <p>No other open report of the same month, region and setting.</p>
        : (
          <>
            <p class='hint'>
              Open reports of the same month, region and setting, most similar codes first (codes you may not see
              yet, because of blind coding, are not compared). A merged report is counted only under the other.
            </p>
            <div class='table-wrap'>
              <table id='duplicates-table'>
                <caption class='visually-hidden'>Possible duplicates of this report</caption>
                <thead>
                  <tr><th scope='col'>Received</th><th scope='col'>Status</th><th scope='col'>Kind</th>
                    <th scope='col'>Caught by</th><th scope='col'>Codes</th><th scope='col'>Merge</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((d) => (
                    <tr key={d.id}>
                      <th scope='row'>{d.receivedOn}</th>
                      <td>{label(d.status)}</td>
                      <td>{label(d.eventClass)}</td>
                      <td>{label(d.detection)}</td>
                      <td>{similarityText(d)}{d.sharedCodes.length > 0 && `: ${d.sharedCodes.join(', ')}`}</td>
                      <td>
                        {OPEN.includes(status) && OPEN.includes(d.status)
                          ? (
                            <>
                              <button type='button' class='secondary' onClick={() => onMerge(d, 'this-into-it')}>
                                Merge this report into it<span class='visually-hidden'> (received {d.receivedOn})</span>
                              </button>
                              <button type='button' class='secondary' onClick={() => onMerge(d, 'it-into-this')}>
                                Merge it<span class='visually-hidden'> (received {d.receivedOn})</span> into this report
                              </button>
                            </>
                            )
                          : '–'}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
          )}
  </section>
)

/** A modal confirmation (the browser's own <dialog>: focus stays inside, Escape cancels). */
type ConfirmProps = { merge: Merge; onConfirm: () => void; onCancel: () => void }
const ConfirmMerge = ({ merge, onConfirm, onCancel }: ConfirmProps) => {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    ref.current?.showModal()
  }, [])
  const other = `the report received ${merge.other.receivedOn}`
  return (
    <dialog ref={ref} class='confirm' aria-labelledby='merge-title' aria-describedby='merge-what' onCancel={onCancel}>
      <h2 id='merge-title'>Merge these reports?</h2>
      <p id='merge-what'>
        {merge.from === 'this'
          ? `This report becomes a duplicate of ${other}: it is closed and counted only there.`
          : `${other.replace(/^t/, 'T')} becomes a duplicate of this report: it is closed and counted only here.`}
        {' '}The console cannot undo a merge.
      </p>
      <button type='button' onClick={onConfirm}>Yes, merge</button>
      <button type='button' class='secondary' onClick={onCancel}>Cancel</button>
    </dialog>
  )
}
