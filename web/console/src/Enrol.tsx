import { toDataURL } from 'qrcode'
import { useEffect, useState } from 'preact/hooks'
import { api, ApiError } from './api.js'
import { ErrorSummary } from './ui.js'

type Started = { email: string; purpose: 'account' | 'authenticator'; totpUri: string }

/**
 * The enrolment link's page. The token came in the address's fragment, which main.tsx has already removed from the
 * address bar; it lives in memory only. The QR code is drawn here, in the browser, as a data: image.
 */
export const Enrol = ({ token, onDone }: { token: string; onDone: (message: string) => void }) => {
  const [started, setStarted] = useState<Started | null>(null)
  const [qr, setQr] = useState<string | null>(null)
  const [password, setPassword] = useState('')
  const [totp, setTotp] = useState('')
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    api.post<Started>('/enrolment/start', { token }).then(async (answer) => {
      setStarted(answer)
      setQr(await toDataURL(answer.totpUri, { margin: 2, width: 240 }))
    }, (caught) => setError(caught instanceof ApiError ? caught.message : 'The link could not be opened.'))
  }, [token])

  const submit = async (event: Event) => {
    event.preventDefault()
    setError(null)
    try {
      const body = started?.purpose === 'account' ? { token, password, totp } : { token, totp }
      await api.post('/enrolment/complete', body)
      onDone('Your account is ready. Sign in with your new authenticator.')
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'That did not work.')
    }
  }
  const secret = started ? new URL(started.totpUri).searchParams.get('secret') : null

  return (
    <main id='main' class='narrow'>
      <h1>{started?.purpose === 'authenticator' ? 'Set up your new authenticator' : 'Set up your account'}</h1>
      <ErrorSummary messages={error ? [error] : []} />
      {started && (
        <form onSubmit={submit}>
          <p>Account: <strong>{started.email}</strong></p>
          {started.purpose === 'account' && (
            <>
              <label for='new-password'>New password</label>
              <p class='hint' id='password-hint'>At least 15 characters; a few random words are best.</p>
              <input
                id='new-password' type='password' autocomplete='new-password' required aria-describedby='password-hint'
                value={password} onInput={(e) => setPassword(e.currentTarget.value)}
              />
            </>
          )}
          <h2>Scan this code with your authenticator app</h2>
          {qr && <img src={qr} width={240} height={240} alt='QR code of your authenticator secret' />}
          <p>Or type this setup key: <code id='totp-secret' class='secret'>{secret}</code></p>
          <label for='enrol-totp'>Authenticator code</label>
          <p class='hint' id='enrol-totp-hint'>The 6-digit code the app now shows, to confirm it is set up.</p>
          <input
            id='enrol-totp' inputmode='numeric' autocomplete='one-time-code' required aria-describedby='enrol-totp-hint'
            value={totp} onInput={(e) => setTotp(e.currentTarget.value.replace(/\s/g, ''))}
          />
          <button type='submit'>Finish setting up</button>
        </form>
      )}
    </main>
  )
}
