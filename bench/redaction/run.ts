// Redaction accuracy and speed: scores the pipeline on every labelled set (leak rate per type, keep rate; as
// ../shared/eval/README.md defines them: the public set as written, in lower case and typo'd, and sentences drawn
// from the gazetteers), times it against compromise's people() alone on the same UK narratives, then starts the
// server (PGlite, in its own process) and measures the preview under 10 connections and the server's resident
// memory with the word lists loaded. Run: npm run build && npm run bench:redaction [-- --seconds 10 --leaks]
// (the server measured is the built one, dist/server.js, as `npm start` runs it; `--from-source` runs src with tsx).
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import autocannon from 'autocannon'
import nlp from 'compromise'
import { redact } from '../../src/lib/redaction/index.js'
import { loadCorpora, STRUCTURED_TYPES } from '../../tests/redaction/corpora.js'
import { groupRecall, score } from '../../tests/redaction/score.js'
import { machine } from '../lib/report.js'

const out = (line = '') => process.stdout.write(`${line}\n`)
const fixed = (n: number) => n.toFixed(3)

const corpora = loadCorpora()
out(`# Redaction — ${new Date().toISOString()}`)
out(machine())
const load = () => loadavg().map((n) => n.toFixed(1)).join(' / ')
out(`load average at start (1 / 5 / 15 min): ${load()}`)
for (const [name, samples] of Object.entries(corpora)) {
  const result = score(
    samples,
    samples.map((sample) => redact(sample.text).redacted)
  )
  out(`\n## ${name}: ${samples.length} texts, ${result.overall.total} identifiers, ${result.keep.total} keep strings\n`)
  out('| type | identifiers | leaked | recall |')
  out('| --- | ---: | ---: | ---: |')
  for (const [type, entry] of Object.entries(result.byType).sort(([a], [b]) => a.localeCompare(b))) {
    out(`| ${type} | ${entry.total} | ${entry.leaked} | ${fixed(entry.recall)} |`)
  }
  const structured = groupRecall(result, STRUCTURED_TYPES)
  out(`| **structured (${STRUCTURED_TYPES.length} types)** | ${structured.total} | ${structured.leaked} | **${fixed(structured.recall)}** |`)
  out(`| **all** | ${result.overall.total} | ${result.overall.leaked} | **${fixed(result.overall.recall)}** |`)
  out(`\nkeep rate: **${fixed(result.keep.rate)}** (${result.keep.kept}/${result.keep.total})`)
  if (process.argv.includes('--leaks')) {
    for (const leak of result.leaks) {
      out(`- leaked ${leak.type} ${JSON.stringify(leak.value)} (${leak.id})`)
    }
    for (const drop of result.dropped) {
      out(`- dropped ${JSON.stringify(drop.keep)} (${drop.id})`)
    }
  }
}

// Speed: the same UK narratives through the whole pipeline and through compromise's people() alone.
const texts = Object.entries(corpora)
  .filter(([name]) => name.startsWith('uk-'))
  .flatMap(([, samples]) => samples.map((sample) => sample.text))
const characters = texts.reduce((n, text) => n + text.length, 0)
const timeAll = (work: (text: string) => unknown) => {
  for (const text of texts.slice(0, 50)) {
    work(text)
  }
  const started = performance.now()
  for (let round = 0; round < 3; round++) {
    for (const text of texts) {
      work(text)
    }
  }
  return (performance.now() - started) / 3
}
const pipelineMs = timeAll((text) => redact(text))
const compromiseMs = timeAll((text) => nlp(text).people().out('array'))
const per1200 = (ms: number) => ((ms / characters) * 1200).toFixed(2)
out(`\n## Speed on ${texts.length} UK narratives (${characters} characters)\n`)
out('| | total ms | ms per 1,200 characters |')
out('| --- | ---: | ---: |')
out(`| whole pipeline (all recognisers) | ${pipelineMs.toFixed(0)} | ${per1200(pipelineMs)} |`)
out(`| compromise people() alone | ${compromiseMs.toFixed(0)} | ${per1200(compromiseMs)} |`)
out(`\npipeline is **${(compromiseMs / pipelineMs).toFixed(1)}×** faster than compromise people() alone`)

// A 2 KB narrative, as the preview sees it.
let twoKb = ''
for (let i = 0; twoKb.length < 2048; i++) {
  twoKb += `${texts[i % texts.length]} `
}
const timings: number[] = []
for (let i = 0; i < 1000; i++) {
  const started = performance.now()
  redact(twoKb)
  timings.push(performance.now() - started)
}
timings.sort((a, b) => a - b)
out(`\n2 KB narrative (${twoKb.length} characters), 1,000 runs: p50 ${timings[500]?.toFixed(2)} ms, p99 ${timings[990]?.toFixed(2)} ms`)

