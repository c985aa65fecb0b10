import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toMonthString } from '../../src/lib/dates.js'
import { type ChildServer, startChildServer } from '../helpers/child-server.js'
import { postReport, reportBody } from '../helpers/reports.js'
import { createTestApp } from '../helpers/test-app.js'
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js'
import { createUser, type TestUser } from '../helpers/users.js'

/**
 * Issue 14.8: a department runs Candid as several instances behind a load balancer, over one PostgreSQL and one
 * Redis. Two real server processes (the server entry, plus the shutdown test's slow probe route) share both, and
 * the test checks what must then hold: a session made on one works on the other, rate limits count across them, the
 * due quarter is published once and the retention sweep destroys each narrative once though both run their
 * schedules, and SIGTERM on one loses no request in flight while the other goes on serving.
 *
 * PostgreSQL only: the embedded database is one process's files, so a second instance cannot open it (that is the
 * point of the admin socket). Redis is CANDID_TEST_REDIS_URL, or 127.0.0.1:6379 (.ci/run starts one if none answers).
 */

const SERVER = 'tests/fixtures/slow-server.ts'
const REDIS_URL = process.env.CANDID_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
const onPostgres = Boolean(process.env.DATABASE_URL)
const RETIRED = 3
const PREVIEWS_PER_MIN = 4

const messagesOf = (server: ChildServer) =>
  server.lines.map((line) => JSON.parse(line) as { msg?: string; event?: string; count?: number })

/** Polls `check` every half second until it holds, or fails after `ms`. */
const eventually = async (check: () => Promise<boolean>, ms: number, what: string) => {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

describe.skipIf(!onPostgres)('two instances over one PostgreSQL and one Redis (skipped on PGlite: one process only)', () => {
  let db: TestDatabase
  let one: ChildServer
  let two: ChildServer
  let user: TestUser
  let cookie: string
  const secret = randomBytes(32).toString('base64')

  beforeAll(async () => {
    // Redis must answer: with it down the rate limiter lets requests through (skipOnError) and the test would say
    // nothing about sharing.
    const redis = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 1 })
    await redis.connect()
    expect(await redis.ping()).toBe('PONG')
    await redis.quit()

    db = await createTestDatabase()
    const env = { ...db.env, SERVER_SECRET: secret }
    // Set up in process (as the admin CLI and earlier use would have): a user, a report about a month well before
    // the quarter now due (so Candid was in use during it and it is published), and reports closed long ago.
    const setup = await createTestApp({ database: db, env: { ...env, RATE_LIMIT_INTAKE_PER_10MIN: '100' } })
    try {
      user = await createUser(setup.app, { email: 'reviewer.two@example.org', recoveryKey: setup.recoveryKey })
      const now = new Date()
      const earlier = toMonthString(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 6, 1)))
      for (let i = 0; i < 1 + RETIRED; i++) {
        expect((await postReport(setup.app, reportBody({ occurredMonth: earlier }))).statusCode).toBe(201)
      }
      const reports = await setup.app.db.prisma.report.findMany({ select: { id: true }, take: RETIRED })
      await setup.app.db.prisma.report.updateMany({
        where: { id: { in: reports.map((report) => report.id) } },
        data: { closedOn: new Date('2020-01-01') }
      })
    } finally {
      await setup.stop()
    }

    const instanceEnv = {
      ...env,
      REDIS_URL,
      RATE_LIMIT_PREVIEW_PER_MIN: String(PREVIEWS_PER_MIN),
      // Both schedules on, at their shortest: the publication check a minute after start, the sweep 30 s after.
      PUBLISH_CHECK_MINUTES: '1',
      RETENTION_SWEEP_MINUTES: '1',
      SHUTDOWN_GRACE_MS: '10000'
    }
    ;[one, two] = await Promise.all([startChildServer(SERVER, instanceEnv), startChildServer(SERVER, instanceEnv)])
  }, 180_000)

  afterAll(async () => {
    for (const server of [one, two]) {
      if (server && server.process.exitCode === null) {
        server.process.kill('SIGKILL')
        await server.exited
      }
    }
    await db?.drop()
  })

  const url = (server: ChildServer, path: string) => `http://127.0.0.1:${server.port}${path}`

  it('a session made on one instance works on the other', async () => {
    const login = await fetch(url(one, '/api/v1/auth/login'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: user.password, totp: user.code() })
    })
    expect(login.status, await login.clone().text()).toBe(200)
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string
    expect(cookie).toMatch(/=/)
    const there = await fetch(url(two, '/api/v1/auth/session'), { headers: { cookie } })
    expect(there.status).toBe(200)
    expect((await fetch(url(two, '/api/v1/reports'), { headers: { cookie } })).status).toBe(200)
    expect((await fetch(url(two, '/api/v1/reports'))).status).toBe(401)
  })

  it('counts a client against one rate limit across both instances', async () => {
    const preview = (server: ChildServer) =>
      fetch(url(server, '/api/v1/redaction/preview'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'The visit was moved.' })
      }).then((res) => res.status)
    const statuses = []
    for (let i = 0; i < PREVIEWS_PER_MIN; i++) statuses.push(await preview(i % 2 === 0 ? one : two))
    expect(statuses).toEqual([200, 200, 200, 200])
    // Each instance alone has seen only two: only a shared count refuses these.
    expect(await preview(one)).toBe(429)
    expect(await preview(two)).toBe(429)
  })

  it('publishes the quarter due once and destroys each retired narrative once, though both instances run both schedules', async () => {
    const client = new pg.Client({ connectionString: db.env.DATABASE_URL })
    await client.connect()
    const count = async (sql: string) => ((await client.query<{ n: number }>(sql)).rows[0]?.n ?? 0)
    try {
      await eventually(
        async () => (await count('SELECT count(*)::int AS n FROM report WHERE destroyed_on IS NOT NULL')) === RETIRED,
        90_000,
        'the retention sweep'
      )
      await eventually(async () => (await count('SELECT count(*)::int AS n FROM publication')) > 0, 120_000, 'a publication')
      // Both instances check a minute after their start, within a second or two of each other: let the later finish.
      await sleep(5000)
      expect(await count('SELECT count(DISTINCT quarter)::int AS n FROM publication')).toBe(1)
      const lines = [one, two].flatMap(messagesOf)
      expect(lines.filter((line) => line.event === 'publication' && line.msg === 'published the quarter due')).toHaveLength(1)
      expect(lines.filter((line) => line.event === 'publication' && line.msg !== 'published the quarter due')).toEqual([])
      const swept = lines.filter((line) => line.event === 'retention')
      expect(swept.reduce((sum, line) => sum + (line.count ?? 0), 0)).toBe(RETIRED)
    } finally {
      await client.end()
    }
  }, 150_000)

  it('on SIGTERM one instance finishes its request in flight while the other goes on serving', async () => {
    const inFlight = fetch(url(one, '/test/slow?ms=1500'))
    await one.waitForLine(/slow request started/)
    one.process.kill('SIGTERM')
    const answered = await inFlight
    expect(answered.status).toBe(200)
    expect(await answered.json()).toEqual({ done: true })
    expect(await one.exited).toEqual({ code: 0, signal: null })
    expect((await fetch(url(two, '/health/live'))).status).toBe(200)
    expect((await fetch(url(two, '/api/v1/reports'), { headers: { cookie } })).status).toBe(200)
  })
})
