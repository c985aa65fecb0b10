import { useEffect, useState } from 'preact/hooks'
import { api, type Role } from './api.js'
import { ErrorSummary, useActions } from './ui.js'

type Draft = {
  id: string
  status: 'draft' | 'approved'
  draftedOn: string
  approvedOn: string | null
  draftedByYou: boolean
  approvals: number
  approvedByYou: boolean
  content: {
    quarter: string
    scope: string
    title: string
    introduction: string
    learningPoints: { text: string; commentary: string }[]
    alerts: unknown[]
    actions: unknown[]
  }
}
type Listing = { bulletins: Draft[]; quarters: string[]; scopes: string[] }

const NATIONAL = 'national'
// The service's own rule (bulletins.service.ts REQUIRED_APPROVALS): two people other than the drafter.
const REQUIRED = 2
const scopeName = (scope: string) => (scope === NATIONAL ? 'Whole country' : scope)
const publicLink = (draft: Draft) =>
  draft.content.scope === NATIONAL
    ? `/bulletins/${draft.content.quarter}`
    : `/bulletins/${draft.content.quarter}/${draft.content.scope}`
const named = (draft: Draft) => `${draft.content.quarter} ${scopeName(draft.content.scope)}`

/** One draft's words: the introduction and a commentary per learning point, saved together (the API redacts them). */
type Edit = { introduction: string; commentary: string[] }
const Editor = ({ draft, save }: { draft: Draft; save: (edit: Edit) => void }) => {
  const [introduction, setIntroduction] = useState(draft.content.introduction)
  const [commentary, setCommentary] = useState(draft.content.learningPoints.map((point) => point.commentary))
  const submit = (event: Event) => {
    event.preventDefault()
    save({ introduction, commentary })
  }
  return (
    <form onSubmit={submit}>
      <h3>Edit the words</h3>
      <p class='hint'>Saved words go through the redaction; saving voids the approvals given so far.</p>
      <label for='bulletin-introduction'>Introduction</label>
      <textarea
        id='bulletin-introduction' rows={5} maxLength={4000} value={introduction}
        onInput={(e) => setIntroduction(e.currentTarget.value)}
      />
      {draft.content.learningPoints.length === 0
        ? <p>This quarter has no learning points approved for publication.</p>
        : draft.content.learningPoints.map((point, index) => (
          <div key={index}>
            <p class='hint' id={`point-${index}-text`}>Learning point {index + 1}: {point.text}</p>
            <label for={`point-${index}`}>Commentary on learning point {index + 1}</label>
            <textarea
              id={`point-${index}`} rows={3} maxLength={2000} aria-describedby={`point-${index}-text`}
              value={commentary[index] ?? ''}
              onInput={(e) => {
                const text = e.currentTarget.value
                setCommentary((current) => current.map((old, i) => (i === index ? text : old)))
              }}
            />
          </div>
        ))}
      <button type='submit'>Save the words</button>
    </form>
  )
}

/**
 * The quarterly learning bulletin (issue 13.3): reviewers and leads draft one from a published quarter and scope and
 * write its introduction and commentary; leads other than the drafter approve it, and the second approval makes it
 * public (HTML, PDF, Atom), frozen from then on.
 */
