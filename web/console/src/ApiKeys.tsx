import { useEffect, useRef, useState } from 'preact/hooks'
import { api } from './api.js'
import { ErrorSummary, useActions } from './ui.js'

type ApiKey = {
  prefix: string
  label: string
  region: string
  createdOn: string
  expiresOn: string
  expired: boolean
  revokedOn: string | null
}
type Made = ApiKey & { key: string }

const stateOf = (key: ApiKey) =>
  key.revokedOn ? `Revoked ${key.revokedOn}` : key.expired ? `Expired ${key.expiresOn}` : `Expires ${key.expiresOn}`

/**
 * Regional groups' API keys: make one (the key is shown once, in this component's memory only, and gone when the
 * admin leaves the page or makes another), list them by prefix, revoke one.
 */
export const ApiKeys = () => {
  const [keys, setKeys] = useState<ApiKey[]>([])
  const [regions, setRegions] = useState<string[]>([])
  const [region, setRegion] = useState('')
  const [label, setLabel] = useState('')
  const [days, setDays] = useState('365')
  const [made, setMade] = useState<Made | null>(null)
  const shown = useRef<HTMLDivElement>(null)

  const load = async () => {
    const answer = await api.get<{ apiKeys: ApiKey[]; regions: string[] }>('/api-keys')
    setKeys(answer.apiKeys)
    setRegions(answer.regions)
    setRegion((current) => current || answer.regions[0] || '')
  }
  const { act, error, setError, done } = useActions(load)
  useEffect(() => {
    load().catch(() => setError('The API keys could not be loaded.'))
  }, [])
  useEffect(() => {
    if (made) {
      shown.current?.focus()
    }
  }, [made])

  const create = (event: Event) => {
    event.preventDefault()
    setMade(null)
    return act(async () => {
      setMade(await api.post<Made>('/api-keys', { region, label, days: Number(days) }))
      setLabel('')
    })
  }
  const revoke = (key: ApiKey) =>
    act(async () => {
      await api.post(`/api-keys/${key.prefix}/revoke`)
      setMade(null)
    }, `API key ${key.prefix} is revoked: it is refused from its next request.`)

  return (
    <main id='main'>
      <h1>API keys</h1>
      <p>Each regional group reads its published quarterly summaries with a key for its region only.</p>
      <ErrorSummary messages={error ? [error] : []} />
      {done && <p class='notice' role='status'>{done}</p>}
      {made && (
        <div class='notice' role='status' tabIndex={-1} ref={shown}>
          <p>
            New API key {made.prefix} for {made.region}, until {made.expiresOn}. It is shown this once and stored only
            as a keyed hash: copy it now and hand it over on a channel that does not keep it.
          </p>
          <p><code id='new-api-key' class='secret'>{made.key}</code></p>
          <button type='button' class='secondary' onClick={() => setMade(null)}>I have copied it: hide the key</button>
        </div>
      )}
      <form onSubmit={create}>
        <h2>Make an API key</h2>
        <label for='key-region'>Region</label>
        <select id='key-region' required value={region} onChange={(e) => setRegion(e.currentTarget.value)}>
          {regions.map((one) => <option key={one} value={one}>{one}</option>)}
        </select>
        <label for='key-label'>Label</label>
        <p class='hint' id='key-label-hint'>Who holds the key, so that you know whom to ask before revoking it.</p>
        <input
          id='key-label' maxLength={200} aria-describedby='key-label-hint' value={label}
          onInput={(e) => setLabel(e.currentTarget.value)}
        />
        <label for='key-days'>Days it lasts</label>
        <p class='hint' id='key-days-hint'>1 to 366, never beyond 12 months.</p>
        <input
          id='key-days' type='number' inputmode='numeric' min={1} max={366} required aria-describedby='key-days-hint'
          value={days} onInput={(e) => setDays(e.currentTarget.value)}
        />
        <button type='submit'>Make API key</button>
      </form>
      <h2>Keys</h2>
      {keys.length === 0
        ? <p>There are no API keys yet.</p>
        : (
          <div class='table-wrap' tabIndex={0} role='region' aria-label='API keys, scrollable'>
            <table>
              <caption class='visually-hidden'>API keys</caption>
              <thead>
                <tr>
                  <th scope='col'>Prefix</th><th scope='col'>Region</th><th scope='col'>Label</th>
                  <th scope='col'>Made</th><th scope='col'>State</th><th scope='col'>Actions</th>
                </tr>
              </thead>
              <tbody>
                {keys.map((key) => (
                  <tr key={key.prefix}>
                    <th scope='row'><code>{key.prefix}</code></th>
                    <td>{key.region}</td>
                    <td>{key.label}</td>
                    <td>{key.createdOn}</td>
                    <td>{stateOf(key)}</td>
                    <td>
                      {!key.revokedOn && (
                        <button type='button' class='secondary' onClick={() => revoke(key)}>
                          Revoke<span class='visually-hidden'> API key {key.prefix}</span>
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          )}
    </main>
  )
}
