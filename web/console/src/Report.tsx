import { useEffect, useState } from 'preact/hooks'
import { api, ApiError } from './api.js'
import { CodingForm, type Coding } from './Coding.js'
import type { ReportSummary } from './Queue.js'
import { ErrorSummary, label } from './ui.js'

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

  const load = async () => {
    try {
      setReport(await api.get<Detail>(`/reports/${id}`))
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
          <CodingForm reportId={id} codings={report.codings} onSaved={load} />
        </>
      )}
    </main>
  )
}
