// The lead's analysis questions over HTTP, against the compiled server on a database seeded by seed.ts: each
// question its own autocannon run (10 connections, --seconds after a --warmup), signed in as a lead created with
// the admin CLI. Latency percentiles (p50, p95, p99) are computed from every response's time, which autocannon
// reports per response (its own summary has p97.5 and p99 but no p95). Load shedding and the sign-in rate limit
// are raised so that the figures count work done, not refusals (both are tested elsewhere).
//
//   npm run build && npm run bench:analysis -- run --database-url postgresql://postgres@127.0.0.1:5432/candid_bench_analysis
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createWriteStream, existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os, { tmpdir } from 'node:os'
import path from 'node:path'
import { text } from 'node:stream/consumers'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { URI } from 'otpauth'
import pg from 'pg'
import { machine } from '../lib/report.js'
import { questionsAt, urlOf } from './questions.js'

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    seconds: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
    only: { type: 'string' },
    'server-log': { type: 'string', default: '/dev/null' }
  }
})
const url = values['database-url'] ?? process.env.DATABASE_URL
if (!url) throw new Error('--database-url or DATABASE_URL is required')
const seconds = Number(values.seconds)
const warmup = Number(values.warmup)
const connections = Number(values.connections)

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
if (!existsSync(path.join(ROOT, 'dist/server.js'))) throw new Error('dist/server.js is missing: npm run build first')

const out = (line: string) => process.stdout.write(`${line}\n`)
const PASSWORD = 'correct horse battery staple of candid'

/** The rows of one query on its own short-lived connection (before the server starts). */
const queryOnce = async <Row extends pg.QueryResultRow>(text: string): Promise<Row[]> => {
  const client = new pg.Client({ connectionString: url, application_name: 'candid-bench-run' })
  await client.connect()
  try {
    return (await client.query<Row>(text)).rows
  } finally {
    await client.end()
  }
}

/** How many reports the analysis record holds (the planner's estimate: exact enough to label the run). */
const reportsIn = async () =>
  Number((await queryOnce<{ n: string }>(
    "SELECT reltuples::bigint AS n FROM pg_class WHERE relname = 'analysis_report'"))[0]?.n ?? 0)

/** The secret a server run without SERVER_SECRET generated into this database, if one did. */
const storedSecret = async () =>
  (await queryOnce<{ secret: string }>(
    "SELECT value #>> '{}' AS secret FROM app_setting WHERE key = 'server_secret'"))[0]?.secret

/** A CLI run of the compiled admin tool, as an operator would make it; resolves with its stdout and exit code. */
const admin = async (args: string[], env: Record<string, string>, stdin = '') => {
  const child = spawn(process.execPath, ['dist/cli/admin.js', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...env },
    stdio: ['pipe', 'pipe', 'inherit']
  })
  child.stdin.end(stdin)
  const [stdout, code] = await Promise.all([
    text(child.stdout),
    new Promise<number | null>((resolve) => child.on('exit', resolve))
  ])
  return { stdout, code }
}

/**
 * The team key, as `admin init` makes it (the server is not ready without one). Its recovery key goes nowhere:
 * the benchmark's reports are synthetic, and init does nothing where a key exists.
 */
const initialise = async (env: Record<string, string>) => {
  const { code } = await admin(['init'], env)
  if (code !== 0) throw new Error(`admin init failed (${code})`)
}

/** A lead account made as an operator would (admin CLI, password on stdin); returns its TOTP URI. */
const createLead = async (env: Record<string, string>) => {
  const email = `lead-${Date.now()}@bench.example.org`
  const { stdout, code } = await admin(['create-user', '--email', email, '--role', 'lead'], env, `${PASSWORD}\n`)
  const uri = stdout.trim().split('\n').at(-1) ?? ''
  if (code !== 0 || !uri.startsWith('otpauth://')) throw new Error(`admin create-user failed (${code}): ${stdout}`)
  return { email, uri }
}

