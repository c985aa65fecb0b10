import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

export type RunResult = { code: number | null; stdout: string; stderr: string }

/** Runs a TypeScript entry point of this repository in a fresh Node process, with only the given environment. */
export const runNode = (entry: string, args: string[], env: Record<string, string>, input?: string) =>
  runProcess(process.execPath, ['--import', 'tsx', entry, ...args], env, input)

/** Runs `npm run --silent <script> -- <args>` as an operator would type it (the documented command line). */
export const runNpm = (script: string, args: string[], env: Record<string, string>, input?: string) =>
  runProcess('npm', ['run', '--silent', script, '--', ...args], { HOME: process.env.HOME ?? ROOT, ...env }, input)

const runProcess = (command: string, args: string[], env: Record<string, string>, input?: string) =>
  new Promise<RunResult>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8')
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8')
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(input ?? '')
  })
