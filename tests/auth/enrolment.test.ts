import { createHash } from 'node:crypto'
import { URI } from 'otpauth'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { totpCode } from '../../src/lib/auth/totp.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createUser, PASSWORD, type SignedIn, signIn } from '../helpers/users.js'

// Accounts made through the console: a one-time enrolment link (72 h, stored hashed), a password and a confirmed
// authenticator code before the account works; a lost authenticator reset the same way.
const NEW_PASSWORD = 'a kettle of lighthouse otters hums quietly'

describe('enrolment links', () => {
  let t: TestApp
  let admin: SignedIn

  const tokenOf = (link: string) => link.split('#enrol=')[1] as string
  const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url, payload, headers })
  const login = (email: string, password: string, totp: string) =>
    post('/api/v1/auth/login', { email, password, totp })

  beforeAll(async () => {
    t = await createTestApp()
    admin = await signIn(t.app, await createUser(t.app, { email: 'admin@example.org', role: 'admin' }))
  })
  afterAll(async () => {
    await t?.close()
  })

  it('creates an account that works only once its user has set a password and confirmed a code', async () => {
    const invited = await post('/api/v1/users', { email: 'New@Example.org', role: 'reviewer' }, admin.headers)
    expect(invited.statusCode).toBe(201)
    const { enrolmentLink, expiresOn, userId } = invited.json()
    expect(enrolmentLink).toMatch(/^\/console#enrol=[\w-]{43}$/)
    const token = tokenOf(enrolmentLink)
    expect(expiresOn).toBe(new Date(Date.now() + 72 * 3600_000).toISOString().slice(0, 10))
    // Only the hash of the token is stored.
    const row = await t.app.db.prisma.enrolment.findFirstOrThrow({ where: { userId } })
    expect(Math.abs(row.expiresAt.getTime() - Date.now() - 72 * 3600_000)).toBeLessThan(60_000)
    expect(Buffer.from(row.tokenHash).equals(createHash('sha256').update(token).digest())).toBe(true)
    expect(JSON.stringify(await t.app.db.prisma.enrolment.findMany())).not.toContain(token)

    const started = await post('/api/v1/enrolment/start', { token })
    expect(started.statusCode).toBe(200)
    expect(started.json()).toMatchObject({ email: 'new@example.org', purpose: 'account' })
    const secret = new Uint8Array(URI.parse(started.json().totpUri).secret.bytes)

    const wrong = await post('/api/v1/enrolment/complete', { token, password: NEW_PASSWORD, totp: '000000' })
    expect(wrong.statusCode).toBe(400)
    expect((await login('new@example.org', NEW_PASSWORD, totpCode(secret, Date.now() - 30_000))).statusCode).toBe(401)

    const weak = await post('/api/v1/enrolment/complete', { token, password: 'password', totp: totpCode(secret) })
    expect(weak.statusCode).toBe(400)

    const done = await post('/api/v1/enrolment/complete', { token, password: NEW_PASSWORD, totp: totpCode(secret) })
    expect(done.statusCode).toBe(200)
    expect(await t.app.db.prisma.enrolment.count({ where: { userId } })).toBe(0)
    // The code used to enrol cannot be used again; the next one signs in.
    expect((await login('new@example.org', NEW_PASSWORD, totpCode(secret))).statusCode).toBe(401)
    expect((await login('new@example.org', NEW_PASSWORD, totpCode(secret, Date.now() + 30_000))).statusCode).toBe(200)

    // Single use.
    expect((await post('/api/v1/enrolment/start', { token })).statusCode).toBe(404)
  })

  it('refuses an expired link', async () => {
    const { enrolmentLink, userId } = (await post('/api/v1/users', { email: 'late@example.org', role: 'lead' }, admin.headers)).json()
    await t.app.db.prisma.enrolment.updateMany({ where: { userId }, data: { expiresAt: new Date(Date.now() - 1000) } })
    const started = await post('/api/v1/enrolment/start', { token: tokenOf(enrolmentLink) })
    expect(started.statusCode).toBe(404)
    expect(started.json().message).toContain('expired or has been used')
  })

  it('resets a lost authenticator: the old one stops at once, the new one works after a confirmed code', async () => {
    const user = await createUser(t.app, { email: 'lost@example.org' })
    const res = await post(`/api/v1/users/${(await t.app.db.prisma.user.findUniqueOrThrow({ where: { email: user.email } })).id}/reset-authenticator`, {}, admin.headers)
    expect(res.statusCode).toBe(200)
    expect((await login(user.email, PASSWORD, user.code())).statusCode).toBe(401)

    const token = tokenOf(res.json().enrolmentLink)
    const started = await post('/api/v1/enrolment/start', { token })
    expect(started.json().purpose).toBe('authenticator')
    const secret = new Uint8Array(URI.parse(started.json().totpUri).secret.bytes)
    expect((await post('/api/v1/enrolment/complete', { token, totp: totpCode(secret) })).statusCode).toBe(200)
    expect((await login(user.email, PASSWORD, totpCode(secret, Date.now() + 30_000))).statusCode).toBe(200)
  })

  it('lets only admins create accounts or reset authenticators', async () => {
    const reviewer = await signIn(t.app, await createUser(t.app, { email: 'plain@example.org' }))
    expect((await post('/api/v1/users', { email: 'x@example.org', role: 'admin' }, reviewer.headers)).statusCode).toBe(403)
    expect((await post('/api/v1/users', { email: 'x@example.org', role: 'admin' })).statusCode).toBe(401)
    expect(await t.app.db.prisma.user.count({ where: { email: 'x@example.org' } })).toBe(0)
  })
})