const signIn = async (base: string, lead: { email: string; uri: string }) => {
  const totp = URI.parse(lead.uri)
  if (!('period' in totp)) throw new Error('expected a TOTP URI')
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: lead.email, password: PASSWORD, totp: totp.generate() })
  })
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`)
  const cookie = res.headers.getSetCookie()[0]?.split(';')[0]
  if (!cookie) throw new Error('sign-in set no cookie')
  return cookie
}

/**
 * The compiled server in its own process, as bench/lib/server.ts starts it, but with its log (pino, at info) kept in
 * --server-log: a server that stops under load says why there.
 */
const startServer = async (env: Record<string, string>) => {
  const port = 30_000 + Math.floor(Math.random() * 20_000)
  const log = createWriteStream(values['server-log'], { flags: 'a' })
  const child = spawn(process.execPath, ['dist/server.js'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  child.stdout.pipe(log)
  child.stderr.pipe(log)
  const base = `http://127.0.0.1:${port}`
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}; see ${values['server-log']}`)
    if ((await fetch(`${base}/health/ready`).then((res) => res.status, () => 0)) === 200) break
    if (attempt > 300) {
      child.kill('SIGKILL')
      throw new Error('server did not become ready in 30 s')
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return {
    url: base,
    alive: () => child.exitCode === null,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve()
      child.on('exit', () => resolve())
      child.kill('SIGTERM')
    })
  }
}

const percentile = (sorted: readonly number[], q: number) =>
  sorted.length === 0 ? NaN : (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN)

const load = (target: string, duration: number, cookie: string) =>
  new Promise<{ result: autocannon.Result; latencies: number[] }>((resolve, reject) => {
    const latencies: number[] = []
    const instance = autocannon(
      { url: target, duration, connections, timeout: 120, headers: { cookie } },
      (error, result) => (error ? reject(error) : resolve({ result, latencies }))
    )
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime))
  })

/**
 * Waits until the server's queries have finished: autocannon stops at the end of a run, but the requests still in
 * flight go on in PostgreSQL, and would otherwise run into the next measurement. Resolves to the seconds waited.
 */
const drain = async (db: pg.Client) => {
  const started = performance.now()
  for (;;) {
    const { rows } = await db.query<{ active: string }>(
      `SELECT count(*) AS active FROM pg_stat_activity
       WHERE datname = current_database() AND application_name = 'candid' AND state = 'active'`
    )
    if (rows[0]?.active === '0' || performance.now() - started > 300_000) break
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  return Math.round((performance.now() - started) / 100) / 10
}

/** One request at a time, up to `count` of them or `limitMs`: the latency of a question on a server with no queue. */
const sequential = async (target: string, cookie: string, count: number, limitMs: number) => {
  const latencies: number[] = []
  const started = performance.now()
  while (latencies.length < count && performance.now() - started < limitMs) {
    const begun = performance.now()
    const res = await fetch(target, { headers: { cookie } })
    await res.arrayBuffer()
    if (res.status !== 200) throw new Error(`${target}: ${res.status}`)
    latencies.push(performance.now() - begun)
  }
  return latencies.sort((a, b) => a - b)
}

const describe = (body: Record<string, unknown>) => {
  if (Array.isArray(body.periods)) {
    const periods = body.periods as { reports: number; groups: unknown[] }[]
    const reports = periods.reduce((sum, period) => sum + period.reports, 0)
    return `${periods.length} periods, ${periods[0]?.groups.length ?? 0} groups, ${reports.toLocaleString('en-GB')} reports`
  }
  if (Array.isArray(body.pairs)) {
    const pairs = body.pairs as { a: string; b: string; lift: number }[]
    return `${pairs.length} pairs of ${Number(body.reports).toLocaleString('en-GB')} reports; top ${pairs[0]?.a}+${pairs[0]?.b}`
  }
  if (Array.isArray(body.rising)) {
    const rising = body.rising as { code: string; share: number; baselineShare: number }[]
    return `${body.period}: ${rising.map((t) => `${t.code} ${(t.baselineShare * 100).toFixed(1)}→${(t.share * 100).toFixed(1)}%`)
      .join(', ') || 'none'} of ${body.tested} tested`
  }
  return ''
}

type Row = {
  question: string
  reads: string
  path: string
  failure: string
} | {
  question: string
  reads: string
  path: string
  failure?: undefined
  requestsPerSecond: number
  requests: number
  p50: number
  p95: number
  p99: number
  autocannonP97_5: number
  non2xx: number
  errors: number
  inFlightAfterRunSeconds: number
  oneConnection: { requests: number; p50: number; p95: number; max: number }
  loadAverage: number[]
}

const main = async () => {
  const n = await reportsIn()
  const dataDir = await mkdtemp(path.join(tmpdir(), 'candid-bench-analysis-'))
  const env = {
    DATABASE_URL: url,
    DATA_DIR: dataDir,
    MAX_EVENT_LOOP_UTILIZATION: '1',
    MAX_EVENT_LOOP_DELAY_MS: '0',
    RATE_LIMIT_LOGIN_PER_MIN: '1000',
    // No retention sweep: the seeded years of closed reports were never swept, so it would spend the run destroying
    // millions of (already empty) narratives that a real deployment destroys a few at a time as they fall due.
    RETENTION_SWEEP_MINUTES: '0',
    // Production refuses to start on PostgreSQL without one. A bench database holds synthetic reports only, so
    // its secret is derived from its address: the same for every run, the admin CLI and the server (the database
    // records a fingerprint and refuses another) — unless an earlier run left a generated one in it.
    SERVER_SECRET: process.env.SERVER_SECRET ?? (await storedSecret()) ??
      createHash('sha256').update(`candid-bench-analysis ${url}`).digest('base64')
  }
  await initialise(env)
  const lead = await createLead(env)
  const server = await startServer(env)
  const db = new pg.Client({ connectionString: url, application_name: 'candid-bench-run' })
  await db.connect()
  const rows: Row[] = []
  try {
    const cookie = await signIn(server.url, lead)
    const questions = questionsAt(new Date()).filter((q) => !values.only || q.name.includes(values.only))
    out(`analysis record: ~${n.toLocaleString('en-GB')} reports; ${connections} connections, ${warmup} s warm-up, ` +
      `${seconds} s each\n`)
    for (const question of questions) {
      if (!server.alive()) throw new Error(`the server has stopped; see ${values['server-log']}`)
      const target = urlOf(server.url, question)
      out(`${question.name}\n  ${target.replace(server.url, '')}`)
      const begun = performance.now()
      const first = await fetch(target, { headers: { cookie } }).catch((error: unknown) => error as Error)
      if (first instanceof Error || first.status !== 200) {
        // A question the server cannot answer in its request timeout (30 s, src/app.ts) closes the connection.
        const reason = first instanceof Error
          ? `no answer: ${String(first.cause ?? first.message)} after ${Math.round(performance.now() - begun)} ms`
          : `${first.status} ${await first.text()}`
        out(`  ${reason}`)
        rows.push({ question: question.name, reads: question.reads, path: target.replace(server.url, ''), failure: reason })
        await drain(db)
        continue
      }
      out(`  ${describe((await first.json()) as Record<string, unknown>)} (first answer ` +
        `${Math.round(performance.now() - begun)} ms)`)
      if (warmup > 0) await load(target, warmup, cookie)
      await drain(db)
      const one = await sequential(target, cookie, 20, 60_000)
      const loadBefore = os.loadavg()[0] ?? 0
      const { result, latencies } = await load(target, seconds, cookie)
      const sorted = latencies.sort((a, b) => a - b)
      const drained = await drain(db)
      const row: Row = {
        question: question.name,
        reads: question.reads,
        path: target.replace(server.url, ''),
        requestsPerSecond: Math.round(result.requests.average * 10) / 10,
        requests: sorted.length,
        p50: Math.round(percentile(sorted, 0.5)),
        p95: Math.round(percentile(sorted, 0.95)),
        p99: Math.round(percentile(sorted, 0.99)),
        autocannonP97_5: result.latency.p97_5,
        non2xx: result.non2xx,
        errors: result.errors + result.timeouts,
        inFlightAfterRunSeconds: drained,
        oneConnection: {
          requests: one.length,
          p50: Math.round(percentile(one, 0.5)),
          p95: Math.round(percentile(one, 0.95)),
          max: Math.round(one.at(-1) ?? NaN)
        },
        loadAverage: [Math.round(loadBefore * 100) / 100, Math.round((os.loadavg()[0] ?? 0) * 100) / 100]
      }
      rows.push(row)
      out(`  1 connection: p50 ${row.oneConnection.p50} ms, p95 ${row.oneConnection.p95} ms ` +
        `(${row.oneConnection.requests} requests)`)
      out(`  ${connections} connections: ${row.requestsPerSecond} req/s, p50 ${row.p50} ms, p95 ${row.p95} ms, ` +
        `p99 ${row.p99} ms (${row.requests} responses), non-2xx ${row.non2xx}, errors ${row.errors}; ` +
        `in flight after the run: ${row.inFlightAfterRunSeconds} s (load ${row.loadAverage.join(' → ')})`)
    }
  } finally {
    await drain(db)
    await db.end()
    await server.stop()
    await rm(dataDir, { recursive: true, force: true })
  }

  const stamp = new Date().toISOString()
  const dir = new URL('../results/', import.meta.url)
  await mkdir(dir, { recursive: true })
  await writeFile(
    new URL(`analysis-run-${n}-${stamp.replace(/[:.]/g, '-')}.json`, dir),
    JSON.stringify({ stamp, machine: machine(), reports: n, connections, seconds, warmup, rows }, null, 2)
  )
  out(`\nanalysis — ${stamp}\n${machine()}\n`)
  out(`| question | reads | 1 conn. p50 / p95 ms | ${connections} conn. req/s | p50 ms | p95 ms | p99 ms | responses | ` +
    'non-2xx |')
  out('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
  for (const r of rows) {
    if (r.failure !== undefined) {
      out(`| ${r.question} | ${r.reads} | ${r.failure} | | | | | | |`)
      continue
    }
    out(`| ${r.question} | ${r.reads} | ${r.oneConnection.p50} / ${r.oneConnection.p95} | ${r.requestsPerSecond} | ` +
      `${r.p50} | ${r.p95} | ${r.p99} | ${r.requests} | ${r.non2xx + r.errors} |`)
  }
}

await main()
