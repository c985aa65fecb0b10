import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import type autocannon from 'autocannon'

type Result = autocannon.Result

/** One line of a markdown table: throughput and latency percentiles as autocannon measured them. */
export const summarise = (label: string, result: Result) => ({
  label,
  requestsPerSecond: Math.round(result.requests.average),
  p50: result.latency.p50,
  p99: result.latency.p99,
  non2xx: result.non2xx,
  errors: result.errors + result.timeouts
})

export type Summary = ReturnType<typeof summarise>

export const machine = () =>
  `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
  `Node ${process.version}, ${os.platform()} ${os.release()}`

export const toMarkdown = (rows: Summary[]) =>
  [
    '| case | req/s | p50 ms | p99 ms | non-2xx | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.label} | ${r.requestsPerSecond} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.errors} |`)
  ].join('\n')

/** Keeps the raw figures under bench/results/ (not committed) and prints the table. */
export const record = async (name: string, rows: Summary[]) => {
  const dir = new URL('../results/', import.meta.url)
  await mkdir(dir, { recursive: true })
  const stamp = new Date().toISOString()
  await writeFile(new URL(`${name}-${stamp.replace(/[:.]/g, '-')}.json`, dir), JSON.stringify({ stamp, machine: machine(), rows }, null, 2))
  process.stdout.write(`\n${name} — ${stamp}\n${machine()}\n\n${toMarkdown(rows)}\n`)
}
