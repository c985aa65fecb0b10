import { useEffect, useState } from 'preact/hooks'
import { api } from './api.js'
import { ErrorSummary, useActions } from './ui.js'

type User = { id: string; email: string; role: string; status: string; canUnseal: boolean; hasPendingGrant: boolean }
type Link = { enrolmentLink: string; expiresOn: string }

/**
 * Accounts: create one (its enrolment link is shown once), reset a lost authenticator, grant unsealing, disable an
 * account (its sessions end at once) or enable it again.
 */
export const Admin = () => {
  const [users, setUsers] = useState<User[]>([])
  const [email, setEmail] = useState('')
  const [role, setRole] = useState('reviewer')
  const [link, setLink] = useState<{ for: string } & Link | null>(null)

  const load = async () => setUsers((await api.get<{ users: User[] }>('/users')).users)
  const { act, error, setError, done } = useActions(load)
  useEffect(() => {
    load().catch(() => setError('The accounts could not be loaded.'))
  }, [])
  const create = (event: Event) => {
    event.preventDefault()
    return act(async () => {
      const made = await api.post<Link>('/users', { email, role })
      setLink({ for: email, ...made })
      setEmail('')
    })
  }
  const full = (relative: string) => `${location.origin}${relative}`

  return (
    <main id='main'>
      <h1>Accounts</h1>
      <ErrorSummary messages={error ? [error] : []} />
      {done && <p class='notice' role='status'>{done}</p>}
      {link && (
        <div class='notice' role='status'>
          <p>Enrolment link for {link.for}, shown once; it works once, until {link.expiresOn}:</p>
          <p><code id='enrolment-link' class='secret'>{full(link.enrolmentLink)}</code></p>
        </div>
      )}
      <form onSubmit={create}>
        <h2>Create an account</h2>
        <label for='new-email'>E-mail of the new user</label>
        <input id='new-email' type='email' required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        <label for='new-role'>Role</label>
        <select id='new-role' value={role} onChange={(e) => setRole(e.currentTarget.value)}>
          <option value='reviewer'>Reviewer</option>
          <option value='lead'>Safety lead</option>
          <option value='admin'>Admin</option>
        </select>
        <button type='submit'>Create account</button>
      </form>
      <h2>Users</h2>
      <div class='table-wrap' tabIndex={0} role='region' aria-label='Users, scrollable'>
        <table>
          <caption class='visually-hidden'>Users</caption>
          <thead>
            <tr><th scope='col'>E-mail</th><th scope='col'>Role</th><th scope='col'>Status</th>
              <th scope='col'>Can unseal</th><th scope='col'>Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr key={user.id}>
                <th scope='row'>{user.email}</th>
                <td>{user.role}</td>
                <td>{user.status === 'disabled' ? 'Disabled' : 'Active'}</td>
                <td>{user.canUnseal ? 'Yes' : user.hasPendingGrant ? 'At next sign-in' : 'No'}</td>
                <td>
                  <button
                    type='button' class='secondary'
                    onClick={() => act(async () => setLink({ for: user.email, ...(await api.post<Link>(`/users/${user.id}/reset-authenticator`)) }))}
                  >
                    Reset authenticator<span class='visually-hidden'> of {user.email}</span>
                  </button>
                  {!user.canUnseal && !user.hasPendingGrant && user.role !== 'admin' && (
                    <button type='button' class='secondary' onClick={() => act(async () => { await api.post(`/users/${user.id}/grant`) })}>
                      Grant unsealing<span class='visually-hidden'> to {user.email}</span>
                    </button>
                  )}
                  {user.status === 'active'
                    ? (
                      <button
                        type='button' class='secondary'
                        onClick={() => act(async () => { await api.post(`/users/${user.id}/disable`) }, `${user.email} is disabled; their sessions have ended.`)}
                      >
                        Disable<span class='visually-hidden'> {user.email}</span>
                      </button>
                      )
                    : (
                      <button
                        type='button' class='secondary'
                        onClick={() => act(async () => { await api.post(`/users/${user.id}/enable`) }, `${user.email} can sign in again.`)}
                      >
                        Enable<span class='visually-hidden'> {user.email}</span>
                      </button>
                      )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </main>
  )
}
