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

  it('rotates the team key with the recovery key on stdin, reseals, and sweeps retention', { timeout: 120_000 }, async () => {
    testDb = await createTestDatabase({ migrated: false })
    const init = await runNode('src/cli/admin.ts', ['init'], testDb.env)
    const recoveryKey = init.stdout.trimEnd().split('\n').at(-1)?.replace('recovery-key: ', '') ?? ''

    const wrong = await runNode('src/cli/admin.ts', ['rotate-team-key'], testDb.env, 'AAAA-BBBB\n')
    const rotated = await runNode('src/cli/admin.ts', ['rotate-team-key'], testDb.env, `${recoveryKey}\n`)
    const resealed = await runNode('src/cli/admin.ts', ['reseal'], testDb.env, `${recoveryKey}\n`)
    const swept = await runNode('src/cli/admin.ts', ['retention-sweep'], testDb.env)

    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toMatch(/not a recovery key/)
    expect(rotated.code).toBe(0)
    expect(rotated.stdout.trimEnd().split('\n').at(-1)).toBe('version: 2')
    expect(resealed.stdout.trimEnd().split('\n').at(-1)).toBe('version: 2')
    expect(swept.stdout.trim()).toBe('destroyed: 0')
  })

  it('refuses an unknown command with usage and a non-zero exit', async () => {
    const result = await runNode('src/cli/admin.ts', ['explode'], {})

    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^usage: admin /)
  })
})

describe('npm run admin -- create-user / list-users / disable-user / reset-password', () => {
  let testDb: TestDatabase | undefined
  afterEach(async () => {
    await testDb?.drop()
    testDb = undefined
  })

  it('creates users from stdin, prints the TOTP URI last, lists, resets and disables them', { timeout: 120_000 }, async () => {
    testDb = await createTestDatabase({ migrated: false })
    const init = await runNode('src/cli/admin.ts', ['init'], testDb.env)
    const recoveryKey = init.stdout.trimEnd().split('\n').at(-1)?.replace('recovery-key: ', '') ?? ''
    const password = 'a long pass phrase for the reviewer'

    const created = await runNode(
      'src/cli/admin.ts',
      ['create-user', '--email', 'Ann@Example.org', '--role', 'reviewer'],
      testDb.env,
      `${password}\n${recoveryKey}\n`
    )
    const lead = await runNode('src/cli/admin.ts', ['create-user', '--email', 'lee@example.org', '--role', 'lead'], testDb.env, `${password}\n`)
    const weak = await runNode('src/cli/admin.ts', ['create-user', '--email', 'w@example.org', '--role', 'admin'], testDb.env, 'short\n')
    const badRole = await runNode('src/cli/admin.ts', ['create-user', '--email', 'x@example.org', '--role', 'boss'], testDb.env, `${password}\n`)
    const again = await runNode('src/cli/admin.ts', ['create-user', '--email', 'ann@example.org', '--role', 'lead'], testDb.env, `${password}\n`)
    const reset = await runNode('src/cli/admin.ts', ['reset-password', '--email', 'lee@example.org'], testDb.env, 'another long pass phrase here\n')
    const disabled = await runNode('src/cli/admin.ts', ['disable-user', '--email', 'lee@example.org'], testDb.env)
    const listed = await runNode('src/cli/admin.ts', ['list-users'], testDb.env)

    expect(created.code).toBe(0)
    expect(created.stdout.trimEnd().split('\n').at(-1)).toMatch(/^otpauth:\/\/totp\/Candid:ann%40example\.org\?.*secret=[A-Z2-7]{32}/)
    expect(created.stdout).not.toContain(password)
    expect(lead.code).toBe(0)
    expect(weak).toMatchObject({ code: 1, stderr: expect.stringMatching(/at least 15 characters/) })
    expect(badRole).toMatchObject({ code: 1, stderr: expect.stringMatching(/role must be one of/) })
    expect(again).toMatchObject({ code: 1, stderr: expect.stringMatching(/already a user/) })
    expect(reset.code).toBe(0)
    expect(disabled.code).toBe(0)
    expect(listed.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^ann@example\.org\treviewer\tactive\tcan-unseal\t\d{4}-\d{2}-\d{2}$/),
      expect.stringMatching(/^lee@example\.org\tlead\tdisabled\tcannot-unseal\t\d{4}-\d{2}-\d{2}$/)
    ])
  })
})
