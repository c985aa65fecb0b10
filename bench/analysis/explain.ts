// EXPLAIN (ANALYZE, BUFFERS) of every SQL statement behind each of the benchmark's questions (questions.ts), on
// one connection. The statements are the application's own: the trends service runs with a repository whose
// Prisma client only records the SQL it is given, and each recorded statement is then explained on the database.
//
//   npm run bench:analysis -- explain --database-url postgresql://postgres@127.0.0.1:5432/candid_bench_analysis
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { Prisma, type PrismaClient } from '../../src/generated/prisma/client.js'
import type { AuditRepository } from '../../src/modules/audit/audit.repository.js'
import { createTrendsRepository } from '../../src/modules/analysis/trends.repository.js'
import { ZCooccurrenceQuery, ZRisingQuery, ZTrendsQuery } from '../../src/modules/analysis/trends.schemas.js'
import { createTrendsService } from '../../src/modules/analysis/trends.service.js'
import type { Taxonomy } from '../../src/modules/taxonomy/taxonomy.service.js'
import type { RequestSession } from '../../src/plugins/sessions.js'
import { questionsAt } from './questions.js'

const { values } = parseArgs({ options: { 'database-url': { type: 'string' }, only: { type: 'string' } } })
const url = values['database-url'] ?? process.env.DATABASE_URL
if (!url) throw new Error('--database-url or DATABASE_URL is required')
const out = (line: string) => process.stdout.write(`${line}\n`)

const recorded: Prisma.Sql[] = []
const recorder = {
  $queryRaw: (query: TemplateStringsArray | Prisma.Sql, ...params: unknown[]) => {
    recorded.push(query instanceof Prisma.Sql ? query : Prisma.sql(query, ...params))
    return Promise.resolve([])
  },
  // The bitmap counts run in a transaction that first sets their statement timeout: not a question's SQL.
  $executeRaw: () => Promise.resolve(0),
  $transaction: (work: (tx: unknown) => Promise<unknown>) => work(recorder)
} as unknown as PrismaClient

const document = JSON.parse(await readFile(new URL('../../prisma/seed-data/cphf-v1.json', import.meta.url), 'utf8'))
const service = createTrendsService({
  repository: createTrendsRepository(recorder, { queryTimeoutMs: 0 }),
  taxonomy: { current: async () => ({ document }) as unknown as Taxonomy },
  audit: { record: async () => undefined } as unknown as AuditRepository
})
const session = { userId: '00000000-0000-4000-8000-000000000000' } as RequestSession

const parameter = (value: unknown) => (value instanceof Date ? value.toISOString().slice(0, 10) : value)

const client = new pg.Client({ connectionString: url, application_name: 'candid-bench-explain' })
await client.connect()
const report: string[] = []
try {
  for (const question of questionsAt(new Date()).filter((q) => !values.only || q.name.includes(values.only))) {
    recorded.length = 0
    if (question.path === 'trends') await service.trends(session, ZTrendsQuery.parse(question.query))
    else if (question.path === 'cooccurrence') {
      await service.cooccurrence(session, ZCooccurrenceQuery.parse(question.query))
    } else await service.rising(session, ZRisingQuery.parse(question.query))
    report.push(`## ${question.name}\n`)
    for (const sql of recorded) {
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS) ${sql.text}`,
        sql.values.map(parameter)
      )
      const plan = rows.map((row) => row['QUERY PLAN']).join('\n')
      const time = /Execution Time: ([\d.]+) ms/.exec(plan)?.[1]
      report.push(`${sql.text.replace(/\s+/g, ' ').trim()}\n-- ${JSON.stringify(sql.values.map(parameter))}\n${plan}\n`)
      out(`${question.name}: ${time} ms  ${sql.text.replace(/\s+/g, ' ').trim().slice(0, 90)}…`)
    }
  }
} finally {
  await client.end()
}
const dir = new URL('../results/', import.meta.url)
await mkdir(dir, { recursive: true })
const file = new URL(`analysis-explain-${new Date().toISOString().replace(/[:.]/g, '-')}.txt`, dir)
await writeFile(file, report.join('\n'))
out(`plans: ${fileURLToPath(file)}`)
