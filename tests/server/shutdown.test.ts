import { existsSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import request from 'supertest'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/env.js'
import { openDatabase } from '../../src/db/database.js'
import { readMigrationState, readMigrations } from '../../src/db/migrator.js'
import { type ChildServer, startChildServer } from '../helpers/child-server.js'
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js'

const SLOW_SERVER = 'tests/fixtures/slow-server.ts'

describe('graceful shutdown (R35)', () => {
  let testDb: TestDatabase | undefined
  let server: ChildServer | undefined
  afterEach(async () => {
    if (server && server.process.exitCode === null) {
      server.process.kill('SIGKILL')
      await server.exited
    }
    await testDb?.drop()
    server = testDb = undefined
  })

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'on %s finishes the request in flight, refuses new ones, closes the database and exits 0',
    async (signal) => {
      testDb = await createTestDatabase()
      server = await startChildServer(SLOW_SERVER, { ...testDb.env, SHUTDOWN_GRACE_MS: '10000' })
      const base = `http://127.0.0.1:${server.port}`

      // supertest over the real socket (a `.then` sends the request now, as fetch would).
      const inFlight = request(base).get('/test/slow?ms=1500').then((res) => res)
      await server.waitForLine(/slow request started/)
      server.process.kill(signal)
      await server.waitForLine(/shutting down/)
      const late = await request(base).get('/health/live').then(
        (res) => res.status,
        () => 'refused'
      )
      const answered = await inFlight
      const exit = await server.exited

      expect(answered.status).toBe(200)
      expect(answered.body).toEqual({ done: true })
      expect([503, 'refused']).toContain(late)
      expect(exit, server.lines.join('\n')).toEqual({ code: 0, signal: null })
      const messages = server.lines.map((line) => JSON.parse(line).msg as string)
      expect(messages.indexOf('database closed')).toBeGreaterThan(messages.indexOf('shutting down'))
      expect(messages.at(-1)).toBe('shut down cleanly')

      // The database was closed cleanly: it opens again at once (PGlite: no lock left behind) with its history.
      const config = loadConfig(testDb.env)
      if (config.database.kind === 'pglite') {
        expect(existsSync(`${config.database.dataDir}.lock`)).toBe(false)
      }
      const db = await openDatabase(config.database)
      try {
        const { names } = await readMigrations()
        expect((await readMigrationState(db.prisma, names)).pending).toEqual([])
      } finally {
        await db.close()
      }
    }
  )

  it('answers every request sent before SIGTERM during a 50 req/s stream: 200 or 503, never a reset', async () => {
    testDb = await createTestDatabase()
    server = await startChildServer(SLOW_SERVER, { ...testDb.env, SHUTDOWN_GRACE_MS: '10000' })
    const { port } = server

    // One connection per request (no keep-alive), so a refused connection means "not accepted" and anything
    // else that fails after acceptance would show up as a reset.
    const attempt = () =>
      new Promise<number | string>((resolve) => {
        const req = httpRequest({ host: '127.0.0.1', port, path: '/test/slow?ms=200', agent: false }, (res) => {
          res.resume()
          res.on('end', () => resolve(res.statusCode ?? 0))
          res.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'))
        })
        req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'))
        req.end()
      })
    const outcomes: Promise<number | string>[] = []
    for (let i = 0; i < 100; i++) {
      outcomes.push(attempt())
      if (i === 50) {
        server.process.kill('SIGTERM')
      }
      await sleep(20)
    }
    const results = await Promise.all(outcomes)
    const exit = await server.exited

    expect(exit.code).toBe(0)
    // Sent before (or with) the signal: answered, by the route or with 503 — never reset, never refused.
    for (const result of results.slice(0, 51)) {
      expect([200, 503]).toContain(result)
    }
    expect(results.slice(0, 40).every((result) => result === 200)).toBe(true)
    // Sent after it: 503 while draining, then refused once the listener is closed. A connection that reaches the
    // kernel in the instant the listening socket closes is reset by TCP itself; it was never accepted.
    const after = results.slice(51)
    for (const result of after) {
      expect([200, 503, 'ECONNREFUSED', 'ECONNRESET']).toContain(result)
    }
    expect(after.filter((result) => result === 'ECONNREFUSED').length).toBeGreaterThan(30)
  })

  it('gives up on requests that outlast the grace period and exits non-zero', async () => {
    testDb = await createTestDatabase()
    server = await startChildServer(SLOW_SERVER, { ...testDb.env, SHUTDOWN_GRACE_MS: '300' })

    const inFlight = fetch(`http://127.0.0.1:${server.port}/test/slow?ms=20000`).catch(() => 'reset')
    await server.waitForLine(/slow request started/)
    server.process.kill('SIGTERM')
    const exit = await server.exited

    expect(exit.code).not.toBe(0)
    expect(await inFlight).toBe('reset')
  })
})
