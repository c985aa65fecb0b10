import { chmod, lstat, mkdir, rm } from 'node:fs/promises'
import net from 'node:net'
import path from 'node:path'
import type { CliIo } from './run.js'

/**
 * Admin commands beside a running server (issue 14.2). The embedded database (PGlite) is PostgreSQL inside the
 * server's process and only one process may open its files (src/db/pglite-lock.ts), so while a server runs the
 * CLI sends the command to it over a Unix socket in DATA_DIR and the server runs it on its own database handle.
 * The socket is the only door: owner-only (0600, in a 0700 directory that must belong to this user), so only the
 * account that runs the service, which could read the database files anyway, can use it.
 *
 * The protocol is one JSON object per line. Client: `{"args":[...]}`, later `{"stdin":...}` if asked. Server:
 * `{"out":line}`, `{"warn":line}`, `{"readStdin":true}`, and last `{"exit":0}` or `{"exit":1,"error":message}`.
 * Secrets piped on stdin (passwords, the recovery key) cross the socket in memory and are never logged.
 */

export const adminSocketPath = (dataDir: string) => path.join(dataDir, 'admin', 'admin.sock')

/** A request line larger than this is no admin command: the connection is dropped. */
const MAX_MESSAGE_BYTES = 64 * 1024

type Message = Record<string, unknown>

/** Splits a socket's data into JSON lines, refusing an oversized or malformed one. */
const onMessages = (socket: net.Socket, handle: (message: Message) => void) => {
  let buffer = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => {
    buffer += chunk
    if (buffer.length > MAX_MESSAGE_BYTES) {
      socket.destroy()
      return
    }
    let newline = buffer.indexOf('\n')
    while (newline !== -1) {
      const line = buffer.slice(0, newline)
      buffer = buffer.slice(newline + 1)
      try {
        handle(JSON.parse(line) as Message)
      } catch {
        socket.destroy()
        return
      }
      newline = buffer.indexOf('\n')
    }
  })
}

const send = (socket: net.Socket, message: Message) => {
  if (socket.writable) {
    socket.write(`${JSON.stringify(message)}\n`)
  }
}

export type AdminSocketServer = { close(): Promise<void> }

export type RunCommand = (args: readonly string[], io: CliIo) => Promise<void>

/**
 * Listens on `socketPath` and runs each command received with `run`, one at a time (as the CLI would, one process
 * after another). The caller holds the database lock, so a socket file left by a dead server is stale and replaced.
 */
export const startAdminSocket = async (socketPath: string, run: RunCommand): Promise<AdminSocketServer> => {
  const dir = path.dirname(socketPath)
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const stats = await lstat(dir)
  if (!stats.isDirectory() || (process.getuid && stats.uid !== process.getuid())) {
    throw new Error(`${dir} must be a directory owned by the user that runs Candid`)
  }
  // mkdir's mode does not change a directory that already existed.
  await chmod(dir, 0o700)
  await rm(socketPath, { force: true })

  let queue: Promise<void> = Promise.resolve()
  const server = net.createServer((socket) => {
    let stdinWaiter: ((stdin: string | null) => void) | undefined
    let started = false
    socket.on('error', () => socket.destroy())
    onMessages(socket, (message) => {
      if (!started && Array.isArray(message.args) && message.args.every((arg) => typeof arg === 'string')) {
        started = true
        const args = message.args as string[]
        const io: CliIo = {
          env: {},
          readStdin: () =>
            new Promise((resolve, reject) => {
              stdinWaiter = resolve
              socket.once('close', () => reject(new Error('the admin client went away')))
              send(socket, { readStdin: true })
            }),
          out: (line) => send(socket, { out: line }),
          warn: (line) => send(socket, { warn: line })
        }
        queue = queue.then(() =>
          run(args, io).then(
            () => send(socket, { exit: 0 }),
            (error: unknown) => send(socket, { exit: 1, error: error instanceof Error ? error.message : String(error) })
          ).finally(() => socket.end())
        )
      } else if (stdinWaiter && (typeof message.stdin === 'string' || message.stdin === null)) {
        const wake = stdinWaiter
        stdinWaiter = undefined
        wake(message.stdin as string | null)
      } else {
        socket.destroy()
      }
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(socketPath, () => {
      server.off('error', reject)
      resolve()
    })
  })
  // The directory (0700) already keeps others out; the socket's own mode says so too.
  await chmod(socketPath, 0o600).catch(async (error: unknown) => {
    await new Promise((resolve) => server.close(resolve))
    throw error
  })

  return {
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await queue
      await rm(socketPath, { force: true })
    }
  }
}

/**
 * Sends a command to the server listening on `socketPath`. Resolves false when no server listens there (no socket,
 * or one left by a server that has stopped), so the caller runs the command itself; throws the server's error.
 */
export const runOverAdminSocket = (socketPath: string, args: readonly string[], io: CliIo): Promise<boolean> =>
  new Promise((resolve, reject) => {
    let connected = false
    let finished = false
    const socket = net.createConnection(socketPath, () => {
      connected = true
      send(socket, { args })
    })
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!connected && (error.code === 'ENOENT' || error.code === 'ECONNREFUSED')) {
        finished = true
        resolve(false)
      } else if (!finished) {
        finished = true
        reject(error)
      }
    })
    socket.on('close', () => {
      if (!finished) {
        finished = true
        reject(new Error('The running server closed the admin connection before the command finished.'))
      }
    })
    onMessages(socket, (message) => {
      if (typeof message.out === 'string') {
        io.out(message.out)
      } else if (typeof message.warn === 'string') {
        io.warn(message.warn)
      } else if (message.readStdin === true) {
        io.readStdin().then(
          (stdin) => send(socket, { stdin }),
          () => socket.destroy()
        )
      } else if (typeof message.exit === 'number') {
        finished = true
        socket.end()
        if (message.exit === 0) {
          resolve(true)
        } else {
          reject(new Error(typeof message.error === 'string' ? message.error : 'the command failed'))
        }
      }
    })
  })
