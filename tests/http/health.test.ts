import { afterEach, describe, expect, it } from 'vitest'
import { migrateDatabase } from '../../src/db/migrator.js'
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
    expect(before.json().message).toBe('The service keys are not loaded yet.')
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
})
