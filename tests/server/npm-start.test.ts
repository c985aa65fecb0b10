import { execFileSync } from 'node:child_process'
import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { runAdmin } from '../helpers/admin.js'
import { type ChildServer, startChildCommand } from '../helpers/child-server.js'
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js'

const GRACE_MS = 8_000

/** Resolves with the outcome of connecting to the port: 'open' if something still listens there. */
const probePort = (port: number) =>
  new Promise<string>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve('open')
    })
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'))
  })

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

// Issue 16: a process manager (PM2, systemd with KillMode=process, a container whose command is `npm start`) signals
// only the process it started. npm forwards SIGTERM to the script's shell; Debian's dash does not pass it on to a
// child it waits for, so the script must `exec` the server in the shell's place.
describe('npm start under a process manager (issue 16)', () => {
  let testDb: TestDatabase | undefined
  let server: ChildServer | undefined
  let serverPid: number | undefined
  afterEach(async () => {
    // The server first: an orphan would hold npm's output pipe open, and `exited` waits for it to close.
    if (serverPid && isAlive(serverPid)) {
      process.kill(serverPid, 'SIGKILL')
    }
    if (server && server.process.exitCode === null) {
      server.process.kill('SIGKILL')
      await server.exited
    }
    await testDb?.drop()
    server = testDb = serverPid = undefined
  })

  it('SIGTERM to npm alone drains the request in flight and leaves nothing running or listening', { timeout: 300_000 }, async () => {
    testDb = await createTestDatabase()
    // Its output is a pipe, as under a process manager: the server creates no team key itself (17.8).
    const init = await runAdmin(['init'], testDb.env)
    expect(init.code, init.stderr).toBe(0)
    // Spawned in this process group (not detached): only npm's pid is signalled, never the group.
    server = await startChildCommand(
      'npm',
      ['start'],
      { HOME: process.env.HOME ?? '/tmp', ...testDb.env, SHUTDOWN_GRACE_MS: String(GRACE_MS) },
      240_000 // the prestart build runs first
    )
    const { port } = server
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`)
    expect(ready.status).toBe(200)
    // npm's only child is the server itself: the shell that ran the script has become node (exec).
    const children = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(server.process.pid)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
    expect(children.map(([, command]) => command)).toEqual(['node'])
    serverPid = Number(children[0]?.[0])

    // The request in flight: its headers are in, its body still on the way when the signal arrives.
    const body = JSON.stringify({ text: 'The duty manager called mum back on Tuesday after the strategy meeting.' })
    const half = Math.floor(body.length / 2)
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/api/v1/redaction/preview',
          agent: false,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
        },
        (res) => {
          let text = ''
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString('utf8')
          })
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
          res.on('error', reject)
        }
      )
      req.on('error', reject)
      req.write(body.slice(0, half))
      server?.waitForLine(/shutting down/).then(async () => {
        await sleep(300)
        req.end(body.slice(half))
      }, reject)
    })
    await sleep(300)

    const signalledAt = Date.now()
    server.process.kill('SIGTERM')
    const answered = await answer
    const exit = await server.exited
    const tookMs = Date.now() - signalledAt

    expect(answered.status, answered.body).toBe(200)
    expect(JSON.parse(answered.body).redacted).toContain('The duty manager called mum back on Tuesday')
    const messages = server.lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line).msg as string)
    expect(messages).toContain('shutting down')
    expect(messages.at(-1), server.lines.join('\n')).toBe('shut down cleanly')
    expect(exit.code).toBe(0)
    expect(tookMs).toBeLessThan(GRACE_MS)
    expect(isAlive(serverPid)).toBe(false)
    expect(await probePort(port)).toBe('ECONNREFUSED')
  })
})
