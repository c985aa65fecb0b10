import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashSessionToken } from '../../src/lib/auth/tokens.js'
import { dumpAllRows } from '../helpers/db-contents.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { cookieOf, createUser, login, PASSWORD, type TestUser } from '../helpers/users.js'

describe('reviewer sessions', () => {
  let t: TestApp
  let erin: TestUser
  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_LOGIN_PER_MIN: '1000' } })
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
    const { token } = await signIn()
    const secretHex = Buffer.from(erin.totpSecret).toString('hex')
    const rows = await dumpAllRows(t.app.db)
    const sessionRows = await t.app.db.prisma.session.findMany({ select: { tokenHash: true } })

    const stored = Buffer.from(hashSessionToken(token))
    expect(sessionRows.some((row) => Buffer.from(row.tokenHash).equals(stored))).toBe(true)
    for (const secret of [PASSWORD, token, secretHex]) {
      expect(rows).not.toContain(secret)
      expect(t.logs.text).not.toContain(secret)
    }
    expect(rows).not.toContain(Buffer.from(PASSWORD).toString('hex'))
    expect(t.logs.text).toContain('"event":"sign-in"')
  })
})
