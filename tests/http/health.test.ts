import pg from 'pg'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { migrateDatabase } from '../../src/db/migrator.js'
import { printRecoveryKey, terminalRecoveryKeyPrinter } from '../../src/plugins/crypto.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'

describe('health', () => {
  let t: TestApp | undefined
  afterEach(async () => {
    await t?.close()
    t = undefined
  })

  it('is live and ready on a migrated database', async () => {
    t = await createTestApp()

    const live = await t.app.inject({ method: 'GET', url: '/health/live' })
    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' })

    expect(live.statusCode).toBe(200)
    expect(live.json()).toEqual({ status: 'ok' })
    expect(ready.statusCode).toBe(200)
    expect(ready.json()).toEqual({ status: 'ready' })
  })

  it('migrates an empty database at start, recording Prisma history, then is ready', async () => {
    t = await createTestApp({ migrated: false })

    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' })
    const history = await t.app.db.prisma.$queryRaw<{ migration_name: string; finished: boolean }[]>`
      SELECT migration_name, finished_at IS NOT NULL AS finished FROM _prisma_migrations`

    expect(ready.statusCode).toBe(200)
    expect(history.length).toBeGreaterThan(0)
    expect(history.every((row) => row.finished)).toBe(true)
  })

  it('is live but not ready while migrations are missing', async () => {
    t = await createTestApp({ migrated: false, env: { MIGRATE_ON_START: 'false' } })

    const live = await t.app.inject({ method: 'GET', url: '/health/live' })
    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' })

    expect(live.statusCode).toBe(200)
    expect(ready.statusCode).toBe(503)
    expect(ready.json()).toMatchObject({ error: 'SERVICE_UNAVAILABLE', message: expect.stringMatching(/migration/) })
    expect(ready.headers['retry-after']).toBeDefined()
    const intake = await t.app.inject({ method: 'POST', url: '/api/v1/redaction/preview', payload: { text: 'hello' } })
    expect(intake.statusCode).toBe(200)
    const receipts = await t.app.inject({ method: 'GET', url: '/api/v1/receipts/0000-0000-0000-0000' })
    expect(receipts.statusCode).toBe(503)

    // Once someone migrates, the keys load in the background and the service becomes ready by itself.
    await migrateDatabase(t.app.db)
    let status = 0
    for (let attempt = 0; attempt < 40 && status !== 200; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 250))
      status = (await t.app.inject({ method: 'GET', url: '/health/ready' })).statusCode
    }
    expect(status).toBe(200)
  })

  it('is live but not ready, and sheds every other route, while the database does not answer', async () => {
    // Nothing listens on port 1: the database is down from the app's first moment.
    t = await createTestApp({
      env: { DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/candid', MIGRATE_ON_START: 'false' }
    })

    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' })
    const docs = await t.app.inject({ method: 'GET', url: '/docs/json' })
    const live = await t.app.inject({ method: 'GET', url: '/health/live' })

    expect(ready.statusCode).toBe(503)
    expect(ready.json()).toMatchObject({ error: 'SERVICE_UNAVAILABLE' })
    expect(ready.headers['retry-after']).toBe('10')
    expect(docs.statusCode).toBe(503)
    expect(live.statusCode).toBe(200)
  })

  it('with INIT_KEYS_ON_START=false waits, not ready, until an operator creates the keys', async () => {
    t = await createTestApp({ env: { INIT_KEYS_ON_START: 'false' } })

    const before = await t.app.inject({ method: 'GET', url: '/health/ready' })
    expect(before.statusCode).toBe(503)
    expect(before.json().message).toMatch(/^The service keys are not loaded yet\. There is no team key yet: run `npm run admin -- init`/)
    expect(t.recoveryKey).toBeUndefined()

    const { createKeysService } = await import('../../src/modules/keys/keys.service.js')
    const { createKeysRepository } = await import('../../src/modules/keys/keys.repository.js')
    const { loadSodium } = await import('../../src/lib/crypto/sodium.js')
    const created = await createKeysService({
      repository: createKeysRepository(t.app.db.prisma),
      sodium: await loadSodium()
    }).initialise()
    expect(created?.recoveryKey).toBeDefined()
    let status = 0
    for (let attempt = 0; attempt < 40 && status !== 200; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 250))
      status = (await t.app.inject({ method: 'GET', url: '/health/ready' })).statusCode
    }
    expect(status).toBe(200)
  })

  // Issue 17.8: stdout collected by a process manager or container runtime ends in a log; the key must not go there.
  it('prints the recovery key only to a terminal', () => {
    expect(terminalRecoveryKeyPrinter({ isTTY: true })).toBe(printRecoveryKey)
    expect(terminalRecoveryKeyPrinter({ isTTY: false })).toBeUndefined()
    expect(terminalRecoveryKeyPrinter({})).toBeUndefined()
  })

  it('started without a terminal, creates no key and writes none to stdout; waits, not ready, naming admin init', async () => {
    const written: string[] = []
    const original = process.stdout.write.bind(process.stdout)
    const tty = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY')
    Object.defineProperty(process.stdout, 'isTTY', { value: false, configurable: true })
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      written.push(String(chunk))
      return original(chunk, ...rest)
    }) as typeof process.stdout.write
    try {
      // No onRecoveryKey: the server's own default, as `npm start` under a process manager runs it.
      t = await createTestApp({ buildOptions: { onRecoveryKey: undefined } })
    } finally {
      process.stdout.write = original
      if (tty) {
        Object.defineProperty(process.stdout, 'isTTY', tty)
      } else {
        delete (process.stdout as { isTTY?: boolean }).isTTY
      }
    }
    expect(written.join('')).not.toMatch(/RECOVERY KEY/)
    expect(t.logs.lines.join('\n')).not.toMatch(/RECOVERY KEY/)
    expect(await t.app.db.prisma.teamKey.count()).toBe(0)
    const before = await t.app.inject({ method: 'GET', url: '/health/ready' })
    expect(before.statusCode).toBe(503)
    expect(before.json().message).toMatch(/run `npm run admin -- init`/)
  })

  it.skipIf(!process.env.DATABASE_URL)(
    'keeps serving when PostgreSQL ends its idle connections (a restart or failover), and says so in the log',
    async () => {
      t = await createTestApp()
      expect((await t.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200)
      const url = t.database.env.DATABASE_URL!
      const admin = new pg.Client({ connectionString: url })
      await admin.connect()
      try {
        const { rows } = await admin.query<{ ended: boolean }>(
          `SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
            WHERE datname = current_database() AND application_name = 'candid' AND pid <> pg_backend_pid()`
        )
        expect(rows.some((row) => row.ended)).toBe(true)
      } finally {
        await admin.end()
      }
      await vi.waitFor(() => expect(t!.logs.lines.join('\n')).toMatch(/closed by the server while idle/))

      const ready = await t.app.inject({ method: 'GET', url: '/health/ready' })
      expect(ready.statusCode).toBe(200)
    }
  )
})
