import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/env.js'
import { type Database, openDatabase } from '../../src/db/database.js'
import { loadSodium } from '../../src/lib/crypto/sodium.js'
import { serverSecretFingerprint } from '../../src/modules/keys/keys.service.js'
import { runAdmin } from '../helpers/admin.js'
import { postReport } from '../helpers/reports.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js'
import { createUser, login, type TestUser } from '../helpers/users.js'

// Every key derived from the server secret (TOTP sealing, receipts, reporter keys, the API-key pepper, sign-in
// throttling, idempotency) must stay the same for the life of the database. A fingerprint recorded at the first
// start turns a changed or missing SERVER_SECRET into a refusal at start, with a message that says what to do,
// instead of a service that answers every sign-in and receipt with a failure; and `admin server-secret` moves a
// generated secret out of the database without changing any key.

const lastLine = (stdout: string) => stdout.trimEnd().split('\n').at(-1) ?? ''
const secretText = () => randomBytes(32).toString('base64')

describe('the server secret fingerprint', () => {
  let testDb: TestDatabase | undefined
  let db: Database | undefined
  let t: TestApp | undefined
  afterEach(async () => {
    await t?.stop()
    await db?.close()
    await testDb?.drop()
    t = db = testDb = undefined
  })

  /** The database of this test, opened once and handed to each start (a refused start leaves it to its owner). */
  const openTestDatabase = async () => {
    testDb = await createTestDatabase()
    db = await openDatabase(loadConfig(testDb.env).database)
    return db
  }
  const start = (env: Record<string, string> = {}) =>
    createTestApp({ database: testDb, env, buildOptions: { database: db } })
  const restart = async (env: Record<string, string> = {}) => {
    await t?.stop()
    t = await start(env)
    return t
  }
  const setting = async (key: string) => (await db?.prisma.appSetting.findUnique({ where: { key } }))?.value ?? null

  it('is recorded at the first start without SERVER_SECRET: not the secret, nor any key derived from it', async () => {
    await openTestDatabase()
    t = await start()

    const stored = (await setting('server_secret')) as string
    const fingerprint = (await setting('server_secret_fingerprint')) as string
    const sodium = await loadSodium()
    const keys = t.app.keys.get()
    const fingerprintBytes = Buffer.from(fingerprint.slice(3), 'base64')

    expect(fingerprint).toMatch(/^v1:[A-Za-z0-9+/]{43}=$/)
    expect(fingerprint).toBe(serverSecretFingerprint(sodium, Buffer.from(stored, 'base64')))
    expect(fingerprint).not.toContain(stored)
    for (const key of [
      Buffer.from(stored, 'base64'),
      keys.receiptKey,
      keys.idempotencyKey,
      keys.idempotencySealKey,
      keys.totpKey,
      keys.loginThrottleKey,
      keys.reporterKey,
      keys.apiKeyPepper
    ]) {
      expect(fingerprintBytes.equals(Buffer.from(key))).toBe(false)
    }
    // The production warning points at the way out.
    expect(t.logs.text).toMatch(/SERVER_SECRET is not set.*TOTP.*server-secret --show.*server-secret --forget/)
  })

  it('refuses a changed SERVER_SECRET, and a start without it, rather than generating a new secret', async () => {
    await openTestDatabase()
    const secret = secretText()
    const other = secretText()
    t = await start({ SERVER_SECRET: secret })
    await t.stop()
    t = undefined

    const changed = start({ SERVER_SECRET: other })
    await expect(changed).rejects.toThrow(/SERVER_SECRET has changed.*TOTP.*Put the previous SERVER_SECRET back/)
    const missing = start()
    await expect(missing).rejects.toThrow(/SERVER_SECRET is not set.*Set SERVER_SECRET to that secret again/)
    const message = String(await missing.catch((error: Error) => error.message))
    for (const value of [secret, other, Buffer.from(secret, 'base64').toString('hex')]) {
      expect(message).not.toContain(value)
    }
    // Neither refusal changed anything: no secret was generated, and the right secret still starts.
    expect(await setting('server_secret')).toBeNull()
    t = await start({ SERVER_SECRET: secret })
    expect(t.app.keys.isReady()).toBe(true)
  })

  it('refuses a SERVER_SECRET set after users exist unlike the generated one, instead of failing every sign-in', async () => {
    await openTestDatabase()
    t = await start()
    await createUser(t.app, { email: 'ann@example.org' })
    // As a database from before fingerprints: trusted on first use, but its generated secret still tells.
    await db?.prisma.appSetting.delete({ where: { key: 'server_secret_fingerprint' } })
    await t.stop()
    t = undefined

    await expect(start({ SERVER_SECRET: secretText() })).rejects.toThrow(
      /SERVER_SECRET is set, but .* generated server secret .* server-secret --show.* server-secret --forget/
    )
  })

  it('refuses a generated secret that does not match the fingerprint (a row changed or restored elsewhere)', async () => {
    await openTestDatabase()
    t = await start()
    await t.stop()
    t = undefined
    await db?.prisma.appSetting.update({ where: { key: 'server_secret' }, data: { value: secretText() } })

    await expect(start()).rejects.toThrow(/generated server secret kept in the database .* is not the one/)
  })

  it('moves a generated secret out of the database: receipts, TOTP and sign-in throttling keep working', { timeout: 180_000 }, async () => {
    await openTestDatabase()
    t = await start()
    const user: TestUser = await createUser(t.app, { email: 'ann@example.org', recoveryKey: t.recoveryKey })
    const { receipt } = (await postReport(t.app)).json() as { receipt: string }
    const keysBefore = t.app.keys.get()
    await t.stop()
    t = undefined
    // The embedded database admits one user at a time: the commands open it themselves.
    await db?.close()
    db = undefined
    const env = testDb?.env ?? {}

    const refusedWithout = await runAdmin(['server-secret', '--forget'], env)
    const refusedOther = await runAdmin(['server-secret', '--forget'], { ...env, SERVER_SECRET: secretText() })
    const shown = await runAdmin(['server-secret', '--show'], env)
    const secret = lastLine(shown.stdout).replace('server-secret: ', '')
    const forgotten = await runAdmin(['server-secret', '--forget'], { ...env, SERVER_SECRET: secret })
    const again = await runAdmin(['server-secret', '--forget'], { ...env, SERVER_SECRET: secret })
    const nothing = await runAdmin(['server-secret', '--show'], env)
    const neither = await runAdmin(['server-secret'], env)
    const both = await runAdmin(['server-secret', '--show', '--forget'], env)
    const withoutIt = await runAdmin(['list-users'], env)

    expect(refusedWithout).toMatchObject({ code: 1, stderr: expect.stringMatching(/^SERVER_SECRET is not set\..*Nothing was changed/) })
    expect(refusedOther).toMatchObject({ code: 1, stderr: expect.stringMatching(/not the generated server secret.*--show/) })
    expect(shown.code, shown.stderr).toBe(0)
    expect(shown.stdout.trimEnd().split('\n')).toHaveLength(1)
    expect(lastLine(shown.stdout)).toMatch(/^server-secret: [A-Za-z0-9+/]{43}=$/)
    expect(shown.stderr).toMatch(/^WARNING: [^]*TOTP secrets[^]*server-secret --forget/)
    expect(shown.stderr).not.toContain(secret)
    expect(forgotten.code, forgotten.stderr).toBe(0)
    expect(forgotten.stdout).toMatch(/Deleted the generated server secret/)
    expect(again).toMatchObject({ code: 0, stdout: expect.stringMatching(/nothing to forget/) })
    expect(nothing).toMatchObject({ code: 1, stderr: expect.stringMatching(/no generated server secret/) })
    expect(neither).toMatchObject({ code: 1, stderr: expect.stringMatching(/^server-secret takes --show or --forget/) })
    expect(both.code).toBe(1)
    // Forgotten, it cannot be silently replaced: without SERVER_SECRET even the admin commands refuse.
    expect(withoutIt).toMatchObject({ code: 1, stderr: expect.stringMatching(/SERVER_SECRET is not set/) })
    for (const result of [refusedWithout, refusedOther, forgotten, again, nothing, withoutIt]) {
      expect(result.stdout + result.stderr).not.toContain(secret)
    }

    db = await openDatabase(loadConfig(env).database)
    expect(await setting('server_secret')).toBeNull()
    t = await restart({ SERVER_SECRET: secret })
    const keysAfter = t.app.keys.get()
    for (const name of ['receiptKey', 'totpKey', 'reporterKey', 'apiKeyPepper', 'loginThrottleKey'] as const) {
      expect(Buffer.from(keysAfter[name]).equals(Buffer.from(keysBefore[name])), name).toBe(true)
    }
    expect((await login(t.app, user)).statusCode).toBe(200)
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/receipts/${receipt}` })).statusCode).toBe(200)
    expect(t.logs.text).not.toMatch(/SERVER_SECRET is not set/)
  })

  it('warns while SERVER_SECRET is set but its generated copy is still in the database', async () => {
    await openTestDatabase()
    t = await start()
    const secret = (await setting('server_secret')) as string

    await restart({ SERVER_SECRET: secret })

    expect(t.logs.text).toMatch(/still kept in the database.*server-secret --forget/)
    expect(t.logs.text).not.toContain(secret)
  })
})
