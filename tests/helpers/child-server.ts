import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

export type ChildServer = {
  process: ChildProcess
  /** Every stdout line so far (JSON log lines). */
  lines: string[]
  port: number
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Starts a TypeScript entry point of this repository as a separate Node process and waits until it listens. */
export const startChildServer = (entry: string, env: Record<string, string>): Promise<ChildServer> =>
  startChildCommand(process.execPath, ['--import', 'tsx', entry], env)

/**
 * Runs a command in this repository (e.g. `npm start`) in the test's own process group, as a process manager would,
 * and waits until the server it starts listens. `timeoutMs` covers anything it does first (npm's prestart build).
 */
export const startChildCommand = async (
  command: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 30_000
): Promise<ChildServer> => {
  const child = spawn(command, args, {
    cwd: ROOT,
    // Load shedding off unless a test sets it: on a loaded test machine a child's start-up stalls its event loop
    // past the limit, and its first request would be refused for reasons the test is not about.
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      PORT: '0',
      LOG_LEVEL: 'info',
      MAX_EVENT_LOOP_UTILIZATION: '1',
      MAX_EVENT_LOOP_DELAY_MS: '0',
      // As in test-app.ts: each report reaches the review table at once, through the same flush.
      INTAKE_BATCH_SECONDS: '0',
      ...env
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const lines: string[] = []
  const waiters = new Set<() => void>()
  let stderr = ''
  let buffer = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8')
    const parts = buffer.split('\n')
    buffer = parts.pop() ?? ''
    lines.push(...parts.filter(Boolean))
    for (const wake of waiters) {
      wake()
    }
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8')
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    // 'close', not 'exit': it fires only after stdout has been read to the end.
    child.on('close', (code, signal) => {
      for (const wake of waiters) {
        wake()
      }
      resolve({ code, signal })
    })
  })

  const waitForLine = (pattern: RegExp, timeoutMs = 30_000) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const found = lines.find((line) => pattern.test(line))
        if (found) {
          cleanup()
          resolve(found)
        } else if (child.exitCode !== null) {
          cleanup()
          reject(new Error(`server exited before logging ${pattern}:\n${lines.join('\n')}\n${stderr}`))
        }
      }
      const timer = setTimeout(() => {
        cleanup()
        reject(new Error(`timed out waiting for ${pattern}:\n${lines.join('\n')}\n${stderr}`))
      }, timeoutMs)
      const cleanup = () => {
        clearTimeout(timer)
        waiters.delete(check)
      }
      waiters.add(check)
      check()
    })

  const listening = await waitForLine(/Server listening at/, timeoutMs)
  const port = Number(/:(\d+)"/.exec(listening)?.[1] ?? /:(\d+)/.exec(JSON.parse(listening).msg)?.[1])

  return { process: child, lines, port, waitForLine, exited }
}
