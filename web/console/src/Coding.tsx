import { useEffect, useMemo, useState } from 'preact/hooks'
import { api, ApiError } from './api.js'
import { ErrorSummary } from './ui.js'

type Leaf = { code: string; label: string; definition: string; includes: string[]; excludes: string[]; example: string }
type Taxonomy = {
  version: number
  domains: { code: string; label: string; groups: { code: string; label: string; leaves: Leaf[] }[] }[]
  facets: { key: string; label: string; values: { key: string; label: string }[] }[]
}
type CodeRole = 'contributing' | 'mitigating'
type Facets = { eventType: string; reachAndHarm: string; detection: string; setting: string; handover: boolean }
export type Coding = {
  id: string
  isMine: boolean
  codes: { code: string; role: CodeRole }[]
  facets: Facets
  summary: string
  learningPoint: string
  codedOn: string
}

// [id used in the page, the facet's name in the taxonomy and in a coding (one vocabulary since issue 14.5)]
const FACET_FIELDS = [
  ['event_type', 'eventType'],
  ['reach_and_harm', 'reachAndHarm'],
  ['detection', 'detection'],
  ['setting', 'setting']
] as const

let taxonomyCache: Promise<Taxonomy> | null = null
const loadTaxonomy = () => (taxonomyCache ??= api.get<Taxonomy>('/taxonomy'))

/** Leaves whose code, label, definition, includes, excludes or example contain every word typed. */
export const searchLeaves = (leaves: Leaf[], query: string) => {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean)
  if (words.length === 0) {
    return []
  }
  return leaves.filter((leaf) => {
    const text = [leaf.code, leaf.label, leaf.definition, ...leaf.includes, ...leaf.excludes, leaf.example]
      .join(' ')
      .toLowerCase()
    return words.every((word) => text.includes(word))
  })
}

const CodingView = ({ coding, labels }: { coding: Coding; labels: Map<string, string> }) => (
  <div class='coding'>
    <h3>{coding.isMine ? 'Your coding' : "Another reviewer's coding"}, {coding.codedOn}</h3>
    <ul>
      {coding.codes.map((c) => <li key={c.code}>{c.code} {labels.get(c.code) ?? ''} ({c.role})</li>)}
    </ul>
    {coding.summary && <p><strong>Summary:</strong> {coding.summary}</p>}
    {coding.learningPoint && <p><strong>Learning point:</strong> {coding.learningPoint}</p>}
  </div>
)

/**
 * The coding form with a taxonomy browser. Blind coding is the API's: a reviewer gets others' codings only once
 * they have saved their own, so the console shows whatever the API returned and says why the rest is hidden.
 */
type CodingFormProps = { reportId: string; codings: Coding[]; onSaved: () => void }

