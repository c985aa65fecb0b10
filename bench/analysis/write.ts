// npm run bench:analysis -- write --database-url …: what a coding's write costs on a seeded national database,
// with every rollup of the analysis record kept in its transaction (issue 15: faster reads must not make coding
// slower). Each sample is one transaction as the application's coding makes it (codings.repository.ts): a second
// coding of a settled report by a bench coder, its codes, and `facts.refresh` of the report (the application's
// own code: every rollup taken away and added again). Timed from BEGIN to COMMIT, fsync on, one at a time; the
// bench codings are deleted again at the end (refreshing their reports), so the database is left as it was.
// Settled (closed) reports only, so that the code of an earlier commit can be measured on the same database.
import { randomUUID } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { openDatabase } from '../../src/db/database.js'
import { createFactsRepository } from '../../src/modules/analysis/facts.repository.js'
import { machine } from '../lib/report.js'

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    samples: { type: 'string', default: '400' },
    // second: a second coding of a settled report (its record does not change); first: a report's first coding
    // (its record and every rollup cell it counts in change), timed after taking that coding away untimed.
    kind: { type: 'string', default: 'second' },
    label: { type: 'string', default: 'this commit' }
  }
})
const url = values['database-url'] ?? process.env.DATABASE_URL
if (!url) throw new Error('--database-url or DATABASE_URL is required')
const samples = Number(values.samples)
const out = (line: string) => process.stdout.write(`${line}\n`)

const db = await openDatabase({ kind: 'postgres', url, poolMax: 1 })
const { prisma } = db
const facts = createFactsRepository()
const coder = randomUUID()
/** Prints the percentiles of the timed writes and keeps every time in bench/results. */
const summarise = async (times: number[]) => {
  const sorted = [...times].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0
  const ms = (n: number) => n.toFixed(1)
  out(`${values.kind} coding write (${values.label}), ${times.length} samples: p50 ${ms(at(0.5))} ms, ` +
    `p95 ${ms(at(0.95))} ms, ` +
    `p99 ${ms(at(0.99))} ms, max ${ms(sorted.at(-1) ?? 0)} ms`)
  const dir = new URL('../results/', import.meta.url)
  await mkdir(dir, { recursive: true })
  const stamp = new Date().toISOString()
  await writeFile(new URL(`analysis-write-${stamp.replace(/[:.]/g, '-')}.json`, dir),
    JSON.stringify({ stamp, machine: machine(), label: values.label, kind: values.kind, times }, null, 2))
}

/**
 * A report's first coding, timed: each sampled report's only coding is set aside (untimed: copied to temporary
 * tables, deleted, the record refreshed), then written back as a first coding is, with its refresh.
 */
const firstCodings = async () => {
  const reports = await prisma.$queryRaw<{ id: string }[]>`
    SELECT r.id::text FROM report r TABLESAMPLE SYSTEM (1) JOIN coding c ON c.report_id = r.id
    WHERE r.status = 'closed' AND r.merged_into_id IS NULL GROUP BY r.id HAVING count(*) = 1 LIMIT ${samples}`
  out(`${reports.length} settled reports with one coding sampled; ${machine()}`)
  await prisma.$executeRaw`CREATE TEMPORARY TABLE IF NOT EXISTS saved_coding AS SELECT * FROM coding WITH NO DATA`
  await prisma.$executeRaw`CREATE TEMPORARY TABLE IF NOT EXISTS saved_codes AS SELECT * FROM coding_code WITH NO DATA`
  const times: number[] = []
  for (const report of reports) {
    await prisma.$transaction(async (tx) => {
      await tx.$executeRaw`DELETE FROM saved_coding`
      await tx.$executeRaw`DELETE FROM saved_codes`
      await tx.$executeRaw`INSERT INTO saved_coding SELECT * FROM coding WHERE report_id = ${report.id}::uuid`
      await tx.$executeRaw`
        INSERT INTO saved_codes SELECT x.* FROM coding_code x JOIN saved_coding c ON c.id = x.coding_id`
      await tx.$executeRaw`DELETE FROM coding WHERE report_id = ${report.id}::uuid`
      await facts.refresh(tx, [report.id])
    })
    const began = performance.now()
    await prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT id FROM report WHERE id = ${report.id}::uuid FOR UPDATE`
      await tx.$executeRaw`INSERT INTO coding SELECT * FROM saved_coding`
      await tx.$executeRaw`INSERT INTO coding_code SELECT * FROM saved_codes`
      await facts.refresh(tx, [report.id])
    })
    times.push(performance.now() - began)
  }
  return times
}

try {
  if (values.kind === 'first') {
    await summarise(await firstCodings())
  } else {
  // Reports spread over the whole table (TABLESAMPLE), each with its first coding's codes to repeat.
    const reports = await prisma.$queryRaw<{ id: string; codes: string[] }[]>`
    SELECT r.id::text, array_agg(DISTINCT x.code) AS codes
    FROM report r TABLESAMPLE SYSTEM (1) JOIN coding c ON c.report_id = r.id JOIN coding_code x ON x.coding_id = c.id
    WHERE r.status = 'closed' AND r.merged_into_id IS NULL
    GROUP BY r.id LIMIT ${samples}`
    out(`${reports.length} settled reports sampled; ${machine()}`)
    const times: number[] = []
    const made: { id: string; report: string }[] = []
    try {
      for (const report of reports) {
        const id = randomUUID()
        const began = performance.now()
        await prisma.$transaction(async (tx) => {
          await tx.$executeRaw`SELECT id FROM report WHERE id = ${report.id}::uuid FOR UPDATE`
          await tx.$executeRaw`
        INSERT INTO coding (id, report_id, coder_id, taxonomy_version, event_type, reach_and_harm, detection, setting,
                            handover, coded_at)
        SELECT ${id}::uuid, report_id, ${coder}::uuid, taxonomy_version, event_type, reach_and_harm, detection,
               setting, handover, now()
        FROM coding WHERE report_id = ${report.id}::uuid ORDER BY coded_at LIMIT 1`
          await tx.$executeRaw`
        INSERT INTO coding_code (coding_id, code, role)
        SELECT ${id}::uuid, code, 'contributing' FROM unnest(${report.codes}::text[]) AS t(code)`
          await facts.refresh(tx, [report.id])
        })
        times.push(performance.now() - began)
        made.push({ id, report: report.id })
      }
    } finally {
    // Whatever happened, the bench's codings go again.
      for (const { id, report } of made) {
        await prisma.$transaction(async (tx) => {
          await tx.$executeRaw`DELETE FROM coding WHERE id = ${id}::uuid`
          await facts.refresh(tx, [report])
        })
      }
    }
    await summarise(times)
  }
} finally {
  await db.close()
}
