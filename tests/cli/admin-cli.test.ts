import { afterEach, describe, expect, it } from 'vitest'
import { runNode } from '../helpers/run-node.js'
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js'

describe('npm run admin -- init', () => {
  let testDb: TestDatabase | undefined
  afterEach(async () => {
    await testDb?.drop()
    testDb = undefined
  })

  it('creates the team key once, printing `recovery-key: <key>` last; later runs say it is already done', async () => {
    testDb = await createTestDatabase({ migrated: false })

    const first = await runNode('src/cli/admin.ts', ['init'], testDb.env)
    const second = await runNode('src/cli/admin.ts', ['init'], testDb.env)

    expect(first.code).toBe(0)
    expect(first.stdout.trimEnd().split('\n').at(-1)).toMatch(/^recovery-key: [0-9A-Z]{4}(?:-[0-9A-Z]{4}){12}$/)
    expect(second.code).toBe(0)
    expect(second.stdout).toMatch(/already initialised/)
    expect(second.stdout).not.toMatch(/recovery-key:/)
  })

  it('refuses an unknown command with usage and a non-zero exit', async () => {
    const result = await runNode('src/cli/admin.ts', ['explode'], {})

    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^usage: admin /)
  })
})
