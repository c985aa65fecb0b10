// npm run bench:analysis -- publish --database-url …: how long a quarter's regional publication takes, in steady
// state (every earlier quarter already published, as the automatic publication leaves it). The last complete
// quarter of the seeded data is published, timed, undone, and again: median of 5 (the first run is a warm-up).
import { mkdir, writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { openDatabase } from '../../src/db/database.js'
import { dateOfMonthIndex, monthIndexOfDate, quarterLabel, quarterStart } from '../../src/lib/periods.js'
import { createPublicationRepository } from '../../src/modules/summaries/publication.repository.js'
import { createSummariesService } from '../../src/modules/summaries/summaries.service.js'
import { createTaxonomyRepository } from '../../src/modules/taxonomy/taxonomy.repository.js'
import { createTaxonomyService } from '../../src/modules/taxonomy/taxonomy.service.js'
import { machine } from '../lib/report.js'

const { values } = parseArgs({ options: { 'database-url': { type: 'string' } } })
const url = values['database-url'] ?? process.env.DATABASE_URL
if (!url) throw new Error('--database-url or DATABASE_URL is required')
const out = (line = '') => process.stdout.write(`${line}\n`)

const db = await openDatabase({ kind: 'postgres', url, poolMax: 4 })
const { prisma } = db
const first = quarterStart(monthIndexOfDate(new Date())) - 3
const quarter = quarterLabel(first)
const start = dateOfMonthIndex(first)

// Steady state: everything before the quarter was published by earlier publications.
await prisma.publication.deleteMany({})
await prisma.$executeRaw`UPDATE report SET published_in = NULL WHERE published_in IS NOT NULL`
await prisma.$executeRaw`UPDATE analysis_report SET published_in = NULL WHERE published_in IS NOT NULL`
await prisma.$executeRaw`UPDATE report SET published_in = 'earlier' WHERE occurred_month < ${start}::date`
await prisma.$executeRaw`UPDATE analysis_report SET published_in = 'earlier' WHERE month < ${start}::date`
await prisma.$executeRaw`VACUUM ANALYZE report`
await prisma.$executeRaw`VACUUM ANALYZE analysis_report`
const [{ reports } = { reports: 0 }] = await prisma.$queryRaw<{ reports: number }[]>`
  SELECT count(*)::int AS reports FROM analysis_report`

const service = createSummariesService({
  repository: createPublicationRepository(prisma),
  taxonomy: createTaxonomyService(createTaxonomyRepository(prisma)),
  regions: ['north-east', 'north-west', 'yorkshire-humber', 'east-midlands', 'west-midlands', 'east', 'london',
    'south-east', 'south-west'],
  afterDays: 14,
  threshold: 10,
  base: 5
})

const times: number[] = []
let taken = 0
for (let run = 0; run < 6; run++) {
  const began = performance.now()
  const outcome = await service.publish(quarter)
  const ms = performance.now() - began
  if (outcome.outcome !== 'published') throw new Error(`expected to publish ${quarter}`)
  taken = outcome.reports
  if (run > 0) times.push(ms)
  out(`run ${run}: ${ms.toFixed(0)} ms, ${outcome.reports} reports taken`)
  await prisma.publication.deleteMany({ where: { quarter } })
  await prisma.$executeRaw`UPDATE report SET published_in = NULL WHERE published_in = ${quarter}`
  await prisma.$executeRaw`UPDATE analysis_report SET published_in = NULL WHERE published_in = ${quarter}`
}
times.sort((a, b) => a - b)
const median = times[Math.floor(times.length / 2)] ?? 0
out(`${quarter}: ${taken} of ${reports} counted reports; median ${median.toFixed(0)} ms, max ${times.at(-1)?.toFixed(0)} ms`)
await mkdir('bench/results', { recursive: true })
const stamp = new Date().toISOString()
await writeFile(
  `bench/results/analysis-publish-${reports}-${stamp.replace(/[:.]/g, '-')}.json`,
  JSON.stringify({ stamp, machine: machine(), reports, quarter, taken, timesMs: times, medianMs: median }, null, 2)
)
await db.close()
