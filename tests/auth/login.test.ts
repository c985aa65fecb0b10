import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { cookieOf, createUser, login, PASSWORD, type TestUser } from '../helpers/users.js'

describe('reviewer sign-in (R19–R23)', () => {
  let t: TestApp
  let alice: TestUser
  let bob: TestUser
  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_LOGIN_PER_MIN: '1000' } })
    alice = await createUser(t.app, { email: 'alice@example.org', recoveryKey: t.recoveryKey })
    bob = await createUser(t.app, { email: 'bob@example.org', role: 'lead' })
  })
  afterAll(() => t.close())

  it('signs in with password and code: a __Host- cookie, HttpOnly, Secure, SameSite=Strict, and a CSRF token', async () => {
    const res = await login(t.app, alice)

    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ email: 'alice@example.org', role: 'reviewer', canUnseal: true, csrfToken: expect.any(String) })
    const cookie = String(res.headers['set-cookie'])
    expect(cookie).toMatch(/^__Host-candid-session=[A-Za-z0-9_-]{43};/)
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/Secure/)
    expect(cookie).toMatch(/SameSite=Strict/)
    expect(cookie).toMatch(/Path=\//)

    const session = await t.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie: cookieOf(res) } })
    expect(session.json()).toMatchObject({ email: 'alice@example.org', csrfToken: res.json().csrfToken })
  })

  it('a user created without the recovery key signs in but cannot unseal', async () => {
    const res = await login(t.app, bob)

    expect(res.json()).toMatchObject({ role: 'lead', canUnseal: false })
  })

  it('gives one answer for an unknown account, a wrong password and a wrong code', async () => {
    const answers = await Promise.all([
      login(t.app, { ...alice, email: 'nobody@example.org' }),
      login(t.app, alice, { password: `${PASSWORD}!` }),
      login(t.app, alice, { totp: alice.code() === '000000' ? '111111' : '000000' })
    ])

    for (const res of answers) {
      expect(res.statusCode).toBe(401)
      expect(res.json()).toMatchObject({ error: 'UNAUTHORIZED', message: 'The e-mail address, password or code is wrong.' })
      expect(res.headers['set-cookie']).toBeUndefined()
    }
  })

  it('accepts each authenticator code once', async () => {
    const carol = await createUser(t.app, { email: 'carol@example.org' })
    const code = carol.code()

    const first = await login(t.app, carol, { totp: code })
    const replay = await login(t.app, carol, { totp: code })

    expect(first.statusCode).toBe(200)
    expect(replay.statusCode).toBe(401)
  })

  it('locks an account name for 15 minutes after five failures, whether or not it exists', async () => {
    const dave = await createUser(t.app, { email: 'dave@example.org' })
    for (let i = 0; i < 5; i++) {
      expect((await login(t.app, dave, { password: `wrong password number ${i}` })).statusCode).toBe(401)
      expect((await login(t.app, { ...dave, email: 'ghost@example.org' })).statusCode).toBe(401)
    }

    const locked = await login(t.app, dave)
    const ghost = await login(t.app, { ...dave, email: 'ghost@example.org' })

    expect(locked.statusCode).toBe(429)
    expect(ghost.statusCode).toBe(429)
    expect(locked.json().message).toBe(ghost.json().message)
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(800)
  })

  it('stores passwords as argon2id at or above the OWASP floor (m ≥ 19 MiB, t ≥ 2)', async () => {
    const users = await t.app.db.prisma.user.findMany({ select: { passwordHash: true } })

    expect(users.length).toBeGreaterThan(0)
    for (const { passwordHash } of users) {
      const [, algorithm, version, params] = passwordHash.split('$')
      const values = Object.fromEntries((params ?? '').split(',').map((pair) => pair.split('=')))
      expect(algorithm).toBe('argon2id')
      expect(version).toBe('v=19')
      expect(Number(values.m)).toBeGreaterThanOrEqual(19_456)
      expect(Number(values.t)).toBeGreaterThanOrEqual(2)
      expect(Number(values.p)).toBeGreaterThanOrEqual(1)
    }
  })
})