export const Bulletins = ({ role }: { role: Role }) => {
  const [listing, setListing] = useState<Listing | null>(null)
  const [quarter, setQuarter] = useState('')
  const [scope, setScope] = useState(NATIONAL)
  const [openId, setOpenId] = useState<string | null>(null)

  const load = async () => {
    const answer = await api.get<Listing>('/bulletins/drafts')
    setListing(answer)
    setQuarter((current) => current || answer.quarters[0] || '')
  }
  const { act, error, setError, done } = useActions(load)
  useEffect(() => {
    load().catch(() => setError('The bulletins could not be loaded.'))
  }, [])

  const create = (event: Event) => {
    event.preventDefault()
    return act(async () => {
      const made = await api.post<Draft>('/bulletins/drafts', { quarter, scope })
      setOpenId(made.id)
    }, `The ${quarter} bulletin (${scopeName(scope)}) is drafted: write its introduction and commentary below.`)
  }
  const save = (draft: Draft) => (edit: Edit) =>
    act(async () => {
      await api.patch(`/bulletins/drafts/${draft.id}`, {
        introduction: edit.introduction,
        commentary: edit.commentary.map((text, point) => ({ point, text }))
      })
    }, `The words of the ${named(draft)} bulletin are saved (redacted); it needs ${REQUIRED} approvals again.`)
  const approve = (draft: Draft) =>
    act(async () => {
      const approved = await api.post<Draft>(`/bulletins/drafts/${draft.id}/approvals`)
      if (approved.status === 'approved') {
        setOpenId(null)
      }
    }, `Your approval of the ${named(draft)} bulletin is recorded.`)

  const open = listing?.bulletins.find((one) => one.id === openId) ?? null

  return (
    <main id='main'>
      <h1>Bulletins</h1>
      <p>
        The quarterly learning bulletin, for the whole country and each region: drafted here from a published quarter,
        approved by two leads other than its drafter, then public as a web page, a PDF and in the Atom feed.
      </p>
      <ErrorSummary messages={error ? [error] : []} />
      {done && <p class='notice' role='status'>{done}</p>}
      {listing && (
        <>
          <form onSubmit={create}>
            <h2>Draft a bulletin</h2>
            {listing.quarters.length === 0
              ? <p>No quarter is published yet: a bulletin is drafted from a published quarter.</p>
              : (
                <div class='filters'>
                  <div>
                    <label for='bulletin-quarter'>Published quarter</label>
                    <select id='bulletin-quarter' value={quarter} onChange={(e) => setQuarter(e.currentTarget.value)}>
                      {listing.quarters.map((one) => <option key={one} value={one}>{one}</option>)}
                    </select>
                  </div>
                  <div>
                    <label for='bulletin-scope'>Scope</label>
                    <select id='bulletin-scope' value={scope} onChange={(e) => setScope(e.currentTarget.value)}>
                      {listing.scopes.map((one) => <option key={one} value={one}>{scopeName(one)}</option>)}
                    </select>
                  </div>
                </div>
                )}
            <button type='submit' disabled={listing.quarters.length === 0}>Draft bulletin</button>
          </form>
          <h2>Bulletins</h2>
          {listing.bulletins.length === 0
            ? <p>No bulletin has been drafted yet.</p>
            : (
              <div class='table-wrap' tabIndex={0} role='region' aria-label='Bulletins, scrollable'>
                <table>
                  <caption class='visually-hidden'>Bulletins</caption>
                  <thead>
                    <tr>
                      <th scope='col'>Quarter</th><th scope='col'>Scope</th><th scope='col'>State</th>
                      <th scope='col'>Actions</th>
                    </tr>
                  </thead>
                  <tbody>
                    {listing.bulletins.map((draft) => (
                      <tr key={draft.id}>
                        <th scope='row'>{draft.content.quarter}</th>
                        <td>{scopeName(draft.content.scope)}</td>
                        <td>
                          {draft.status === 'approved'
                            ? `Approved ${draft.approvedOn}`
                            : `Draft of ${draft.draftedOn}${draft.draftedByYou ? ' (yours)' : ''}: ${draft.approvals} of ${REQUIRED} approvals${draft.approvedByYou ? ', one yours' : ''}`}
                        </td>
                        <td>
                          {draft.status === 'approved'
                            ? (
                              <>
                                <a href={publicLink(draft)}>Web page<span class='visually-hidden'> of the {named(draft)} bulletin</span></a>
                                {' · '}
                                <a href={`${publicLink(draft)}.pdf`}>PDF<span class='visually-hidden'> of the {named(draft)} bulletin</span></a>
                              </>
                              )
                            : (
                              <button type='button' class='secondary' onClick={() => setOpenId(draft.id)}>
                                Open<span class='visually-hidden'> the {named(draft)} bulletin</span>
                              </button>
                              )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              )}
          {open && open.status === 'draft' && (
            <section aria-labelledby='bulletin-heading'>
              <h2 id='bulletin-heading'>{open.content.title}</h2>
              <dl class='facts'>
                <dt>Drafted</dt><dd>{open.draftedOn}{open.draftedByYou ? ', by you' : ''}</dd>
                <dt>Approvals</dt><dd>{open.approvals} of {REQUIRED}{open.approvedByYou ? ' (one is yours)' : ''}</dd>
                <dt>Learning points</dt><dd>{open.content.learningPoints.length}</dd>
                <dt>Hazard alerts issued</dt><dd>{open.content.alerts.length}</dd>
                <dt>Actions completed</dt><dd>{open.content.actions.length}</dd>
              </dl>
              {/* Keyed by the saved words, so that the fields show what the service stored (redacted). */}
              <Editor key={`${open.id}:${JSON.stringify(open.content.learningPoints)}:${open.content.introduction}`} draft={open} save={save(open)} />
              {role === 'lead' && (
                <>
                  <h3>Approve</h3>
                  <p class='hint'>You approve the words as saved. A lead who drafted the bulletin cannot approve it.</p>
                  <button type='button' onClick={() => approve(open)}>
                    Approve the {named(open)} bulletin
                  </button>
                </>
              )}
            </section>
          )}
        </>
      )}
    </main>
  )
}
