import { Secret } from 'otpauth'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashSessionToken, sessionKeyFor } from '../../src/lib/auth/tokens.js'
import { createKeysRepository } from '../../src/modules/keys/keys.repository.js'
import { createKeysService } from '../../src/modules/keys/keys.service.js'
import { dumpAllRows } from '../helpers/db-contents.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { cookieOf, createUser, login, PASSWORD, type TestUser } from '../helpers/users.js'

describe('reviewer sessions', () => {
  let t: TestApp
  let erin: TestUser
  /** Every response body this file's app sends (and what could not be read as text, which should be nothing). */
  const bodies: string[] = []
  const unreadable: string[] = []
  beforeAll(async () => {
    t = await createTestApp({
      env: { RATE_LIMIT_LOGIN_PER_MIN: '1000' },
      extend: (app) => {
        app.addHook('onSend', async (request, _reply, payload) => {
          if (typeof payload === 'string' || Buffer.isBuffer(payload)) {
            bodies.push(`${request.method} ${request.url}: ${payload.toString()}`)
          } else if (payload !== null && payload !== undefined) {
            unreadable.push(`${request.method} ${request.url}`)
          }
          return payload
        })
      }
    })
    erin = await createUser(t.app, { email: 'erin@example.org', recoveryKey: t.recoveryKey })
  })
  afterAll(() => t.close())

  // A code is usable once: between these sign-ins (all within one 30-second step) the test forgets the last one.
  const signIn = async () => {
    await t.app.db.prisma.user.update({ where: { email: erin.email }, data: { totpLastStep: 0 } })
    const res = await login(t.app, erin)
    expect(res.statusCode).toBe(200)
    return { cookie: cookieOf(res), csrf: res.json().csrfToken as string, token: cookieOf(res).split('=')[1] as string }
  }
  const whoAmI = (cookie: string) => t.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie } })
  const logout = (cookie: string, csrf?: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie, ...(csrf === undefined ? {} : { 'x-csrf-token': csrf }) }
    })
  const ageSession = (token: string, column: 'last_seen_at' | 'created_at', minutes: number) =>
    t.app.db.prisma.$executeRawUnsafe(
      `UPDATE session SET ${column} = now() - interval '${minutes} minutes' WHERE token_hash = $1`,
      Buffer.from(hashSessionToken(token))
    )

  it('refuses changes without the CSRF token, or with a wrong one; logs out with it', async () => {
    const { cookie, csrf } = await signIn()

    expect((await logout(cookie)).statusCode).toBe(403)
    expect((await logout(cookie, `${csrf.slice(0, -1)}x`)).statusCode).toBe(403)
    expect((await whoAmI(cookie)).statusCode).toBe(200)
    expect((await logout(cookie, csrf)).statusCode).toBe(204)
    expect((await whoAmI(cookie)).statusCode).toBe(401)
  })

  it('ends a session idle for more than 30 minutes, and deletes it', async () => {
    const { cookie, token } = await signIn()
    await ageSession(token, 'last_seen_at', 31)

    expect((await whoAmI(cookie)).statusCode).toBe(401)
    expect(await t.app.db.prisma.session.count({ where: { tokenHash: Buffer.from(hashSessionToken(token)) } })).toBe(0)
  })

  it('ends a session older than 12 hours even if it was used a minute ago', async () => {
    const { cookie, token } = await signIn()
    await ageSession(token, 'created_at', 12 * 60 + 1)

    expect((await whoAmI(cookie)).statusCode).toBe(401)
  })

  it('keeps a session that is used within its limits', async () => {
    const { cookie, token } = await signIn()
    await ageSession(token, 'last_seen_at', 29)

    expect((await whoAmI(cookie)).statusCode).toBe(200)
  })

  it('ends every session of a disabled user at their next request', async () => {
    const frank = await createUser(t.app, { email: 'frank@example.org' })
    const res = await login(t.app, frank)
    const cookie = cookieOf(res)
    expect((await whoAmI(cookie)).statusCode).toBe(200)

    await t.app.db.prisma.user.update({ where: { email: 'frank@example.org' }, data: { disabledAt: new Date() } })

    expect((await whoAmI(cookie)).statusCode).toBe(401)
  })

  it('keeps the team secret key in the session sealed under a key only the session token gives', async () => {
    const { sessionKeyFor } = await import('../../src/lib/auth/tokens.js')
    const { openWithKey } = await import('../../src/lib/crypto/sealing.js')
    const { sessionKeyContext } = await import('../../src/modules/auth/auth.service.js')
    const { token } = await signIn()
    const tokenHash = Buffer.from(hashSessionToken(token))
    const row = await t.app.db.prisma.session.findUniqueOrThrow({ where: { tokenHash } })
    const user = await t.app.db.prisma.user.findUniqueOrThrow({ where: { email: erin.email } })
    const team = await t.app.db.prisma.teamKey.findFirstOrThrow()
    const { sodium } = t.app.keys.get()

    const wrap = row.teamKeyWrap as Uint8Array
    const secretKey = openWithKey(sodium, wrap, sessionKeyFor(token), sessionKeyContext(user.id))
    expect(Buffer.from(sodium.crypto_scalarmult_base(secretKey))).toEqual(Buffer.from(team.publicKey))
    expect(() => openWithKey(sodium, wrap, sessionKeyFor('another token'), sessionKeyContext(user.id))).toThrow()
  })

  it('refuses requests with no cookie or an unknown one', async () => {
    expect((await whoAmI('')).statusCode).toBe(401)
    expect((await whoAmI('__Host-candid-session=not-a-session')).statusCode).toBe(401)
  })

  it('never puts a password, TOTP secret, session token or team key in a response, log line or table', async () => {
    const newPassword = 'a different passphrase erin chose herself'
    const tokens: string[] = []
    const post = (url: string, cookie: string, csrf: string, payload: Record<string, string>) =>
      t.app.inject({ method: 'POST', url, headers: { cookie, 'x-csrf-token': csrf }, payload })

    // The whole round: sign in, ask who is signed in, fail and then succeed at changing the password, sign in with
    // the new one, fail and then succeed at recovering unsealing, fail to sign in three ways, sign out.
    const first = await signIn()
    tokens.push(first.token)
    expect((await whoAmI(first.cookie)).statusCode).toBe(200)
    expect((await post('/api/v1/auth/password', first.cookie, first.csrf, { currentPassword: `${PASSWORD}?`, newPassword })).statusCode).toBe(403)
    expect((await post('/api/v1/auth/password', first.cookie, first.csrf, { currentPassword: PASSWORD, newPassword: 'qwertyuiopasdfgh' })).statusCode).toBe(400)
    expect((await post('/api/v1/auth/password', first.cookie, first.csrf, { currentPassword: PASSWORD, newPassword })).statusCode).toBe(204)
    erin.password = newPassword
    const second = await signIn()
    tokens.push(second.token)
    const recoveryKey = t.recoveryKey as string
    const wrongKey = recoveryKey.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))
    expect((await post('/api/v1/auth/recover', second.cookie, second.csrf, { password: newPassword, recoveryKey: wrongKey })).statusCode).toBe(403)
    expect((await post('/api/v1/auth/recover', second.cookie, second.csrf, { password: PASSWORD, recoveryKey })).statusCode).toBe(403)
    expect((await post('/api/v1/auth/recover', second.cookie, second.csrf, { password: newPassword, recoveryKey })).statusCode).toBe(200)
    expect((await login(t.app, erin, { password: PASSWORD })).statusCode).toBe(401)
    expect((await login(t.app, erin, { totp: erin.code() === '000000' ? '111111' : '000000' })).statusCode).toBe(401)
    expect((await login(t.app, { ...erin, email: 'nobody@example.org' })).statusCode).toBe(401)
    expect((await logout(second.cookie, second.csrf)).statusCode).toBe(204)

    const { sodium } = t.app.keys.get()
    const keys = createKeysService({ repository: createKeysRepository(t.app.db.prisma), sodium })
    const { secretKey } = await keys.openWithRecoveryKey(recoveryKey)
    const totp = Buffer.from(erin.totpSecret)
    const secrets: Record<string, string> = {
      'old password': PASSWORD,
      'new password': newPassword,
      'recovery key': recoveryKey,
      'TOTP secret (hex)': totp.toString('hex'),
      'TOTP secret (base32, as in the otpauth URI)': new Secret({ buffer: totp.buffer.slice(totp.byteOffset, totp.byteOffset + totp.byteLength) }).base32,
      'TOTP secret (base64)': totp.toString('base64'),
      'team secret key (hex)': Buffer.from(secretKey).toString('hex'),
      'team secret key (base64)': Buffer.from(secretKey).toString('base64'),
      'team secret key (base64url)': Buffer.from(secretKey).toString('base64url')
    }
    tokens.forEach((token, i) => {
      secrets[`session token ${i}`] = token
      secrets[`session token ${i} (hash, hex)`] = Buffer.from(hashSessionToken(token)).toString('hex')
      secrets[`session key ${i} (hex)`] = Buffer.from(sessionKeyFor(token)).toString('hex')
      secrets[`session key ${i} (base64)`] = Buffer.from(sessionKeyFor(token)).toString('base64')
    })
    sodium.memzero(secretKey)

    // The capture saw the round: the sign-in answers (with their CSRF tokens) and the refusals.
    const responses = bodies.join('\n')
    expect(unreadable).toEqual([])
    expect(responses).toContain('POST /api/v1/auth/login: {"email":"erin@example.org"')
    expect(responses).toContain('POST /api/v1/auth/password: {"error":"VALIDATION_FAILED"')
    expect(responses).toContain('POST /api/v1/auth/recover: {"email":"erin@example.org"')
    expect(responses).toContain('GET /api/v1/auth/session: {"email":"erin@example.org"')
    const rows = await dumpAllRows(t.app.db)
    for (const [what, secret] of Object.entries(secrets)) {
      expect(secret.length, what).toBeGreaterThanOrEqual(15)
      expect(responses, `${what} in a response`).not.toContain(secret)
      expect(t.logs.text, `${what} in the log`).not.toContain(secret)
      if (!what.includes('(hash')) {
        expect(rows, `${what} in a table`).not.toContain(secret)
      }
    }
    expect(rows).not.toContain(Buffer.from(PASSWORD).toString('hex'))
    expect(rows).not.toContain(Buffer.from(newPassword).toString('hex'))
    // The stored session is the token's hash, never the token.
    const sessionRows = await t.app.db.prisma.session.findMany({ select: { tokenHash: true } })
    const stored = Buffer.from(hashSessionToken(tokens[0] as string))
    expect(sessionRows.some((row) => Buffer.from(row.tokenHash).equals(stored))).toBe(true)
    expect(t.logs.text).toContain('"event":"sign-in"')
  })
})
