// The one way the console talks to the service: same origin, the session cookie (HttpOnly, set by sign-in) and the
// CSRF token from the sign-in answer, which is kept in this module's memory only — never in storage or a URL.

export type Role = 'reviewer' | 'lead' | 'admin'
export type Session = { email: string; role: Role; canUnseal: boolean; csrfToken: string }

export class ApiError extends Error {
  constructor (readonly status: number, readonly code: string, message: string) {
    super(message)
  }
}

let csrfToken: string | null = null
let onSignedOut: (message: string) => void = () => {}

export const setCsrfToken = (token: string | null) => {
  csrfToken = token
}

/** Called when the service says the session is over (401), so the app can show the sign-in page. */
export const whenSignedOut = (handler: (message: string) => void) => {
  onSignedOut = handler
}

type Query = Record<string, string | number | undefined>

const withQuery = (path: string, query?: Query) => {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== '') {
      params.set(key, String(value))
    }
  }
  const text = params.toString()
  return text ? `${path}?${text}` : path
}

export const request = async <T>(method: string, path: string, options: { body?: unknown; query?: Query } = {}) => {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json'
  }
  if (method !== 'GET' && csrfToken) {
    headers['x-csrf-token'] = csrfToken
  }
  const response = await fetch(withQuery(`/api/v1${path}`, options.query), {
    method,
    headers,
    credentials: 'same-origin',
    cache: 'no-store',
    body: options.body === undefined ? undefined : JSON.stringify(options.body)
  })
  if (response.status === 204) {
    return null as T
  }
  const data = (await response.json().catch(() => ({}))) as { error?: string; message?: string }
  if (!response.ok) {
    const error = new ApiError(response.status, data.error ?? 'ERROR', data.message ?? `The service answered ${response.status}.`)
    // Sign-in and the first session check answer 401 as a matter of course, not because a session ended.
    if (response.status === 401 && path !== '/auth/login' && path !== '/auth/session') {
      setCsrfToken(null)
      onSignedOut(error.message)
    }
    throw error
  }
  return data as T
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, { query }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body: body ?? {} }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  del: <T>(path: string) => request<T>('DELETE', path)
}
