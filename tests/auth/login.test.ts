import { randomBytes } from 'node:crypto'
import { URI } from 'otpauth'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { totpCode } from '../../src/lib/auth/totp.js'
import { deriveKey, keyedHash } from '../../src/lib/crypto/secrets.js'
import { ACCOUNT_THROTTLE, CLIENT_THROTTLE } from '../../src/modules/auth/auth.service.js'
import { throttleDelayMs } from '../../src/modules/auth/sessions.repository.js'
import { createUsersRepository } from '../../src/modules/users/users.repository.js'
import { createUsersService } from '../../src/modules/users/users.service.js'
import { overSocket } from '../helpers/http.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { cookieOf, createUser, login, PASSWORD, type TestUser } from '../helpers/users.js'

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  const at = (i: number) => sorted[i] as number
  return sorted.length % 2 ? at(middle) : (at(middle - 1) + at(middle)) / 2
}

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

  // Over a real socket (supertest), as a browser gets it: the Set-Cookie header Node writes, and the cookie sent back.
  it('signs in with password and code: a __Host- cookie, HttpOnly, Secure, SameSite=Strict, and a CSRF token', async () => {
    const client = await overSocket(t.app)
    const res = await client
      .post('/api/v1/auth/login')
      .send({ email: alice.email, password: alice.password, totp: alice.code() })

    expect(res.status).toBe(200)
    expect(res.body).toEqual({ email: 'alice@example.org', role: 'reviewer', canUnseal: true, csrfToken: expect.any(String) })
    expect(res.headers['set-cookie']).toHaveLength(1)
    const cookie = String(res.headers['set-cookie'])
    expect(cookie).toMatch(/^__Host-candid-session=[A-Za-z0-9_-]{43};/)
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/Secure/)
    expect(cookie).toMatch(/SameSite=Strict/)
    expect(cookie).toMatch(/Path=\//)

    const session = await client.get('/api/v1/auth/session').set('cookie', cookieOf(res))
    expect(session.status).toBe(200)
    expect(session.headers['cache-control']).toBe('no-store')
    expect(session.body).toMatchObject({ email: 'alice@example.org', csrfToken: res.body.csrfToken })
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

  /** A sign-in from a given client address. */
  const loginFrom = (app: TestApp['app'], address: string, user: TestUser, overrides: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: address,
      payload: { email: user.email, password: user.password, totp: user.code(), ...overrides }
    })
  const statuses = (answers: { statusCode: number }[]) =>
    answers.reduce<Record<number, number>>(
      (tally, res) => ({ ...tally, [res.statusCode]: (tally[res.statusCode] ?? 0) + 1 }),
      {}
    )
  /** The clock moves on by rewriting the stored instants (they are all the throttle keeps). */
  const age = (seconds: number) =>
    t.app.db.prisma.$executeRawUnsafe(
      `UPDATE login_attempt SET window_start = window_start - interval '${seconds} seconds',
         locked_until = locked_until - interval '${seconds} seconds'`
    )

  it('slows a client after three failures on an account name, known or not, and only that client', async () => {
    const dave = await createUser(t.app, { email: 'dave@example.org' })
    const ghost = { ...dave, email: 'ghost@example.org' }
    for (let i = 0; i < CLIENT_THROTTLE.free; i++) {
      expect((await loginFrom(t.app, '203.0.113.1', dave, { password: `wrong password number ${i}` })).statusCode).toBe(401)
      expect((await loginFrom(t.app, '203.0.113.1', ghost)).statusCode).toBe(401)
    }

    // A loaded machine can take longer between two requests than the 5 s delay: move the failures' instants 30 s
    // on, as if the next attempts came at once.
    await age(-30)
    const [slowed, slowedGhost] = await Promise.all([
      loginFrom(t.app, '203.0.113.1', dave),
      loginFrom(t.app, '203.0.113.1', ghost)
    ])
    expect(slowed.statusCode).toBe(429)
    expect(slowedGhost.statusCode).toBe(429)
    expect(slowed.json().message).toBe(slowedGhost.json().message)
    expect(Number(slowed.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    expect(Number(slowed.headers['retry-after'])).toBeLessThanOrEqual(CLIENT_THROTTLE.baseMs / 1000 + 30)
    // Elsewhere, the reviewer signs in.
    expect((await loginFrom(t.app, '198.51.100.1', dave)).statusCode).toBe(200)
  })

  // Issue 17.7: six wrong passwords used to lock any reviewer out for 15 minutes, even with the right password and
  // code.
  it('while others guess from many clients, the right password with a fresh code still signs in', async () => {
    const erin = await createUser(t.app, { email: 'erin@example.org' })
    for (let i = 0; i < 12; i++) {
      const res = await loginFrom(t.app, `203.0.113.${20 + i}`, erin, { password: `guess number ${i} at erin` })
      expect(res.statusCode).toBe(401)
    }
    // A guessing client that has failed before is held back by the account's delay, even with the right answer…
    const guesser = await loginFrom(t.app, '203.0.113.20', erin)
    expect(guesser.statusCode).toBe(429)
    expect(guesser.headers['set-cookie']).toBeUndefined()
    // …and the reviewer, at a client that has not failed on the account, signs in.
    const reviewer = await loginFrom(t.app, '198.51.100.2', erin)
    expect(reviewer.statusCode).toBe(200)
    expect(reviewer.json()).toMatchObject({ email: 'erin@example.org' })
  })

  it('gives 20 parallel wrong passwords from one client three checks; the right answer elsewhere signs in', async () => {
    const gina = await createUser(t.app, { email: 'gina@example.org' })

    const burst = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        loginFrom(t.app, '203.0.113.50', gina, { password: `wrong password number ${i} for gina` })
      )
    )

    // Each attempt is counted before its password is checked: the first three get a check (and fail), the rest are
    // refused unchecked while the delay the third set runs.
    expect(statuses(burst)).toEqual({ 401: CLIENT_THROTTLE.free, 429: 20 - CLIENT_THROTTLE.free })
    expect((await loginFrom(t.app, '198.51.100.3', gina)).statusCode).toBe(200)
  })

  it('doubles the delay with each failure and lifts it when it runs out; a success clears the counts', async () => {
    const hal = await createUser(t.app, { email: 'hal@example.org' })
    const from = '203.0.113.60'
    for (let i = 0; i < CLIENT_THROTTLE.free; i++) {
      expect((await loginFrom(t.app, from, hal, { password: `wrong password number ${i} for hal` })).statusCode).toBe(401)
    }
    for (let failures = CLIENT_THROTTLE.free; failures < CLIENT_THROTTLE.free + 3; failures++) {
      const delay = throttleDelayMs(failures, CLIENT_THROTTLE) / 1000
      const held = await loginFrom(t.app, from, hal)
      expect(held.statusCode).toBe(429)
      // Counted from the failure's start: a loaded machine may have spent a few seconds since.
      expect(Number(held.headers['retry-after'])).toBeLessThanOrEqual(delay)
      expect(Number(held.headers['retry-after'])).toBeGreaterThan(delay / 2 - 2)
      await age(delay + 0.1)
      expect((await loginFrom(t.app, from, hal, { password: `wrong again after ${failures}` })).statusCode).toBe(401)
    }
    const delay = throttleDelayMs(CLIENT_THROTTLE.free + 3, CLIENT_THROTTLE) / 1000
    expect(delay).toBe(40)
    await age(delay + 0.1)
    const res = await loginFrom(t.app, from, hal)
    expect(res.statusCode).toBe(200)
    const { sodium, loginThrottleKey } = t.app.keys.get()
    const keysOf = [`account|${hal.email}`, `account|${hal.email}|client|${from}`].map((text) =>
      Buffer.from(keyedHash(sodium, text, loginThrottleKey))
    )
    expect(await t.app.db.prisma.loginAttempt.count({ where: { accountHash: { in: keysOf } } })).toBe(0)
  })

  it('caps the delay at 15 minutes', () => {
    expect(throttleDelayMs(CLIENT_THROTTLE.free - 1, CLIENT_THROTTLE)).toBe(0)
    expect(throttleDelayMs(CLIENT_THROTTLE.free, CLIENT_THROTTLE)).toBe(5000)
    expect(throttleDelayMs(1000, CLIENT_THROTTLE)).toBe(15 * 60 * 1000)
    expect(throttleDelayMs(ACCOUNT_THROTTLE.free + 1, ACCOUNT_THROTTLE)).toBe(10_000)
  })

  it('counts failures across instances: two apps on one PostgreSQL database give 20 tries three checks', async (context) => {
    if (t.database.kind !== 'postgres') {
      context.skip('PGlite is one process\'s database: a second instance cannot open it')
    }
    const other = await createTestApp({ database: t.database, env: { RATE_LIMIT_LOGIN_PER_MIN: '1000' } })
    try {
      const ivy = await createUser(t.app, { email: 'ivy@example.org' })
      const burst = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          loginFrom(i % 2 ? other.app : t.app, '203.0.113.70', ivy, { password: `wrong password number ${i} for ivy` })
        )
      )

      expect(statuses(burst)).toEqual({ 401: CLIENT_THROTTLE.free, 429: 20 - CLIENT_THROTTLE.free })
    } finally {
      await other.stop()
    }
  })

  it('answers an unknown account and a wrong password alike: same status and body, medians within 50 ms', async () => {
    const jo = await createUser(t.app, { email: 'jo@example.org' })
    const timed = async (user: TestUser, overrides: Record<string, string>) => {
      // Each failure counts towards the lock: start every attempt from a clean count, so both kinds reach the check.
      await t.app.db.prisma.loginAttempt.deleteMany({})
      const started = performance.now()
      const res = await login(t.app, user, overrides)
      return { ms: performance.now() - started, res }
    }
    await timed(jo, { email: 'warm-up@example.org' })
    const bodies = new Set<string>()
    const unknown: number[] = []
    const wrong: number[] = []
    /** wrong − unknown, per back-to-back pair: what load the two share cancels out. */
    const differences: number[] = []
    /** Ten pairs, one of each kind, their order alternating. */
    const round = async () => {
      for (let i = 0; i < 10; i++) {
        const n = unknown.length
        const pair = [
          [unknown, { email: `nobody-${n}@example.org` }],
          [wrong, { password: `not jo's password, try ${n}` }]
        ] as const
        for (const [times, overrides] of i % 2 ? [...pair].reverse() : pair) {
          const { ms, res } = await timed(jo, overrides)
          expect(res.statusCode).toBe(401)
          const { requestId, ...body } = res.json() as { requestId: string }
          expect(requestId).toEqual(expect.any(String))
          bodies.add(JSON.stringify(body))
          times.push(ms)
        }
        differences.push((wrong.at(-1) as number) - (unknown.at(-1) as number))
      }
    }
    // On a loaded machine (other test files hashing at the same time) one request can take hundreds of
    // milliseconds more than the next, so ten of each may not settle the medians: up to three rounds, pooled. A real
    // difference (a skipped or cheaper hash) is the whole argon2 time, and stays whatever the number of rounds.
    const settled = () => Math.abs(median(differences)) < 50 || Math.abs(median(wrong) - median(unknown)) < 50
    do {
      await round()
    } while (unknown.length < 30 && !settled())

    expect(bodies.size).toBe(1)
    const shown = `unknown account ${median(unknown).toFixed(0)} ms, wrong password ${median(wrong).toFixed(0)} ms, ` +
      `median pair difference ${median(differences).toFixed(0)} ms over ${differences.length} pairs`
    expect(settled(), `medians: ${shown}`).toBe(true)
  })

  it('answers 401, never 500, when a stored TOTP secret cannot be opened, and logs it for operators', async () => {
    // Sealed under another server secret's TOTP key: what a changed SERVER_SECRET did to every account before the
    // fingerprint check refused it at start; still possible for a damaged or foreign row.
    const { sodium } = t.app.keys.get()
    const otherTotpKey = deriveKey(sodium, new Uint8Array(randomBytes(32)), 'totp')
    const repository = createUsersRepository(t.app.db.prisma)
    const users = createUsersService({ repository, sodium, totpKey: otherTotpKey })
    const { totpUri } = await users.create({ email: 'kit@example.org', role: 'reviewer', password: PASSWORD })
    const totpSecret = new Uint8Array(URI.parse(totpUri).secret.bytes)
    const code = (at = Date.now()) => totpCode(totpSecret, at)
    const kit: TestUser = { email: 'kit@example.org', password: PASSWORD, totpSecret, code }

    const res = await login(t.app, kit)

    expect(res.statusCode).toBe(401)
    expect(res.json()).toMatchObject({ error: 'UNAUTHORIZED', message: 'The e-mail address, password or code is wrong.' })
    expect(res.headers['set-cookie']).toBeUndefined()
    const user = await t.app.db.prisma.user.findUniqueOrThrow({ where: { email: 'kit@example.org' } })
    const logged = t.logs.records().filter((line) => line.outcome === 'totp-secret-unreadable')
    expect(logged).toEqual([expect.objectContaining({ level: 50, event: 'sign-in', user: user.id })])
    expect(String(logged[0]?.msg)).toMatch(/server secret/)
    const text = t.logs.text
    for (const secret of [totpSecret, otherTotpKey, t.app.keys.get().totpKey, user.totpSecret]) {
      expect(text).not.toContain(Buffer.from(secret).toString('hex'))
      expect(text).not.toContain(Buffer.from(secret).toString('base64'))
    }
    expect(text).not.toContain(PASSWORD)
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
