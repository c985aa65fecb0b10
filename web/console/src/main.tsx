import { render } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { api, type Session, setCsrfToken, whenSignedOut } from './api.js'
import { Account } from './Account.js'
import { Admin } from './Admin.js'
import { ApiKeys } from './ApiKeys.js'
import { Bulletins } from './Bulletins.js'
import { Dashboard } from './Dashboard.js'
import { Enrol } from './Enrol.js'
import { watchIdle } from './idle.js'
import { Publications } from './Publications.js'
import { Queue } from './Queue.js'
import { Report } from './Report.js'
import { SignIn } from './SignIn.js'

type View = { name: 'queue' } | { name: 'report'; id: string } | { name: 'dashboard' } | { name: 'admin' }
  | { name: 'apikeys' } | { name: 'publications' } | { name: 'bulletins' } | { name: 'account' }

const VIEWS_BY_ROLE: Record<Session['role'], View['name'][]> = {
  reviewer: ['queue', 'bulletins', 'account'],
  lead: ['queue', 'dashboard', 'bulletins', 'account'],
  admin: ['admin', 'apikeys', 'publications', 'account']
}
const VIEW_NAMES: Record<string, string> = {
  queue: 'Queue',
  dashboard: 'Dashboard',
  admin: 'Accounts',
  apikeys: 'API keys',
  publications: 'Publications',
  bulletins: 'Bulletins',
  account: 'Your account'
}

/** The first view: the dashboard's filters may come from a shared address; a report never does. */
const initialView = (role: Session['role']): View => {
  const wanted = new URLSearchParams(location.search).get('view')
  const allowed = VIEWS_BY_ROLE[role]
  const name = allowed.find((view) => view === wanted) ?? allowed[0] ?? 'queue'
  return { name } as View
}

// An enrolment link's token arrives in the fragment: taken into memory and removed from the address at once.
const enrolToken = (() => {
  const match = /^#enrol=([\w-]{20,100})$/.exec(location.hash)
  if (location.hash) {
    history.replaceState(null, '', '/console')
  }
  return match?.[1] ?? null
})()

const App = () => {
  const [enrolling, setEnrolling] = useState(enrolToken)
  const [session, setSession] = useState<Session | null>(null)
  const [checked, setChecked] = useState(false)
  const [notice, setNotice] = useState<string | null>(null)
  const [view, setView] = useState<View>({ name: 'queue' })

  const signedIn = (next: Session) => {
    setCsrfToken(next.csrfToken)
    setNotice(null)
    setSession(next)
    setView(initialView(next.role))
  }
  const signedOut = (message: string) => {
    setCsrfToken(null)
    setSession(null)
    setNotice(message)
    history.replaceState(null, '', '/console')
  }

  useEffect(() => {
    whenSignedOut(signedOut)
    // A reload keeps the HttpOnly cookie; the CSRF token is asked for again rather than stored anywhere.
    api.get<Session>('/auth/session').then(signedIn, () => {}).finally(() => setChecked(true))
  }, [])

  useEffect(() => {
    if (!session) {
      return
    }
    return watchIdle(() => {
      api.post('/auth/logout').catch(() => {})
      signedOut('You were signed out after 15 minutes without activity.')
    })
  }, [session])

  useEffect(() => {
    document.title = `${session ? (view.name === 'report' ? 'Report' : VIEW_NAMES[view.name]) : 'Sign in'} – Candid review console`
    // Before sign-in the address is left alone: a shared dashboard link opens once the lead has signed in.
    if (session && view.name !== 'dashboard') {
      history.replaceState(null, '', '/console')
    }
  }, [session, view])

  if (!checked) {
    return <main id='main'><p>Loading…</p></main>
  }
  if (enrolling && !session) {
    return <Enrol token={enrolling} onDone={(message) => { setEnrolling(null); setNotice(message) }} />
  }
  if (!session) {
    return <SignIn notice={notice} onSignedIn={signedIn} />
  }
  const signOut = async () => {
    await api.post('/auth/logout').catch(() => {})
    signedOut('You have signed out.')
  }
  return (
    <>
      <header class='top no-print'>
        <p class='brand'>Candid review console</p>
        <nav aria-label='Console'>
          <ul>
            {VIEWS_BY_ROLE[session.role].map((name) => (
              <li key={name}>
                <button
                  type='button' class='nav' aria-current={view.name === name ? 'page' : undefined}
                  onClick={() => setView({ name } as View)}
                >{VIEW_NAMES[name]}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <p class='who'>{session.email} ({session.role})</p>
        <button type='button' class='secondary' onClick={signOut}>Sign out</button>
      </header>
      {view.name === 'queue' && <Queue onOpen={(id) => setView({ name: 'report', id })} />}
      {view.name === 'report' && <Report id={view.id} onBack={() => setView({ name: 'queue' })} />}
      {view.name === 'dashboard' && <Dashboard />}
      {view.name === 'admin' && <Admin />}
      {view.name === 'apikeys' && <ApiKeys />}
      {view.name === 'publications' && <Publications />}
      {view.name === 'bulletins' && <Bulletins role={session.role} />}
      {view.name === 'account' && <Account session={session} onSession={(next) => setSession(next)} />}
    </>
  )
}

const root = document.getElementById('app')
if (root) {
  root.textContent = ''
  render(<App />, root)
}
