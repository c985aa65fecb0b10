import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/env.js'
import { openDatabase } from '../../src/db/database.js'
import { createApiKeysRepository } from '../../src/modules/api-keys/api-keys.repository.js'
import { createApiKeysService } from '../../src/modules/api-keys/api-keys.service.js'
import { runNode } from '../helpers/run-node.js'
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js'

const ADMIN = 'src/cli/admin.ts'
const DATE = String.raw`\d{4}-\d{2}-\d{2}`

const lastLine = (stdout: string) => stdout.trimEnd().split('\n').at(-1) ?? ''

describe('npm run admin -- create-api-key / list-api-keys / revoke-api-key', () => {
  let testDb: TestDatabase | undefined
  afterEach(async () => {
    await testDb?.drop()
    testDb = undefined
  })

  it('creates keys (printed once, last), lists them, and revokes one by its prefix', { timeout: 120_000 }, async () => {
    testDb = await createTestDatabase()
    const env = testDb.env

    const first = await runNode(ADMIN, ['create-api-key', '--region', 'london', '--region', 'north-east', '--label', 'partner feed'], env)
    const second = await runNode(ADMIN, ['create-api-key', '--region', 'east'], env)
    const key = lastLine(first.stdout).replace('api-key: ', '')
    const otherKey = lastLine(second.stdout).replace('api-key: ', '')
    const [prefix, otherPrefix] = [key.slice(0, 12), otherKey.slice(0, 12)]
    const listed = await runNode(ADMIN, ['list-api-keys'], env)
    const revoked = await runNode(ADMIN, ['revoke-api-key', '--prefix', prefix], env)
    const again = await runNode(ADMIN, ['revoke-api-key', '--prefix', prefix], env)
    const relisted = await runNode(ADMIN, ['list-api-keys'], env)

    expect(first.code).toBe(0)
    expect(lastLine(first.stdout)).toMatch(/^api-key: cnd_[A-Za-z0-9_-]{43}$/)
    expect(first.stdout).toContain(`${prefix} for london,north-east`)
    expect(first.stdout.split(key.slice(12)).length).toBe(2)
    expect(second.code).toBe(0)
    expect(lastLine(second.stdout)).toMatch(/^api-key: cnd_[A-Za-z0-9_-]{43}$/)
    expect(otherKey).not.toBe(key)
    expect(listed.code).toBe(0)
    expect(listed.stdout).not.toContain(key.slice(12))
    expect(listed.stdout.trim().split('\n')).toHaveLength(2)
    expect(listed.stdout).toMatch(new RegExp(`^${prefix}\tlondon,north-east\tpartner feed\t${DATE}$`, 'm'))
    expect(listed.stdout).toMatch(new RegExp(`^${otherPrefix}\teast\t\t${DATE}$`, 'm'))
    expect(revoked).toMatchObject({ code: 0, stdout: expect.stringMatching(new RegExp(`^Revoked API key ${prefix} on ${DATE};`)) })
    expect(again).toMatchObject({ code: 0, stdout: expect.stringMatching(/already revoked on/) })
    expect(relisted.stdout).toMatch(new RegExp(`^${prefix}\tlondon,north-east\tpartner feed\t${DATE}\trevoked ${DATE}$`, 'm'))
    expect(relisted.stdout).toMatch(new RegExp(`^${otherPrefix}\teast\t\t${DATE}$`, 'm'))

    // The printed keys are the ones the server checks: the revoked one no longer verifies, the other does.
    const db = await openDatabase(loadConfig(env).database)
    try {
      const apiKeys = createApiKeysService({ repository: createApiKeysRepository(db.prisma), regions: ['east'] })
      expect(await apiKeys.verify(key)).toBeNull()
      expect(await apiKeys.verify(otherKey)).toMatchObject({ prefix: otherPrefix, regions: ['east'] })
    } finally {
      await db.close()
    }
  })

  it('refuses bad arguments with a message and a non-zero exit', { timeout: 120_000 }, async () => {
    testDb = await createTestDatabase()
    const env = testDb.env
    const someKey = `cnd_${Buffer.alloc(32, 1).toString('base64url')}`

    const noRegion = await runNode(ADMIN, ['create-api-key', '--label', 'x'], env)
    const unknownRegion = await runNode(ADMIN, ['create-api-key', '--region', 'london', '--region', 'mars'], env)
    const configured = await runNode(ADMIN, ['create-api-key', '--region', 'mars'], { ...env, REGIONS: 'mars,venus' })
    const badLabel = await runNode(ADMIN, ['create-api-key', '--region', 'london', '--label', 'a\tb'], env)
    const noPrefix = await runNode(ADMIN, ['revoke-api-key'], env)
    const unknownPrefix = await runNode(ADMIN, ['revoke-api-key', '--prefix', 'cnd_AAAAAAAA'], env)
    const wholeKey = await runNode(ADMIN, ['revoke-api-key', '--prefix', someKey], env)
    const listed = await runNode(ADMIN, ['list-api-keys'], env)

    expect(noRegion).toMatchObject({ code: 1, stderr: expect.stringMatching(/^--region is required[^]*usage: admin /) })
    expect(unknownRegion).toMatchObject({ code: 1, stderr: expect.stringMatching(/^Unknown region mars; the regions are north-east,/) })
    expect(configured.code).toBe(0)
    expect(badLabel).toMatchObject({ code: 1, stderr: expect.stringMatching(/no tabs or line breaks/) })
    expect(noPrefix).toMatchObject({ code: 1, stderr: expect.stringMatching(/^--prefix is required/) })
    expect(unknownPrefix).toMatchObject({ code: 1, stderr: 'There is no API key with the prefix cnd_AAAAAAAA.\n' })
    expect(wholeKey).toMatchObject({ code: 1, stderr: expect.stringMatching(/prefix is 12 characters/) })
    expect(wholeKey.stderr).not.toContain(someKey.slice(12))
    expect(listed.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^cnd_\S{8}\tmars\t\t/)])
  })
})
