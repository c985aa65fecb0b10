// npm run bench:analysis -- publish --database-url …: how long a quarter's regional publication takes, in steady
// state (every earlier quarter already published, as the automatic publication leaves it). The last complete
// quarter of the seeded data is published, timed, undone, and again: median of 5 (the first run is a warm-up).
// Run it after `seed` (whose rebuild gives every report publication number 1 when nothing is published yet).
import { mkdir, writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { openDatabase } from '../../src/db/database.js'
import { dateOfMonthIndex, monthIndexOfDate, quarterLabel, quarterStart } from '../../src/lib/periods.js'
import { rederiveEpochs } from '../../src/modules/analysis/rollups.js'
import { createPublicationRepository } from '../../src/modules/summaries/publication.repository.js'
import { createSummariesService } from '../../src/modules/summaries/summaries.service.js'
import { createTaxonomyRepository } from '../../src/modules/taxonomy/taxonomy.repository.js'
import { createTaxonomyService } from '../../src/modules/taxonomy/taxonomy.service.js'
import { machine } from '../lib/report.js'

// --skip-setup: the database is already in that steady state (an earlier run left it so), so that the first run is
// cold after a restart of PostgreSQL, instead of following the setup's reads.
const { values } = parseArgs({
  options: { 'database-url': { type: 'string' }, 'skip-setup': { type: 'boolean', default: false } }
})
const url = values['database-url'] ?? process.env.DATABASE_URL
if (!url) throw new Error('--database-url or DATABASE_URL is required')
const out = (line = '') => process.stdout.write(`${line}\n`)

const REGIONS = ['north-east', 'north-west', 'yorkshire-humber', 'east-midlands', 'west-midlands', 'east', 'london',
  'south-east', 'south-west']

const db = await openDatabase({ kind: 'postgres', url, poolMax: 4 })
const { prisma } = db
const first = quarterStart(monthIndexOfDate(new Date())) - 3
const quarter = quarterLabel(first)
const start = dateOfMonthIndex(first)

// Steady state: the quarter before was published (publication number 1 here), and took every report about it or
// earlier; since then 3% of the reports about the two quarters before arrived late (they were coded after it), so
// they and the reports about this quarter carry the next publication's number, 2.
const previous = quarterLabel(first - 3)
const lateFrom = dateOfMonthIndex(first - 6)
if (!values['skip-setup']) {
  await prisma.publication.deleteMany({})
  await prisma.publication.createMany({
    data: REGIONS.map((region) => ({ quarter: previous, region, publishedOn: start, json: '{}', csv: '' }))
  })
  for (const table of ['report', 'analysis_report']) {
    const [epoch, month, id] = table === 'report' ? ['analysis_epoch', 'occurred_month', 'id'] : ['epoch', 'month', 'report_id']
    const wanted = `CASE WHEN ${month} >= $1::date THEN 2
      WHEN ${month} >= $2::date AND ('x' || substr(md5(${id}::text), 1, 7))::bit(28)::int % 100 < 3 THEN 2 ELSE 1 END`
    // Only the rows whose number changes (a few per cent): rewriting all 10M rows and their indexes took longer
    // than the seed's whole rebuild.
    await prisma.$executeRawUnsafe(
      `UPDATE ${table} SET ${epoch} = ${wanted}
       WHERE ${table === 'report' ? 'analysis_epoch IS NOT NULL AND ' : ''}${epoch} IS DISTINCT FROM ${wanted}`,
      start,
      lateFrom
    )
  }
  // The publication's late reports are counted from the rollup by publication number: derived again for the new ones.
  await rederiveEpochs(prisma)
  await prisma.$executeRaw`VACUUM ANALYZE report`
  await prisma.$executeRaw`VACUUM ANALYZE analysis_report`
}
const [{ reports } = { reports: 0 }] = await prisma.$queryRaw<{ reports: number }[]>`
  SELECT count(*)::int AS reports FROM analysis_report`

const service = createSummariesService({
  repository: createPublicationRepository(prisma),
  taxonomy: createTaxonomyService(createTaxonomyRepository(prisma)),
  regions: REGIONS,
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
  // Undone by deleting its rows: a publication writes nothing else.
  await prisma.publication.deleteMany({ where: { quarter } })
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
