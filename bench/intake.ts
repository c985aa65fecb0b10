// Intake throughput: autocannon against POST /api/v1/reports on the real server and, in the same run, against a
// bare Fastify route that only parses and echoes the same JSON body — the ceiling this machine allows. Also the
// preview with a 2 KB narrative. Load shedding and rate limits are raised so that the figures measure work done,
// not refusals (both are tested elsewhere). Run: npm run build && DATABASE_URL=… npm run bench:intake
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import Fastify from 'fastify'
import { record, type Summary, summarise } from './lib/report.js'
import { startBenchServer } from './lib/server.js'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    connections: { type: 'string', default: '50' },
    pglite: { type: 'boolean', default: false }
  }
})
const duration = Number(values.seconds)
const connections = Number(values.connections)

const narrative =
  'On Monday the strategy meeting invite for a child on a plan went to the father at his old address, even though ' +
  'there is a non-molestation order. Admin noticed because the address had been changed on one system and not the ' +
  'other. Nobody was hurt, but the handover note did not say the order existed.'
const body = JSON.stringify({
  eventClass: 'near_miss',
  narrative,
  detection: 'colleague',
  setting: 'child_protection',
  region: 'north-east',
  occurredMonth: new Date().toISOString().slice(0, 7),
  handover: true,
  consentToPublish: false
})
let preview = ''
while (preview.length < 2048) {
  preview += `${narrative} Mrs Okafor rang 0191 496 0875 about Jayden (7) at 14 Elswick Road, NE4 6JL. `
}
const previewBody = JSON.stringify({ text: preview.slice(0, 2048) })

const post = (url: string, payload: string, withKey: boolean, clients = connections) =>
  autocannon({
    url,
    duration,
    connections: clients,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: payload,
        setupRequest: (request) =>
          withKey ? { ...request, headers: { ...request.headers, 'idempotency-key': randomUUID() } } : request
      }
    ]
  })

// The ceiling: Fastify with defaults, parsing and echoing the same body, no logging.
const echo = Fastify({ logger: false })
echo.post('/echo', async (request) => request.body)
await echo.listen({ host: '127.0.0.1', port: 0 })
const echoUrl = `http://127.0.0.1:${(echo.server.address() as { port: number }).port}/echo`

const targets: { name: string; env: Record<string, string> }[] = []
if (process.env.DATABASE_URL) {
  targets.push({ name: 'PostgreSQL', env: { DATABASE_URL: process.env.DATABASE_URL } })
}
if (values.pglite || !process.env.DATABASE_URL) {
  targets.push({ name: 'PGlite', env: {} })
}

const rows: Summary[] = []
await post(echoUrl, body, false)
const echoResult = summarise(`bare Fastify echo, same body, ${connections} connections`, await post(echoUrl, body, false))
rows.push(echoResult)
for (const target of targets) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'candid-bench-'))
  const server = await startBenchServer({
    DATA_DIR: dataDir,
    MAX_EVENT_LOOP_UTILIZATION: '1',
    MAX_EVENT_LOOP_DELAY_MS: '0',
    RATE_LIMIT_INTAKE_PER_10MIN: '100000000',
    RATE_LIMIT_PREVIEW_PER_MIN: '100000000',
    ...target.env
  })
  try {
    await post(`${server.url}/api/v1/reports`, body, true)
    const intake = summarise(
      `${target.name}: POST /api/v1/reports, ${connections} connections`,
      await post(`${server.url}/api/v1/reports`, body, true)
    )
    const share = ((intake.requestsPerSecond / echoResult.requestsPerSecond) * 100).toFixed(1)
    rows.push({ ...intake, label: `${intake.label} (${share}% of echo)` })
    for (const clients of [10, connections]) {
      const result = await post(`${server.url}/api/v1/redaction/preview`, previewBody, false, clients)
      rows.push(summarise(`${target.name}: POST /api/v1/redaction/preview, 2 KB, ${clients} connections`, result))
    }
  } finally {
    await server.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
}
await echo.close()
await record('intake', rows)