// The preview over HTTP, as the reporter's browser calls it: a 2 KB narrative, 10 connections, on the server
// started from source in its own process (PGlite), so the load generator does not share its event loop.
const secondsArg = process.argv.indexOf('--seconds')
const seconds = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 10
// The word lists on their own: resident memory of a fresh process before and after importing the pipeline and
// redacting once (the server's own figure moves by more than the lists between runs, with PGlite's WASM in it).
const listsMb = await new Promise<string>((resolve) => {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      'const before = process.memoryUsage().rss; const { redact } = await import("./src/lib/redaction/index.ts"); ' +
        'redact("Spoke to gosia kowalczyk at 14 linnet close"); ' +
        'console.log(((process.memoryUsage().rss - before) / 2 ** 20).toFixed(0))'
    ],
    { cwd: new URL('../../', import.meta.url), stdio: ['ignore', 'pipe', 'ignore'] }
  )
  let text = ''
  child.stdout.on('data', (chunk: Buffer) => {
    text += chunk.toString()
  })
  child.on('exit', () => resolve(text.trim()))
})
out(`\nword lists and pipeline loaded in a fresh process: +${listsMb} MB resident`)

const builtServer = new URL('../../dist/server.js', import.meta.url)
const fromSource = process.argv.includes('--from-source') || !existsSync(builtServer)
const dataDir = await mkdtemp(path.join(tmpdir(), 'candid-bench-redaction-'))
const port = 20000 + Math.floor(Math.random() * 20000)
const serverEnv = {
  PATH: process.env.PATH ?? '',
  NODE_ENV: 'production',
  PORT: String(port),
  DATA_DIR: dataDir,
  MAX_EVENT_LOOP_UTILIZATION: '1',
  MAX_EVENT_LOOP_DELAY_MS: '0',
  RATE_LIMIT_PREVIEW_PER_MIN: '100000000'
}
// A fresh data directory has no team key, and the server makes none unless started at a terminal: `admin init`
// makes it first. Its output (the recovery key) is thrown away, never shown.
await new Promise((resolve, reject) => {
  const init = spawn(process.execPath, fromSource ? ['--import', 'tsx', 'src/cli/admin.ts', 'init'] : ['dist/cli/admin.js', 'init'], {
    cwd: new URL('../../', import.meta.url),
    env: serverEnv,
    stdio: 'ignore'
  })
  init.on('exit', (code) => (code === 0 ? resolve(code) : reject(new Error(`admin init failed (${code})`))))
})
const server = spawn(process.execPath, fromSource ? ['--import', 'tsx', 'src/server.ts'] : ['dist/server.js'], {
  cwd: new URL('../../', import.meta.url),
  env: serverEnv,
  // Nothing of the server's output is shown: on a fresh data directory it prints the new recovery key.
  stdio: 'ignore'
})
const url = `http://127.0.0.1:${port}`
try {
  for (let attempt = 0; (await fetch(`${url}/health/ready`).then((res) => res.status, () => 0)) !== 200; attempt++) {
    if (attempt > 1800 || server.exitCode !== null) {
      throw new Error('server did not become ready in 180 s')
    }
    await sleep(100)
  }
  const residentMb = async () => {
    const status = await readFile(`/proc/${server.pid}/status`, 'utf8')
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024
  }
  const idle = await residentMb()
  const run = () =>
    autocannon({
      url: `${url}/api/v1/redaction/preview`,
      duration: seconds,
      connections: 10,
      requests: [{ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: twoKb.slice(0, 2048) }) }]
    })
  await run()
  const result = await run()
  const loaded = await residentMb()
  out(`\n## Preview over HTTP: 2 KB narrative, 10 connections, ${seconds} s (after one warm-up run)\n`)
  out(`server: ${fromSource ? 'src/server.ts with tsx' : 'dist/server.js (built)'}, PGlite; load average after: ${load()}\n`)
  out('| req/s | p50 ms | p99 ms | non-2xx | errors | server RSS idle MB | server RSS after load MB |')
  out('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
  out(
    `| ${Math.round(result.requests.average)} | ${result.latency.p50} | ${result.latency.p99} | ${result.non2xx} | ` +
      `${result.errors + result.timeouts} | ${idle.toFixed(0)} | ${loaded.toFixed(0)} |`
  )
} finally {
  server.kill('SIGTERM')
  await new Promise((resolve) => server.on('exit', resolve))
  await rm(dataDir, { recursive: true, force: true })
}
