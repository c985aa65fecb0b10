import { URI } from 'otpauth'
import type { FastifyInstance } from 'fastify'
import { totpCode } from '../../src/lib/auth/totp.js'
import { createKeysRepository } from '../../src/modules/keys/keys.repository.js'
import { createKeysService } from '../../src/modules/keys/keys.service.js'
import { createUsersRepository } from '../../src/modules/users/users.repository.js'
import { createUsersService } from '../../src/modules/users/users.service.js'

export const PASSWORD = 'correct horse battery staple of candid'

export type TestUser = { email: string; password: string; totpSecret: Uint8Array; code(at?: number): string }

/** Creates a user as the admin CLI does; with `recoveryKey` the user can unseal. */
export const createUser = async (
  app: FastifyInstance,
  { email, role = 'reviewer', recoveryKey }: { email: string; role?: 'reviewer' | 'lead' | 'admin'; recoveryKey?: string }
): Promise<TestUser> => {
  const crypto = app.keys.get()
  const keys = createKeysService({ repository: createKeysRepository(app.db.prisma), sodium: crypto.sodium })
  const users = createUsersService({
    repository: createUsersRepository(app.db.prisma),
    sodium: crypto.sodium,
    totpKey: crypto.totpKey
  })
  const team = recoveryKey ? await keys.openWithRecoveryKey(recoveryKey) : undefined
  const { totpUri } = await users.create({ email, role, password: PASSWORD, team })
  const totp = URI.parse(totpUri)
  const totpSecret = new Uint8Array(totp.secret.bytes)
  return { email, password: PASSWORD, totpSecret, code: (at = Date.now()) => totpCode(totpSecret, at) }
}

export const login = (app: FastifyInstance, user: TestUser, overrides: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: user.email, password: user.password, totp: user.code(), ...overrides }
  })

/** The session cookie set by a login answer, as a Cookie header. */
export const cookieOf = (res: { headers: Record<string, unknown> }) => {
  const setCookie = res.headers['set-cookie']
  const first = Array.isArray(setCookie) ? setCookie[0] : setCookie
  return String(first).split(';')[0] as string
}

export type SignedIn = {
  cookie: string
  csrfToken: string
  /** Headers for a request that changes something: the cookie and the CSRF token. */
  headers: { cookie: string; 'x-csrf-token': string }
}

const codesUsed = new WeakMap<TestUser, number>()

/**
 * Signs the user in and returns what later requests need. A TOTP code is accepted once per 30-second step, within
 * one step either side, so each user can sign in three times in a test this way (steps −1, 0 and +1).
 */
export const signIn = async (app: FastifyInstance, user: TestUser): Promise<SignedIn> => {
  const used = codesUsed.get(user) ?? 0
  if (used >= 3) {
    throw new Error(`${user.email} has signed in three times already in this 30-second window`)
  }
  codesUsed.set(user, used + 1)
  if (used === 0) {
    // The code of the step before is about to expire: if the step is ending, wait for the next one, so that a busy
    // machine cannot carry the request past the window and make the sign-in fail for no reason of the code's own.
    const left = 30_000 - (Date.now() % 30_000)
    if (left < 3_000) {
      await new Promise((resolve) => setTimeout(resolve, left + 50))
    }
  }
  const res = await login(app, user, { totp: user.code(Date.now() + (used - 1) * 30_000) })
  if (res.statusCode !== 200) {
    throw new Error(`sign-in of ${user.email} failed: ${res.statusCode} ${res.body}`)
  }
  const cookie = cookieOf(res)
  const csrfToken = (res.json() as { csrfToken: string }).csrfToken
  return { cookie, csrfToken, headers: { cookie, 'x-csrf-token': csrfToken } }
}

/** A new user (as the admin CLI makes one), signed in once. */
export const signedInUser = async (app: FastifyInstance, options: Parameters<typeof createUser>[1]) =>
  signIn(app, await createUser(app, options))
