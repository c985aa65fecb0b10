import { useState } from 'preact/hooks'
import { api, ApiError, type Session } from './api.js'
import { ErrorSummary } from './ui.js'

type Props = { session: Session; onSession: (session: Session) => void }

/**
 * The signed-in user's own account: change the password (unsealing carries over; their other sessions end), restore
 * unsealing with the team's recovery key (signing out is in the header, on every page). Passwords and the recovery
 * key stay in this component's state and are cleared as soon as they are sent.
 */
export const Account = ({ session, onSession }: Props) => {
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [again, setAgain] = useState('')
  const [recoverPassword, setRecoverPassword] = useState('')
  const [recoveryKey, setRecoveryKey] = useState('')
  const [done, setDone] = useState<string | null>(null)
  const [errors, setErrors] = useState<string[]>([])

  const act = async (what: () => Promise<string>) => {
    setErrors([])
    setDone(null)
    try {
      setDone(await what())
    } catch (caught) {
      setErrors([caught instanceof ApiError ? caught.message : 'That did not work.'])
    }
  }
  const change = (event: Event) => {
    event.preventDefault()
    if (next !== again) {
      setDone(null)
      setErrors(['The new password and its repetition differ.'])
      return
    }
    return act(async () => {
      try {
        await api.post('/auth/password', { currentPassword: current, newPassword: next })
      } finally {
        setCurrent('')
      }
      setNext('')
      setAgain('')
      return 'Your password is changed. Your other sessions have ended; this one goes on.'
    })
  }
  const recover = (event: Event) => {
    event.preventDefault()
    return act(async () => {
      try {
        onSession(await api.post<Session>('/auth/recover', { password: recoverPassword, recoveryKey }))
      } finally {
        setRecoverPassword('')
        setRecoveryKey('')
      }
      return 'You can unseal reports again.'
    })
  }

  return (
    <main id='main' class='narrow'>
      <h1>Your account</h1>
      <ErrorSummary messages={errors} />
      {done && <p class='notice' role='status'>{done}</p>}
      <dl class='facts'>
        <dt>E-mail</dt><dd>{session.email}</dd>
        <dt>Role</dt><dd>{session.role}</dd>
        {session.role !== 'lead' && <><dt>Can unseal reports</dt><dd>{session.canUnseal ? 'Yes' : 'No'}</dd></>}
      </dl>

      <form onSubmit={change}>
        <h2>Change your password</h2>
        <label for='current-password'>Current password</label>
        <input
          id='current-password' type='password' autocomplete='current-password' required value={current}
          onInput={(e) => setCurrent(e.currentTarget.value)}
        />
        <label for='changed-password'>New password</label>
        <p class='hint' id='changed-password-hint'>At least 15 characters; a few random words are best.</p>
        <input
          id='changed-password' type='password' autocomplete='new-password' required aria-describedby='changed-password-hint'
          value={next} onInput={(e) => setNext(e.currentTarget.value)}
        />
        <label for='changed-password-again'>New password again</label>
        <input
          id='changed-password-again' type='password' autocomplete='new-password' required value={again}
          onInput={(e) => setAgain(e.currentTarget.value)}
        />
        <button type='submit'>Change password</button>
      </form>

      <form onSubmit={recover}>
        <h2>Restore unsealing with the recovery key</h2>
        <p>
          If you could unseal reports and no longer can (after a password reset, say), the team’s recovery key from
          setup restores it without waiting for an admin’s grant.
        </p>
        <label for='recover-password'>Your password</label>
        <input
          id='recover-password' type='password' autocomplete='current-password' required value={recoverPassword}
          onInput={(e) => setRecoverPassword(e.currentTarget.value)}
        />
        <label for='recovery-key'>Recovery key</label>
        <input
          id='recovery-key' type='password' autocomplete='off' spellcheck={false} required value={recoveryKey}
          onInput={(e) => setRecoveryKey(e.currentTarget.value)}
        />
        <button type='submit'>Restore unsealing</button>
      </form>

    </main>
  )
}
