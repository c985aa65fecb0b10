import { afterEach, describe, expect, it } from 'vitest'
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
})
