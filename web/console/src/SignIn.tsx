import { useState } from 'preact/hooks'
import { api, ApiError, type Session } from './api.js'
import { ErrorSummary } from './ui.js'

/** E-mail, password and authenticator code; the answer carries the CSRF token, which the caller keeps in memory. */
export const SignIn = ({ notice, onSignedIn }: { notice: string | null; onSignedIn: (session: Session) => void }) => {
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [totp, setTotp] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = async (event: Event) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      onSignedIn(await api.post<Session>('/auth/login', { email, password, totp: totp.replace(/\s/g, '') }))
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'The service could not be reached.')
      setTotp('')
    } finally {
      setBusy(false)
    }
  }

  return (
    <main id='main' class='narrow'>
      <h1>Sign in to the review console</h1>
      {notice && <p class='notice' role='status'>{notice}</p>}
      <ErrorSummary messages={error ? [error] : []} />
      <form method='post' onSubmit={submit}>
        <label for='email'>E-mail</label>
        <input
          id='email' type='email' autocomplete='username' required value={email}
          onInput={(e) => setEmail(e.currentTarget.value)}
        />
        <label for='password'>Password</label>
        <input
          id='password' type='password' autocomplete='current-password' required value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        <label for='totp'>Authenticator code</label>
        <p class='hint' id='totp-hint'>The 6-digit code your authenticator app shows now.</p>
        <input
          id='totp' inputmode='numeric' autocomplete='one-time-code' pattern='[0-9 ]{6,7}' required
          aria-describedby='totp-hint' value={totp} onInput={(e) => setTotp(e.currentTarget.value)}
        />
        <button type='submit' disabled={busy}>Sign in</button>
      </form>
    </main>
  )
}
