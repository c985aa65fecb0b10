import { stat } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, describe, expect, inject, it } from 'vitest'
import { runAdmin } from '../helpers/admin.js'
import { type ChildServer, startChildServer } from '../helpers/child-server.js'
import { runNpm } from '../helpers/run-node.js'
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js'

const lastLine = (stdout: string) => stdout.trimEnd().split('\n').at(-1) ?? ''
const PASSWORD = 'a long pass phrase for the reviewer'

describe('npm run --silent admin: the documented command lines, as processes', () => {
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

  it('init prints `recovery-key: <key>` last, once; create-user prints the TOTP URI last; bad commands exit 1', { timeout: 120_000 }, async () => {
    testDb = await createTestDatabase()

    const first = await runNpm('admin', ['init'], testDb.env)
    const second = await runNpm('admin', ['init'], testDb.env)
    const recoveryKey = lastLine(first.stdout).replace('recovery-key: ', '')
    const created = await runNpm(
      'admin',
      ['create-user', '--email', 'Ann@Example.org', '--role', 'reviewer'],
      testDb.env,
      `${PASSWORD}\n${recoveryKey}\n`
    )
    const unknown = await runNpm('admin', ['explode'], {})
    // The secret the commands above generated (no SERVER_SECRET): on stdout alone, the warning on stderr.
    const shown = await runNpm('admin', ['server-secret', '--show'], testDb.env)

    expect(first.code, first.stderr).toBe(0)
    expect(lastLine(first.stdout)).toMatch(/^recovery-key: [0-9A-Z]{4}(?:-[0-9A-Z]{4}){12}$/)
    expect(second.code).toBe(0)
    expect(second.stdout).toMatch(/already initialised/)
    expect(second.stdout).not.toMatch(/recovery-key:/)
    expect(created.code, created.stderr).toBe(0)
    expect(lastLine(created.stdout)).toMatch(/^otpauth:\/\/totp\/Candid:ann%40example\.org\?.*secret=[A-Z2-7]{32}/)
    expect(created.stdout).toContain('able to unseal reports')
    expect(created.stdout + created.stderr).not.toContain(PASSWORD)
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toMatch(/^usage: admin /)
    expect(shown.code, shown.stderr).toBe(0)
    expect(shown.stdout).toMatch(/^server-secret: [A-Za-z0-9+/]{43}=\n$/)
    expect(shown.stderr).toMatch(/^WARNING: /)
  })

  it('works beside a running server that waits for its key: init makes it ready, create-user, create-api-key and reset-totp succeed', { timeout: 180_000 }, async () => {
    testDb = await createTestDatabase()
    // stdout piped: no terminal, so the server makes no team key and waits for `admin init` (issue 17.8).
    server = await startChildServer('src/server.ts', testDb.env)
    const ready = () => fetch(`http://127.0.0.1:${server?.port}/health/ready`)
    expect((await ready()).status).toBe(503)

    // On the embedded database the server holds the files; these run through its admin socket (issue 14.2).
    const init = await runNpm('admin', ['init'], testDb.env)
    expect(init.code, init.stderr).toBe(0)
    const recoveryKey = lastLine(init.stdout).replace('recovery-key: ', '')
    expect(recoveryKey).toMatch(/^[0-9A-Z]{4}(?:-[0-9A-Z]{4}){12}$/)
    const created = await runNpm(
      'admin',
      ['create-user', '--email', 'ann@example.org', '--role', 'reviewer'],
      testDb.env,
      `${PASSWORD}\n${recoveryKey}\n`
    )
    const apiKey = await runNpm('admin', ['create-api-key', '--region', 'london'], testDb.env)
    // A lost authenticator reset from the shell: the link it prints opens in the running server's console.
    const reset = await runNpm('admin', ['reset-totp', '--email', 'Ann@example.org'], testDb.env)
    const noSuchUser = await runNpm('admin', ['reset-totp', '--email', 'nobody@example.org'], testDb.env)
    const refused = await runNpm('admin', ['create-user', '--email', 'ann@example.org', '--role', 'nobody'], testDb.env, PASSWORD)

    expect(created.code, created.stderr).toBe(0)
    expect(lastLine(created.stdout)).toMatch(/^otpauth:\/\/totp\/Candid:ann%40example\.org\?/)
    expect(apiKey.code, apiKey.stderr).toBe(0)
    expect(lastLine(apiKey.stdout)).toMatch(/^api-key: \S+$/)
    expect(refused.code).toBe(1)
    expect(refused.stderr).not.toBe('')
    expect(reset.code, reset.stderr).toBe(0)
    expect(lastLine(reset.stdout)).toMatch(/^enrolment-link: \/console#enrol=[\w-]{43}$/)
    expect(noSuchUser.code).toBe(1)
    expect(noSuchUser.stderr).toContain('There is no user nobody@example.org.')
    const token = lastLine(reset.stdout).split('#enrol=')[1] ?? ''
    // The server picks the new key up on its own (it looks every 5 s): ready without a restart.
    const deadline = Date.now() + 30_000
    let status = (await ready()).status
    while (status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500))
      status = (await ready()).status
    }
    expect(status).toBe(200)
    const started = await fetch(`http://127.0.0.1:${server.port}/api/v1/enrolment/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token })
    })
    expect(started.status).toBe(200)
    expect(await started.json()).toMatchObject({ email: 'ann@example.org', purpose: 'authenticator' })
    // Nothing the commands were given or printed reaches the server's log.
    const log = server.lines.join('\n')
    expect(log).not.toContain(PASSWORD)
    expect(log).not.toContain(recoveryKey)
    expect(log).not.toContain(lastLine(apiKey.stdout).replace('api-key: ', ''))
    expect(log).not.toContain(token)

    if (inject('testDatabase').kind === 'pglite') {
      // Owner-only: nobody else may reach the socket (it runs admin commands with the server's database).
      const socketPath = path.join(testDb.env.DATA_DIR ?? '', 'admin', 'admin.sock')
      expect((await stat(socketPath)).isSocket()).toBe(true)
      expect((await stat(socketPath)).mode & 0o777).toBe(0o600)
      expect((await stat(path.dirname(socketPath))).mode & 0o777).toBe(0o700)
      // They ran in the server, which logs each command's name and nothing it was given.
      expect(server.lines.filter((line) => line.includes('admin command run for the CLI'))).toHaveLength(6)
      expect(log).not.toContain('ann@example.org')
      server.process.kill('SIGTERM')
      await server.exited
      // A stopped server removes its socket, and the CLI opens the files itself again.
      await expect(stat(socketPath)).rejects.toThrow(/ENOENT/)
      const listed = await runNpm('admin', ['list-users'], testDb.env)
      expect(listed.code, listed.stderr).toBe(0)
      expect(listed.stdout).toContain('ann@example.org')
    }
  })
})

describe('admin commands (in process: the same code the command line runs)', () => {
  let testDb: TestDatabase | undefined
  afterEach(async () => {
    await testDb?.drop()
    testDb = undefined
  })

  it('rotates the team key with the recovery key on stdin, reseals, and sweeps retention', { timeout: 120_000 }, async () => {
    testDb = await createTestDatabase()
    const init = await runAdmin(['init'], testDb.env)
    const recoveryKey = lastLine(init.stdout).replace('recovery-key: ', '')

    const wrong = await runAdmin(['rotate-team-key'], testDb.env, 'AAAA-BBBB\n')
    const rotated = await runAdmin(['rotate-team-key'], testDb.env, `${recoveryKey}\n`)
    const resealed = await runAdmin(['reseal'], testDb.env, `${recoveryKey}\n`)
    const swept = await runAdmin(['retention-sweep'], testDb.env)

    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toMatch(/not a recovery key/)
    expect(rotated.code).toBe(0)
    expect(lastLine(rotated.stdout)).toBe('version: 2')
    expect(lastLine(resealed.stdout)).toBe('version: 2')
    expect(swept.stdout.trim()).toBe('destroyed: 0')
  })

  it('creates users from stdin, lists, resets and disables them; refuses bad arguments', { timeout: 120_000 }, async () => {
    testDb = await createTestDatabase()
    const init = await runAdmin(['init'], testDb.env)
    const recoveryKey = lastLine(init.stdout).replace('recovery-key: ', '')

    const created = await runAdmin(
      ['create-user', '--email', 'Ann@Example.org', '--role', 'reviewer'],
      testDb.env,
      `${PASSWORD}\n${recoveryKey}\n`
    )
    const lead = await runAdmin(['create-user', '--email', 'lee@example.org', '--role', 'lead'], testDb.env, `${PASSWORD}\n`)
    const weak = await runAdmin(['create-user', '--email', 'w@example.org', '--role', 'admin'], testDb.env, 'short\n')
    const badRole = await runAdmin(['create-user', '--email', 'x@example.org', '--role', 'boss'], testDb.env, `${PASSWORD}\n`)
    const noEmail = await runAdmin(['create-user', '--role', 'lead'], testDb.env, `${PASSWORD}\n`)
    const extra = await runAdmin(['list-users', 'everyone'], testDb.env)
    const unknownOption = await runAdmin(['list-users', '--all'], testDb.env)
    const again = await runAdmin(['create-user', '--email', 'ann@example.org', '--role', 'lead'], testDb.env, `${PASSWORD}\n`)
    const reset = await runAdmin(['reset-password', '--email', 'lee@example.org'], testDb.env, 'another long pass phrase here\n')
    const disabled = await runAdmin(['disable-user', '--email', 'lee@example.org'], testDb.env)
    const listed = await runAdmin(['list-users'], testDb.env)

    expect(created.code).toBe(0)
    expect(lastLine(created.stdout)).toMatch(/^otpauth:\/\/totp\/Candid:ann%40example\.org\?.*secret=[A-Z2-7]{32}/)
    expect(created.stdout).not.toContain(PASSWORD)
    expect(lead.code).toBe(0)
    expect(lead.stdout).toContain('cannot unseal reports until granted')
    expect(weak).toMatchObject({ code: 1, stderr: expect.stringMatching(/at least 15 characters/) })
    expect(badRole).toMatchObject({ code: 1, stderr: expect.stringMatching(/role must be one of/) })
    expect(noEmail).toMatchObject({ code: 1, stderr: expect.stringMatching(/^--email is required/) })
    expect(extra).toMatchObject({ code: 1, stderr: expect.stringMatching(/^usage: admin /) })
    expect(unknownOption.code).toBe(1)
    expect(unknownOption.stderr).toMatch(/--all/)
    expect(again).toMatchObject({ code: 1, stderr: expect.stringMatching(/already a user/) })
    expect(reset.code).toBe(0)
    expect(disabled.code).toBe(0)
    expect(listed.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^ann@example\.org\treviewer\tactive\tcan-unseal\t\d{4}-\d{2}-\d{2}$/),
      expect.stringMatching(/^lee@example\.org\tlead\tdisabled\tcannot-unseal\t\d{4}-\d{2}-\d{2}$/)
    ])
  })
})
