import { text } from 'node:stream/consumers'
import type { Config } from '../config/env.js'
import type { Database } from '../db/database.js'

/** What a command reads and writes: the process's own in a terminal, buffers in tests. */
export type CliIo = {
  env: Record<string, string | undefined>
  /** The whole of stdin, or null when it is a terminal (secrets are piped, never typed). */
  readStdin: () => Promise<string | null>
  /** Writes one line of output. */
  out: (line: string) => void
  /** Writes one line to stderr: warnings that must not mix with the output scripts read. */
  warn: (line: string) => void
  /**
   * Set when the command runs inside a running server (src/cli/admin-socket.ts): its database handle and its
   * configuration, so the command neither opens the embedded database a second time nor reads another environment.
   */
  server?: { db: Database; config: Config }
}

export const processIo = (): CliIo => ({
  env: process.env,
  readStdin: async () => (process.stdin.isTTY ? null : text(process.stdin)),
  out: (line) => process.stdout.write(`${line}\n`),
  warn: (line) => process.stderr.write(`${line}\n`)
})

/**
 * Runs a command-line entry point: prints the error message (never a stack) and exits non-zero on failure, and
 * exits as soon as the work is done — the WASM schema engine leaves its 10-second migration-lock timeout armed.
 */
export const runCli = (main: () => Promise<unknown>): void => {
  main()
    .catch((error: Error) => {
      process.stderr.write(`${error.message}\n`)
      process.exitCode = 1
    })
    .finally(() => process.exit())
}
