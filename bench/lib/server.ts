import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

export type BenchServer = { url: string; stop(): Promise<void> }

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer()
    probe.on('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })

/**
 * Starts the compiled server (`npm run build` first) in its own process, logging at info as in production (to
 * /dev/null), so the load generator does not share its event loop; resolves once /health/ready answers 200.
 */
export const startBenchServer = async (env: Record<string, string>): Promise<BenchServer> => {
  const port = await freePort()
  const child: ChildProcess = spawn(process.execPath, ['dist/server.js'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', PORT: String(port), ...env },
    stdio: ['ignore', 'ignore', 'inherit']
  })
  const url = `http://127.0.0.1:${port}`
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) {
      throw new Error(`server exited with ${child.exitCode}`)
    }
    const status = await fetch(`${url}/health/ready`).then((res) => res.status, () => 0)
    if (status === 200) {
      break
    }
    if (attempt > 300) {
      child.kill('SIGKILL')
      throw new Error('server did not become ready in 30 s')
    }
    await sleep(100)
  }

  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.on('exit', () => resolve())
        child.kill('SIGTERM')
      })
  }
}
