// Baseline for the plumbing every request goes through (headers, logging, load shedding, error mapping):
// autocannon against /health/live (no database) and /health/ready (two queries), on PGlite and, when
// DATABASE_URL is set, on PostgreSQL. Run: npm run build && npm run bench:health [-- --seconds 10]
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { startBenchServer } from './lib/server.js'
import { record, type Summary, summarise } from './lib/report.js'

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '50' } } })
const duration = Number(values.seconds)
const connections = Number(values.connections)

const run = (url: string) => autocannon({ url, duration, connections })

const targets: { name: string; env: Record<string, string> }[] = [{ name: 'PGlite', env: {} }]
if (process.env.DATABASE_URL) {
  targets.push({ name: 'PostgreSQL', env: { DATABASE_URL: process.env.DATABASE_URL } })
}

const rows: Summary[] = []
for (const target of targets) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'candid-bench-'))
  const server = await startBenchServer({ DATA_DIR: dataDir, ...target.env })
  try {
    await run(`${server.url}/health/live`) // warm-up
    rows.push(summarise(`${target.name}: GET /health/live`, await run(`${server.url}/health/live`)))
    rows.push(summarise(`${target.name}: GET /health/ready`, await run(`${server.url}/health/ready`)))
  } finally {
    await server.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
}
await record('health', rows)
