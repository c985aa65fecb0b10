import { afterEach, describe, expect, inject, it } from 'vitest'
import { readMigrations } from '../../src/db/migrator.js'
import { type ChildServer, startChildServer } from '../helpers/child-server.js'
import { runAdmin, runDb } from '../helpers/admin.js'
import { runNode, runNpm } from '../helpers/run-node.js'
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js'

const DB_CLI = 'src/cli/db.ts'

describe('npm run db:migrate / db:status', () => {
  let testDb: TestDatabase | undefined
  let server: ChildServer | undefined
  afterEach(async () => {
    if (server && server.process.exitCode === null) {
      server.process.kill('SIGTERM')
      await server.exited
    }
    await testDb?.drop()
    server = testDb = undefined
  })

  it('migrates an empty database once, then reports it up to date', async () => {
    testDb = await createTestDatabase({ migrated: false })
    const { names } = await readMigrations()

    // The first migration as an operator types it; the rest in process (the same commands, without the start-up).
    const before = await runDb(['status'], testDb.env)
    const first = await runNpm('db:migrate', [], testDb.env)
    const second = await runDb(['migrate'], testDb.env)
    const after = await runNpm('db:status', [], testDb.env)

    expect(before.code).toBe(2)
    expect(before.stdout).toContain(`pending: ${names.join(', ')}`)
    expect(first).toMatchObject({ code: 0, stdout: `Applied ${names.length} migration(s): ${names.join(', ')}\n` })
    expect(second).toMatchObject({ code: 0, stdout: 'Nothing to apply.\n' })
    expect(after.code).toBe(0)
    expect(after.stdout).toContain('pending: none')
  })

  it('refuses unknown commands with usage and a non-zero exit', async () => {
    const result = await runNode(DB_CLI, ['explode'], {})

    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^usage: db </)
  })

  it.runIf(inject('testDatabase').kind === 'pglite')(
    'says clearly that the embedded database is held by a running server',
    async () => {
      testDb = await createTestDatabase()
      // A child's stdout is a pipe, so it makes no team key itself (17.8): the operator's `admin init` first.
      expect((await runAdmin(['init'], testDb.env)).code).toBe(0)
      server = await startChildServer('src/server.ts', testDb.env)

      const result = await runNode(DB_CLI, ['migrate'], testDb.env)

      expect(result.code).toBe(1)
      expect(result.stderr).toMatch(/embedded database is in use by another process/)
      expect((await fetch(`http://127.0.0.1:${server.port}/health/ready`)).status).toBe(200)
    }
  )
})

describe('server start-up', () => {
  it('stops with a message naming each wrong variable', async () => {
    const result = await runNode('src/server.ts', [], { PORT: 'eighty', DATABASE_URL: 'mysql://x/y' })

    expect(result.code).toBe(1)
    expect(result.stderr).toContain('PORT: expected a whole number')
    expect(result.stderr).toContain('DATABASE_URL: expected postgresql://')
  })
})
