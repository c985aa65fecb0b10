import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type AdminSocketServer, runOverAdminSocket, startAdminSocket } from '../../src/cli/admin-socket.js'
import type { CliIo } from '../../src/cli/run.js'

/** The admin socket's protocol on its own (tests/cli/admin-cli.test.ts runs it between real processes). */

const bufferIo = (stdin: string | null = null) => {
  const out: string[] = []
  const warn: string[] = []
  let stdinReads = 0
  const io: CliIo = {
    env: {},
    readStdin: async () => {
      stdinReads += 1
      return stdin
    },
    out: (line) => out.push(line),
    warn: (line) => warn.push(line)
  }
  return { io, out, warn, stdinReads: () => stdinReads }
}

describe('admin socket', () => {
  let dir: string
  let socketPath: string
  let server: AdminSocketServer | undefined
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'candid-admin-socket-'))
    socketPath = path.join(dir, 'admin', 'admin.sock')
  })
  afterEach(async () => {
    await server?.close()
    server = undefined
    await rm(dir, { recursive: true, force: true })
  })

  it('runs the command in the server: output, stdin on request, the exit status and the error message', async () => {
    const seen: string[][] = []
    server = await startAdminSocket(socketPath, async (args, io) => {
      seen.push([...args])
      if (args[0] === 'fail') {
        throw new Error('no such user')
      }
      const input = await io.readStdin()
      io.warn('a warning')
      io.out(`got ${input ?? 'nothing'}`)
    })
    const ok = bufferIo('secret line\n')
    const quiet = bufferIo()

    expect(await runOverAdminSocket(socketPath, ['create-user', '--email', 'a@b.c'], ok.io)).toBe(true)
    await expect(runOverAdminSocket(socketPath, ['fail'], quiet.io)).rejects.toThrow(/^no such user$/)
    expect(seen).toEqual([['create-user', '--email', 'a@b.c'], ['fail']])
    expect(ok.out).toEqual(['got secret line\n'])
    expect(ok.warn).toEqual(['a warning'])
    // stdin is read only when the command asks for it (a command without input must not wait on an open pipe).
    expect(quiet.stdinReads()).toBe(0)
  })

  it('is owner-only (0600 socket in a 0700 directory), even in a directory that existed with a wider mode', async () => {
    await mkdir(path.dirname(socketPath), { mode: 0o755 })
    await writeFile(socketPath, 'left by a server that died')
    server = await startAdminSocket(socketPath, async () => {})

    expect((await stat(socketPath)).isSocket()).toBe(true)
    expect((await stat(socketPath)).mode & 0o777).toBe(0o600)
    expect((await stat(path.dirname(socketPath))).mode & 0o777).toBe(0o700)
    await server.close()
    server = undefined
    await expect(stat(socketPath)).rejects.toThrow(/ENOENT/)
  })

  it('tells the CLI to run the command itself when no server listens (no socket, or a stale one)', async () => {
    expect(await runOverAdminSocket(socketPath, ['list-users'], bufferIo().io)).toBe(false)
    // A file where the socket was, nobody listening (connecting to it is refused, as to a dead server's socket).
    await mkdir(path.dirname(socketPath), { recursive: true })
    await writeFile(socketPath, '')

    expect(await runOverAdminSocket(socketPath, ['list-users'], bufferIo().io)).toBe(false)
  })

  it('drops a connection that sends something other than a command, without running anything', async () => {
    let runs = 0
    server = await startAdminSocket(socketPath, async () => {
      runs += 1
    })
    const closed = await new Promise<string>((resolve) => {
      let received = ''
      const socket = net.createConnection(socketPath, () => socket.write('{"args":[1,2]}\n'))
      socket.on('data', (chunk) => {
        received += chunk.toString()
      })
      socket.on('close', () => resolve(received))
    })

    expect(closed).toBe('')
    expect(runs).toBe(0)
  })
})
