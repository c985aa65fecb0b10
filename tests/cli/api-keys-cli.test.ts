import { createHmac, randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config/env.js'
import { openDatabase } from '../../src/db/database.js'
import { deriveKey } from '../../src/lib/crypto/secrets.js'
import { loadSodium } from '../../src/lib/crypto/sodium.js'
import { createApiKeysRepository } from '../../src/modules/api-keys/api-keys.repository.js'
import { createApiKeysService } from '../../src/modules/api-keys/api-keys.service.js'
import { LogCapture } from '../helpers/log-capture.js'
import { runAdmin } from '../helpers/admin.js'
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js'

const DATE = String.raw`\d{4}-\d{2}-\d{2}`

const lastLine = (stdout: string) => stdout.trimEnd().split('\n').at(-1) ?? ''
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)

describe('npm run admin -- create-api-key / list-api-keys / revoke-api-key', () => {
  let testDb: TestDatabase | undefined
  afterEach(async () => {
    await testDb?.drop()
    testDb = undefined
  })

  it('creates one-region keys that expire (printed once, last), lists them, revokes one', { timeout: 180_000 }, async () => {
    testDb = await createTestDatabase()
    const secret = randomBytes(32)
    const env = { ...testDb.env, SERVER_SECRET: secret.toString('base64') }
    const pepper = deriveKey(await loadSodium(), secret, 'apiKey')

    const first = await runAdmin(['create-api-key', '--region', 'london', '--label', 'partner feed'], env)
    const second = await runAdmin(['create-api-key', '--region', 'east', '--days', '30'], env)
    const key = lastLine(first.stdout).replace('api-key: ', '')
    const otherKey = lastLine(second.stdout).replace('api-key: ', '')
    const [prefix, otherPrefix] = [key.slice(0, 12), otherKey.slice(0, 12)]
    // A key made 400 days ago, for the longest allowed: expired by now.
    let oldPrefix = ''
    const before = await openDatabase(loadConfig(env).database)
    try {
      const past = createApiKeysService({
        repository: createApiKeysRepository(before.prisma),
        regions: ['london'],
        clock: () => new Date(Date.now() - 400 * 86_400_000)
      })
      oldPrefix = (await past.create(['london'], 'old', { pepper, days: 366 })).prefix
    } finally {
      await before.close()
    }
    const listed = await runAdmin(['list-api-keys'], env)
    const revoked = await runAdmin(['revoke-api-key', '--prefix', prefix], env)
    const again = await runAdmin(['revoke-api-key', '--prefix', prefix], env)
    const relisted = await runAdmin(['list-api-keys'], env)

    expect(first.code).toBe(0)
    expect(lastLine(first.stdout)).toMatch(/^api-key: cnd_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{43}$/)
    // The secret part is 32 whole random bytes, apart from the prefix listings show.
    expect(Buffer.from(key.slice(13), 'base64url')).toHaveLength(32)
    expect(first.stdout).toContain(`${prefix} for london; it expires on ${inDays(365)} (refused from 00:00 UTC that day).`)
    expect(first.stdout.split(key.slice(12)).length).toBe(2)
    expect(second.code).toBe(0)
    expect(lastLine(second.stdout)).toMatch(/^api-key: cnd_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{43}$/)
    expect(second.stdout).toContain(`${otherPrefix} for east; it expires on ${inDays(30)} `)
    expect(otherKey).not.toBe(key)
    expect(listed.code).toBe(0)
    expect(listed.stdout).not.toContain(key.slice(12))
    expect(listed.stdout.trim().split('\n')).toHaveLength(3)
    expect(listed.stdout).toMatch(new RegExp(`^${prefix}\tlondon\tpartner feed\t${DATE}\texpires ${inDays(365)}$`, 'm'))
    expect(listed.stdout).toMatch(new RegExp(`^${otherPrefix}\teast\t\t${DATE}\texpires ${inDays(30)}$`, 'm'))
    expect(listed.stdout).toMatch(new RegExp(`^${oldPrefix}\tlondon\told\t${DATE}\texpired ${DATE}$`, 'm'))
    expect(revoked).toMatchObject({ code: 0, stdout: expect.stringMatching(new RegExp(`^Revoked API key ${prefix} on ${DATE};`)) })
    expect(again).toMatchObject({ code: 0, stdout: expect.stringMatching(/already revoked on/) })
    expect(relisted.stdout).toMatch(
      new RegExp(`^${prefix}\tlondon\tpartner feed\t${DATE}\texpires ${DATE}\trevoked ${DATE}$`, 'm')
    )
    expect(relisted.stdout).toMatch(new RegExp(`^${otherPrefix}\teast\t\t${DATE}\texpires ${DATE}$`, 'm'))

    // Stored as the HMAC under the server secret's `apiKey` subkey ...
    const db = await openDatabase(loadConfig(env).database)
    try {
      const row = await db.prisma.apiKey.findUniqueOrThrow({ where: { prefix: otherPrefix } })
      expect(Buffer.from(row.keyHash).equals(createHmac('sha256', pepper).update(otherKey).digest())).toBe(true)
    } finally {
      await db.close()
    }
    // ... which is what the server derives too: the printed keys are the ones it checks, the revoked one refused.
    const app = await buildApp(
      loadConfig({ NODE_ENV: 'test', MAX_EVENT_LOOP_UTILIZATION: '1', MAX_EVENT_LOOP_DELAY_MS: '0', ...env }),
      { logStream: new LogCapture(), onRecoveryKey: () => {} }
    )
    try {
      await app.ready()
      const pull = (apiKey: string, region: string, extra = '') =>
        app.inject({
          method: 'GET',
          url: `/api/v1/summaries/quarterly?quarter=2026-Q3&region=${region}${extra}`,
          headers: { authorization: `Bearer ${apiKey}` }
        })
      expect(Buffer.from(app.keys.get().apiKeyPepper).equals(Buffer.from(pepper))).toBe(true)
      // Admitted (nothing is published yet, hence 404, not 401).
      expect((await pull(otherKey, 'east')).statusCode).toBe(404)
      expect((await pull(key, 'london')).statusCode).toBe(401)
      expect((await pull(otherKey, 'east', `&api_key=${otherKey}`)).statusCode).toBe(400)
    } finally {
      await app.close()
    }
  })

  it('refuses bad arguments with a message and a non-zero exit', { timeout: 180_000 }, async () => {
    testDb = await createTestDatabase()
    const env = testDb.env
    const someKey = `cnd_${Buffer.alloc(32, 1).toString('base64url')}`

    const noRegion = await runAdmin(['create-api-key', '--label', 'x'], env)
    const twoRegions = await runAdmin(['create-api-key', '--region', 'london', '--region', 'north-east'], env)
    const unknownRegion = await runAdmin(['create-api-key', '--region', 'mars'], env)
    const tooLong = await runAdmin(['create-api-key', '--region', 'london', '--days', '367'], env)
    const noDays = await runAdmin(['create-api-key', '--region', 'london', '--days', '0'], env)
    const notDays = await runAdmin(['create-api-key', '--region', 'london', '--days', '1y'], env)
    const configured = await runAdmin(['create-api-key', '--region', 'mars'], { ...env, REGIONS: 'mars,venus' })
    const badLabel = await runAdmin(['create-api-key', '--region', 'london', '--label', 'a\tb'], env)
    const noPrefix = await runAdmin(['revoke-api-key'], env)
    const unknownPrefix = await runAdmin(['revoke-api-key', '--prefix', 'cnd_AAAAAAAA'], env)
    const wholeKey = await runAdmin(['revoke-api-key', '--prefix', someKey], env)
    const listed = await runAdmin(['list-api-keys'], env)

    expect(noRegion).toMatchObject({ code: 1, stderr: expect.stringMatching(/^--region is required[^]*usage: admin /) })
    expect(twoRegions).toMatchObject({ code: 1, stderr: expect.stringMatching(/^An API key is for one region only \(R26\)/) })
    expect(unknownRegion).toMatchObject({ code: 1, stderr: expect.stringMatching(/^Unknown region mars; the regions are north-east,/) })
    expect(tooLong).toMatchObject({ code: 1, stderr: 'An API key lasts 1 to 366 days (at most 12 months).\n' })
    expect(noDays).toMatchObject({ code: 1, stderr: 'An API key lasts 1 to 366 days (at most 12 months).\n' })
    expect(notDays).toMatchObject({ code: 1, stderr: expect.stringMatching(/^--days takes a whole number of days, 1 to 366/) })
    expect(configured.code).toBe(0)
    expect(badLabel).toMatchObject({ code: 1, stderr: expect.stringMatching(/no tabs or line breaks/) })
    expect(noPrefix).toMatchObject({ code: 1, stderr: expect.stringMatching(/^--prefix is required/) })
    expect(unknownPrefix).toMatchObject({ code: 1, stderr: 'There is no API key with the prefix cnd_AAAAAAAA.\n' })
    expect(wholeKey).toMatchObject({ code: 1, stderr: expect.stringMatching(/prefix is 12 characters/) })
    expect(wholeKey.stderr).not.toContain(someKey.slice(12))
    expect(listed.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^cnd_\S{8}\tmars\t\t/)])
  })
})