export const CodingForm = ({ reportId, codings, onSaved }: CodingFormProps) => {
  const mine = codings.find((coding) => coding.isMine)
  const [taxonomy, setTaxonomy] = useState<Taxonomy | null>(null)
  const [query, setQuery] = useState('')
  const [codes, setCodes] = useState<{ code: string; role: CodeRole }[]>(mine?.codes ?? [])
  const [facets, setFacets] = useState<Facets>(
    mine?.facets ?? { eventType: '', reachAndHarm: '', detection: '', setting: '', handover: false }
  )
  const [summary, setSummary] = useState(mine?.summary ?? '')
  const [learningPoint, setLearningPoint] = useState(mine?.learningPoint ?? '')
  const [errors, setErrors] = useState<string[]>([])
  const [saved, setSaved] = useState<string | null>(null)

  useEffect(() => {
    loadTaxonomy().then(setTaxonomy, () => setErrors(['The taxonomy could not be loaded.']))
  }, [])
  const leaves = useMemo(
    () => taxonomy?.domains.flatMap((d) => d.groups.flatMap((g) => g.leaves)) ?? [],
    [taxonomy]
  )
  const labels = useMemo(() => new Map(leaves.map((leaf) => [leaf.code, leaf.label])), [leaves])
  const found = useMemo(() => searchLeaves(leaves, query).slice(0, 20), [leaves, query])

  const add = (code: string, role: CodeRole) =>
    setCodes([...codes.filter((c) => c.code !== code), { code, role }])

  const save = async (event: Event) => {
    event.preventDefault()
    const problems = [
      ...(codes.length === 0 ? ['Add at least one code.'] : []),
      ...FACET_FIELDS.filter(([, field]) => !facets[field]).map(([, field]) =>
        `Choose the ${taxonomy?.facets.find((f) => f.key === field)?.label.toLowerCase() ?? field}.`)
    ]
    setErrors(problems)
    if (problems.length > 0) {
      return
    }
    try {
      await api.post(`/reports/${reportId}/codings`, { codes, facets, summary, learningPoint })
      setSaved('Your coding is saved.')
      onSaved()
    } catch (caught) {
      setErrors([caught instanceof ApiError ? caught.message : 'The coding could not be saved.'])
    }
  }

  const others = codings.filter((coding) => !coding.isMine)
  return (
    <section aria-labelledby='coding-heading'>
      <h2 id='coding-heading'>Coding</h2>
      {!mine && <p class='hint'>Other reviewers' codings are shown once you have saved your own (blind coding).</p>}
      {others.map((coding) => <CodingView key={coding.id} coding={coding} labels={labels} />)}
      <ErrorSummary messages={errors} />
      {saved && <p class='notice' role='status'>{saved}</p>}
      <form onSubmit={save} class='coding-form'>
        <label for='taxonomy-search'>Search the taxonomy</label>
        <p class='hint' id='search-hint'>Searches labels, definitions, includes, excludes and examples as you type.</p>
        <input
          id='taxonomy-search' type='search' aria-describedby='search-hint' aria-controls='taxonomy-results'
          value={query} onInput={(e) => setQuery(e.currentTarget.value)}
        />
        <div id='taxonomy-results' aria-live='polite'>
          {query && <p>{found.length === 0 ? 'No code matches.' : `${found.length} code${found.length === 1 ? '' : 's'} match.`}</p>}
          <ul class='leaves'>
            {found.map((leaf) => (
              <li key={leaf.code}>
                <p><strong>{leaf.code}</strong> {leaf.label}</p>
                <details>
                  <summary>Definition<span class='visually-hidden'> of {leaf.code}</span></summary>
                  <p>{leaf.definition}</p>
                  {leaf.includes.length > 0 && <p>Includes: {leaf.includes.join('; ')}</p>}
                  {leaf.excludes.length > 0 && <p>Excludes: {leaf.excludes.join('; ')}</p>}
                  <p>Example: {leaf.example}</p>
                </details>
                <button type='button' class='secondary' onClick={() => add(leaf.code, 'contributing')}>
                  Add {leaf.code} as contributing
                </button>{' '}
                <button type='button' class='secondary' onClick={() => add(leaf.code, 'mitigating')}>
                  Add {leaf.code} as mitigating
                </button>
              </li>
            ))}
          </ul>
        </div>
        <h3>Codes chosen</h3>
        {codes.length === 0
          ? <p>None yet.</p>
          : (
            <ul id='chosen-codes'>
              {codes.map((c) => (
                <li key={c.code}>
                  {c.code} {labels.get(c.code) ?? ''} — {c.role}{' '}
                  <button type='button' class='link' onClick={() => setCodes(codes.filter((x) => x.code !== c.code))}>
                    Remove {c.code}
                  </button>
                </li>
              ))}
            </ul>
            )}
        <h3>Facets</h3>
        {FACET_FIELDS.map(([key, field]) => {
          const facet = taxonomy?.facets.find((f) => f.key === field)
          return (
            <div key={key}>
              <label for={`facet-${key}`}>{facet?.label ?? key}</label>
              <select
                id={`facet-${key}`} value={facets[field]}
                onChange={(e) => setFacets({ ...facets, [field]: e.currentTarget.value })}
              >
                <option value=''>Choose…</option>
                {facet?.values.map((v) => <option key={v.key} value={v.key}>{v.label}</option>)}
              </select>
            </div>
          )
        })}
        <div class='checkbox'>
          <input
            type='checkbox' id='facet-handover' checked={facets.handover}
            onChange={(e) => setFacets({ ...facets, handover: e.currentTarget.checked })}
          />
          <label for='facet-handover'>A handover was involved</label>
        </div>
        <label for='coding-summary'>Summary</label>
        <p class='hint' id='summary-hint'>De-identified; redacted again before it is stored.</p>
        <textarea
          id='coding-summary' rows={4} maxLength={2000} aria-describedby='summary-hint' value={summary}
          onInput={(e) => setSummary(e.currentTarget.value)}
        />
        <label for='coding-learning'>Learning point</label>
        <textarea
          id='coding-learning' rows={3} maxLength={600} value={learningPoint}
          onInput={(e) => setLearningPoint(e.currentTarget.value)}
        />
        <button type='submit'>Save coding</button>
      </form>
      {mine && <CodingView coding={mine} labels={labels} />}
    </section>
  )
}
