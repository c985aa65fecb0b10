// Seeds a PostgreSQL database with N synthetic coded reports for the analysis benchmark (issue 5, "Scale"), then
// derives the analysis record with the application's own rebuild (src/modules/analysis/facts.repository.ts) and
// analyses the tables. The shape of the data (seasonality, skews, Zipf-like codes, rising themes) is in shape.ts.
//
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/candid_bench_analysis npm run bench:analysis -- seed --n 1000000
//
// Everything is generated in the database by set-based SQL (INSERT … SELECT from generate_series), one batch of
// --batch reports at a time to bound memory and WAL, on a single connection. Values come from a hash of the
// report's ordinal, so a given N always gives the same data. Report ids are UUID v4 in form; narratives are null
// (as for destroyed reports), so `report` is smaller than in production; reports received in the last 30 days are
// `coded` (still open), older ones `closed` two weeks after they arrived.
//
// On empty tables the load goes as pg_restore does: the primary keys, indexes and foreign keys of report, coding
// and coding_code (and report_message's key to report) are dropped first and created again afterwards, exactly as
// they were. `--reset` empties the review and analysis tables first. `--rebuild-only` re-derives the analysis record
// of what is there.
import { readFile, mkdir, writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { openDatabase } from '../../src/db/database.js'
import { migrateDatabase } from '../../src/db/migrator.js'
import type { PrismaClient } from '../../src/generated/prisma/client.js'
import { dateOfMonthIndex, monthLabel } from '../../src/lib/periods.js'
import { createFactsRepository } from '../../src/modules/analysis/facts.repository.js'
import {
  CODERS,
  CODES_PER_CODING,
  DETECTIONS,
  EVENT_CLASSES,
  EVENT_TYPES,
  firstMonthOf,
  INCIDENT_REACH,
  lastMonthOf,
  LEAVES_BY_RANK,
  monthWeight,
  REGIONS,
  risingFactor,
  SETTINGS,
  SHARES,
  type Weighted,
  ZIPF_EXPONENT
} from './shape.js'

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '1000000' },
    'database-url': { type: 'string' },
    batch: { type: 'string', default: '1000000' },
    reset: { type: 'boolean', default: false },
    'rebuild-only': { type: 'boolean', default: false }
  }
})
const N = Number(values.n)
const BATCH = Number(values.batch)
const url = values['database-url'] ?? process.env.DATABASE_URL
if (!url) throw new Error('--database-url or DATABASE_URL is required')
if (!Number.isInteger(N) || N < 1 || !Number.isInteger(BATCH) || BATCH < 1) throw new Error('--n and --batch: whole numbers')

const out = (line: string) => process.stdout.write(`${line}\n`)
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

type Step = { step: string; ms: number; rows?: number }
const steps: Step[] = []
const timed = async <T>(step: string, work: () => Promise<T>, rowsOf?: (result: T) => number): Promise<T> => {
  const started = performance.now()
  const result = await work()
  const ms = performance.now() - started
  const rows = rowsOf?.(result)
  steps.push(rows === undefined ? { step, ms } : { step, ms, rows })
  out(`  ${step}: ${seconds(ms)}${rows === undefined ? '' : ` (${rows.toLocaleString('en-GB')} rows)`}`)
  return result
}

// ---- SQL helpers: uniform draws from a hash of the ordinal, weighted picks, UUID v4 in form --------------------

/** A uniform number in [0, 1) from the ordinal expression and a salt: the same for the same pair, on any run. */
const u = (ordinal: string, salt: number) => `((hashint8extended(${ordinal}, ${salt}) & 2147483647)::float8 / 2147483648.0)`

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`

/** CASE mapping a uniform column to a weighted choice (`then` turns a choice into the SQL returned for it). */
const pick = (column: string, choices: Weighted, then: (value: string) => string = literal) => {
  const total = choices.reduce((sum, [, weight]) => sum + weight, 0)
  let cumulative = 0
  const whens = choices.slice(0, -1).map(([value, weight]) => {
    cumulative += weight
    return `WHEN ${column} < ${cumulative / total} THEN ${then(value)}`
  })
  return `CASE ${whens.join(' ')} ELSE ${then(choices.at(-1)?.[0] ?? '')} END`
}

/** A UUID that reads as version 4 (RFC 9562 version and variant bits), derived from a label and an ordinal. */
const uuid = (label: string, ordinal: string) =>
  `overlay(overlay(md5('${label}:' || ${ordinal}) placing '4' from 13 for 1) placing '8' from 17 for 1)::uuid`

/** Splits `total` in proportion to `weights`, largest remainder first, each part at least `min`. */
const apportion = (total: number, weights: readonly number[], min = 0) => {
  const sum = weights.reduce((a, b) => a + b, 0)
  const spare = total - min * weights.length
  const exact = weights.map((w) => (spare * w) / sum)
  const parts = exact.map((x) => min + Math.floor(x))
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0])
  for (let k = 0, left = total - parts.reduce((a, b) => a + b, 0); k < left; k++) {
    const index = order[k % order.length]?.[1] ?? 0
    parts[index] = (parts[index] ?? 0) + 1
  }
  return parts
}

// ---- The plan: months with their report ranges and code lotteries -------------------------------------------

const SLOTS = 4096
const now = new Date()
const first = firstMonthOf(now)
const last = lastMonthOf(now)
const months = Array.from({ length: last - first + 1 }, (_, k) => first + k)
const perMonth = apportion(N, months.map((month) => monthWeight(month, first)))

type Taxonomy = { domains: { groups: { code: string; leaves: { code: string }[] }[] }[] }
const taxonomy = JSON.parse(
  await readFile(new URL('../../prisma/seed-data/cphf-v1.json', import.meta.url), 'utf8')
) as Taxonomy
const groups = taxonomy.domains.flatMap((domain) => domain.groups)
const leaves = groups.flatMap((group) => group.leaves.map((leaf) => leaf.code))
if ([...leaves].sort().join() !== [...LEAVES_BY_RANK].sort().join()) {
  throw new Error('shape.ts LEAVES_BY_RANK must list exactly the leaf codes of prisma/seed-data/cphf-v1.json')
}
const siblingsOf = (code: string) =>
  (groups.find((group) => group.leaves.some((leaf) => leaf.code === code))?.leaves ?? [])
    .map((leaf) => leaf.code)
    .filter((other) => other !== code)

/** The month's code lottery: SLOTS leaf codes in proportion to their weight that month. */
const slotsOf = (month: number) => {
  const weights = LEAVES_BY_RANK.map((code, rank) => (rank + 1) ** -ZIPF_EXPONENT * risingFactor(code, month, last))
  const counts = apportion(SLOTS, weights, 1)
  return LEAVES_BY_RANK.flatMap((code, k) => Array<string>(counts[k] ?? 0).fill(code))
}

// ---- Bulk-load DDL: what to drop before and create after --------------------------------------------------------

const TABLES = ['report', 'coding', 'coding_code']
type Ddl = { drop: string; create: string }

const loadDdl = async (client: pg.Client) => {
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`
  const constraints = await client.query<{ tbl: string; name: string; def: string; type: string }>(
    `SELECT conrelid::regclass::text AS tbl, conname AS name, pg_get_constraintdef(oid) AS def, contype AS type
     FROM pg_constraint
     WHERE (contype IN ('p', 'u') AND conrelid = ANY($1::regclass[]))
        OR (contype = 'f' AND (conrelid = ANY($1::regclass[]) OR confrelid = ANY($1::regclass[])))`,
    [TABLES]
  )
  const indexes = await client.query<{ name: string; def: string }>(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
     FROM pg_index i
     WHERE i.indrelid = ANY($1::regclass[])
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u'))`,
    [TABLES]
  )
  const constraint = (row: { tbl: string; name: string; def: string }): Ddl => ({
    drop: `ALTER TABLE ${row.tbl} DROP CONSTRAINT ${quote(row.name)}`,
    create: `ALTER TABLE ${row.tbl} ADD CONSTRAINT ${quote(row.name)} ${row.def}`
  })
  return {
    keys: constraints.rows.filter((row) => row.type !== 'f').map(constraint),
    foreign: constraints.rows.filter((row) => row.type === 'f').map(constraint),
    indexes: indexes.rows.map((row): Ddl => ({ drop: `DROP INDEX ${row.name}`, create: row.def }))
  }
}

// ---- Generation ---------------------------------------------------------------------------------------------------

const classReach = (value: string) =>
  value === 'incident'
    ? pick('x.u_reach', INCIDENT_REACH)
    : literal(value === 'unsafe_condition' ? 'unsafe_condition' : 'near_miss')

/** One batch's reports, with everything the three inserts need, in a temporary table. */
const batchSql = (from: number, to: number) => `
  CREATE TEMP TABLE seed_batch AS
  SELECT x.i, x.m, x.month, fs.code AS first_code,
         ${uuid('report', 'x.i')} AS report_id,
         ${uuid('coding1', 'x.i')} AS coding1,
         CASE WHEN x.u_second < ${SHARES.secondCoding} THEN ${uuid('coding2', 'x.i')} END AS coding2,
         ${uuid('coder', 'x.coder1')} AS coder1,
         ${uuid('coder', `(x.coder1 + 1 + floor(x.u_coder2 * ${CODERS - 1})::int) % ${CODERS}`)} AS coder2,
         ${pick('x.u_region', REGIONS)} AS region,
         ${pick('x.u_setting', SETTINGS)} AS setting,
         ${pick('x.u_class', EVENT_CLASSES)} AS event_class,
         ${pick('x.u_class', EVENT_CLASSES, classReach)} AS reach,
         ${pick('x.u_detection', DETECTIONS)} AS detection,
         ${pick('x.u_type', EVENT_TYPES)} AS event_type,
         x.u_handover < ${SHARES.handover} AS handover,
         x.u_consent < ${SHARES.consent} AS consent,
         least(x.month + floor(x.u_received * 45)::int, current_date - 3) AS received_on,
         least(x.month + floor(x.u_received * 45)::int + 1 + floor(x.u_coded * 14)::int, current_date - 2)
           + make_interval(hours => 9, mins => floor(x.u_hour * 480)::int) AS coded1,
         ${pick('x.u_count', CODES_PER_CODING.map(([k, w]) => [String(k), w] as const), (k) => k)} AS k,
         x.u_extra < ${SHARES.secondCoderAddsCode} AS extra,
         x.u_later
  FROM (
    SELECT g.i, s.m, s.month, floor(${u('g.i', 101)} * ${SLOTS})::int AS first_slot,
           floor(${u('g.i', 1)} * ${CODERS})::int AS coder1,
           ${u('g.i', 2)} AS u_coder2, ${u('g.i', 3)} AS u_second, ${u('g.i', 4)} AS u_region,
           ${u('g.i', 5)} AS u_setting, ${u('g.i', 6)} AS u_class, ${u('g.i', 7)} AS u_reach,
           ${u('g.i', 8)} AS u_detection, ${u('g.i', 9)} AS u_type, ${u('g.i', 10)} AS u_handover,
           ${u('g.i', 11)} AS u_consent, ${u('g.i', 12)} AS u_received, ${u('g.i', 13)} AS u_coded,
           ${u('g.i', 14)} AS u_hour, ${u('g.i', 15)} AS u_count, ${u('g.i', 16)} AS u_extra,
           ${u('g.i', 17)} AS u_later
    FROM seed_month s
    CROSS JOIN LATERAL generate_series(greatest(s.lo, ${from}), least(s.hi, ${to}) - 1) AS g(i)
    WHERE s.hi > ${from} AND s.lo < ${to}
    OFFSET 0
  ) x
  JOIN seed_slot fs ON fs.m = x.m AND fs.slot = x.first_slot`

const insertReports = `
  INSERT INTO report (id, status, event_class, detection, setting, region, occurred_month, handover,
                      consent_to_publish, received_on, receipt_hash, key_version, cipher_version, analysis_epoch,
                      closed_on)
  SELECT report_id, (CASE WHEN received_on < current_date - 30 THEN 'closed' ELSE 'coded' END)::report_status,
         event_class::event_class, detection::detection, setting::setting, region, month,
         handover, consent, received_on, sha256(convert_to('candid-bench-receipt:' || i, 'UTF8')), 1, 1, 1,
         CASE WHEN received_on < current_date - 30 THEN received_on + 14 END
  FROM seed_batch`

// Summaries are sealed (issue 17.5): bytes of a sealed summary's size stand in for one (XChaCha20-Poly1305 adds 40
// bytes to the text), with a sealed data key of its size (a 32-byte key in a sealed box: 80 bytes) and key versions.
const summary = 'convert_to(\'Synthetic coded summary \' || i || \'. \' || repeat(\'Lorem ipsum dolor sit amet, consectetur. \', 5) || repeat(\'.\', 40), \'UTF8\')'
const sealedKey = "decode(repeat('00', 80), 'hex'), 1, 1"
const insertCodings = `
  INSERT INTO coding (id, report_id, coder_id, taxonomy_version, event_type, reach_and_harm, detection, setting,
                      handover, summary_sealed, sealed_key, key_version, sealed_to_version, coded_at)
  SELECT coding1, report_id, coder1, 1, event_type, reach, detection, setting, handover, ${summary}, ${sealedKey}, coded1
  FROM seed_batch
  UNION ALL
  SELECT coding2, report_id, coder2, 1, event_type, reach, detection, setting, handover, ${summary}, ${sealedKey},
         least(coded1 + make_interval(hours => 1 + floor(u_later * 480)::int), greatest(now(), coded1 + interval '1 hour'))
  FROM seed_batch WHERE coding2 IS NOT NULL`

// Draw j of a report: the first is the report's first code; later ones a sibling of it (SHARES.sibling) or a fresh
// draw from the month's lottery. The second coder repeats the first's draws and sometimes adds one.
const draw = (salt: number) => u('c.i * 16 + j', salt)
const insertCodes = `
  INSERT INTO coding_code (coding_id, code, role)
  SELECT DISTINCT ON (x.coding_id, x.code) x.coding_id, x.code,
         (CASE WHEN x.u_role < ${SHARES.mitigating} THEN 'mitigating' ELSE 'contributing' END)::code_role
  FROM (
    SELECT d.coding_id, d.j, d.u_role,
           CASE WHEN d.j = 1 THEN d.first_code
                WHEN d.u_sibling < ${SHARES.sibling} AND cardinality(l.siblings) > 0
                  THEN l.siblings[1 + floor(d.u_pick * cardinality(l.siblings))::int]
                ELSE s.code END AS code
    FROM (
      SELECT c.coding_id, c.m, c.first_code, j, ${draw(201)} AS u_sibling, ${draw(202)} AS u_pick,
             floor(${draw(202)} * ${SLOTS})::int AS slot, ${draw(203)} AS u_role
      FROM (
        SELECT i, m, first_code, coding1 AS coding_id, k FROM seed_batch
        UNION ALL
        SELECT i, m, first_code, coding2, k + extra::int FROM seed_batch WHERE coding2 IS NOT NULL
      ) c CROSS JOIN LATERAL generate_series(1, c.k) AS j
      OFFSET 0
    ) d
    JOIN seed_slot s ON s.m = d.m AND s.slot = d.slot
    JOIN seed_leaf l ON l.code = d.first_code
  ) x
  ORDER BY x.coding_id, x.code, x.j`

const seed = async (client: pg.Client) => {
  const counts = await client.query<{ reports: string; codings: string; codes: string }>(
    'SELECT (SELECT count(*) FROM report) AS reports, (SELECT count(*) FROM coding) AS codings, ' +
      '(SELECT count(*) FROM coding_code) AS codes'
  )
  const existing = counts.rows[0]
  if (existing && (existing.reports !== '0' || existing.codings !== '0' || existing.codes !== '0')) {
    throw new Error(`the database already holds ${existing.reports} reports: pass --reset to empty it first`)
  }
  await client.query("SET maintenance_work_mem = '1GB'")
  await client.query("SET work_mem = '256MB'")

  await client.query('CREATE TEMP TABLE seed_month (m int PRIMARY KEY, month date, lo bigint, hi bigint)')
  await client.query('CREATE TEMP TABLE seed_slot (m int, slot int, code text, PRIMARY KEY (m, slot))')
  await client.query('CREATE TEMP TABLE seed_leaf (code text PRIMARY KEY, siblings text[])')
  let lo = 0
  for (const [m, month] of months.entries()) {
    const hi = lo + (perMonth[m] ?? 0)
    await client.query('INSERT INTO seed_month VALUES ($1, $2::date, $3, $4)', [
      m,
      dateOfMonthIndex(month).toISOString().slice(0, 10),
      lo,
      hi
    ])
    await client.query(
      'INSERT INTO seed_slot SELECT $1, s.slot - 1, s.code FROM unnest($2::text[]) WITH ORDINALITY AS s(code, slot)',
      [m, slotsOf(month)]
    )
    lo = hi
  }
  for (const code of leaves) {
    await client.query('INSERT INTO seed_leaf VALUES ($1, $2::text[])', [code, siblingsOf(code)])
  }
  await client.query('ANALYZE seed_month, seed_slot, seed_leaf')

  const ddl = await loadDdl(client)
  if (ddl.keys.length !== TABLES.length) {
    throw new Error(`expected a primary key on each of ${TABLES.join(', ')}: has a failed seed left them off?`)
  }
  out(`bulk load: dropping ${ddl.foreign.length} foreign keys, ${ddl.keys.length} keys, ${ddl.indexes.length} indexes`)
  for (const { drop } of [...ddl.foreign, ...ddl.keys, ...ddl.indexes]) await client.query(drop)
  let restored = false
  const restore = async () => {
    for (const { create } of [...ddl.keys, ...ddl.indexes]) {
      await timed(`create ${create.replace(/^(CREATE (UNIQUE )?INDEX|ALTER TABLE \S+ ADD CONSTRAINT) /, '').slice(0, 60)}`,
        () => client.query(create))
    }
    for (const { create } of ddl.foreign) {
      await timed(`validate ${create.replace(/^ALTER TABLE (\S+) ADD CONSTRAINT (\S+) .*$/, '$1.$2')}`,
        () => client.query(create))
    }
    restored = true
  }
  try {
    const batches = Math.ceil(N / BATCH)
    for (let b = 0; b < batches; b++) {
      const from = b * BATCH
      const to = Math.min(N, from + BATCH)
      out(`batch ${b + 1}/${batches}: reports ${from.toLocaleString('en-GB')}–${(to - 1).toLocaleString('en-GB')}`)
      await client.query('DROP TABLE IF EXISTS seed_batch')
      await timed('generate batch', () => client.query(batchSql(from, to)), (r) => r.rowCount ?? 0)
      await timed('insert report', () => client.query(insertReports), (r) => r.rowCount ?? 0)
      await timed('insert coding', () => client.query(insertCodings), (r) => r.rowCount ?? 0)
      await timed('insert coding_code', () => client.query(insertCodes), (r) => r.rowCount ?? 0)
    }
    await client.query('DROP TABLE IF EXISTS seed_batch')
    await restore()
    // As after pg_restore: statistics (of every table, the taxonomy's too), so that the rebuild is planned as it
    // would be on a live database that autovacuum has analysed. Without them see docs/benchmarks.md.
    await timed('analyze', () => client.query('ANALYZE'))
  } finally {
    if (!restored) {
      out('seed failed: putting the keys and indexes back on what was loaded')
      await client.query('DROP TABLE IF EXISTS seed_batch')
      await restore().catch((error: unknown) => {
        out(`that failed too (${String(error)}); to do it by hand, run:`)
        for (const { create } of [...ddl.keys, ...ddl.indexes, ...ddl.foreign]) out(`${create};`)
      })
    }
  }
}

/** The facts repository's client, timing each statement the rebuild runs. */
const timedClient = (prisma: PrismaClient) => ({
  $queryRaw: prisma.$queryRaw.bind(prisma),
  $executeRaw: (async (query: TemplateStringsArray | { text: string }, ...params: unknown[]) => {
    const text = 'text' in query ? query.text : query.join('?')
    const label = /TRUNCATE|INSERT INTO \w+/.exec(text)?.[0]?.replace('INSERT INTO ', 'insert ') ?? 'statement'
    return timed(`rebuild: ${label.toLowerCase()}`, () =>
      prisma.$executeRaw(query as TemplateStringsArray, ...params), (rows) => rows)
  }) as unknown as PrismaClient['$executeRaw'],
  $executeRawUnsafe: (async (text: string) =>
    timed(`rebuild: ${/^(DROP INDEX|CREATE INDEX)/.exec(text)?.[0]?.toLowerCase() ?? 'statement'}`, () =>
      prisma.$executeRawUnsafe(text), (rows) => rows)) as PrismaClient['$executeRawUnsafe']
})

const main = async () => {
  out(`database: ${url.replace(/\/\/[^@]*@/, '//…@')}`)
  out(`reports: ${N.toLocaleString('en-GB')} over ${monthLabel(first)} … ${monthLabel(last)}, batches of ` +
    `${BATCH.toLocaleString('en-GB')}`)
  const db = await openDatabase({ kind: 'postgres', url, poolMax: 1 })
  try {
    await timed('migrate', () => migrateDatabase(db))
  } finally {
    await db.close()
  }

  const client = new pg.Client({ connectionString: url, application_name: 'candid-bench-seed' })
  await client.connect()
  try {
    if (values.reset) {
      await timed('reset', () => client.query(
        'TRUNCATE report, coding, coding_code, report_message, analysis_report, analysis_code, analysis_rollup, ' +
        'analysis_pair_rollup, analysis_cross_rollup, analysis_bits, analysis_slot, analysis_slot_next CASCADE'
      ))
    }
    if (!values['rebuild-only']) {
      const started = performance.now()
      await seed(client)
      steps.push({ step: 'seed (all)', ms: performance.now() - started })
      out(`seed: ${seconds(performance.now() - started)}`)
    }
  } finally {
    await client.end()
  }

  // The analysis record, derived by the application's own code on its own kind of client (one connection).
  const app = await openDatabase({ kind: 'postgres', url, poolMax: 1 })
  try {
    const started = performance.now()
    await createFactsRepository().rebuild(timedClient(app.prisma))
    steps.push({ step: 'rebuild (all)', ms: performance.now() - started })
    out(`rebuild: ${seconds(performance.now() - started)}`)
  } finally {
    await app.close()
  }

  const after = new pg.Client({ connectionString: url, application_name: 'candid-bench-seed' })
  await after.connect()
  try {
    await timed('vacuum analyze', () => after.query('VACUUM (ANALYZE)'))
    const sizes = await after.query<{ table: string; rows: string; heap: string; indexes: string; total: string }>(
      `SELECT c.relname AS table, c.reltuples::bigint AS rows, pg_relation_size(c.oid) AS heap,
              pg_indexes_size(c.oid) AS indexes, pg_total_relation_size(c.oid) AS total
       FROM pg_class c
       WHERE c.relname IN ('report', 'coding', 'coding_code', 'analysis_report', 'analysis_code', 'analysis_rollup',
                           'analysis_pair_rollup') AND c.relkind = 'r'
       ORDER BY pg_total_relation_size(c.oid) DESC`
    )
    const mb = (bytes: string) => `${(Number(bytes) / 2 ** 20).toFixed(0)} MB`
    out('\n| table | rows (estimate) | heap | indexes | total |\n| --- | ---: | ---: | ---: | ---: |')
    for (const row of sizes.rows) {
      out(`| ${row.table} | ${Number(row.rows).toLocaleString('en-GB')} | ${mb(row.heap)} | ${mb(row.indexes)} | ` +
        `${mb(row.total)} |`)
    }
    const database = await after.query<{ size: string }>('SELECT pg_database_size(current_database()) AS size')
    out(`database: ${mb(database.rows[0]?.size ?? '0')}`)
    const dir = new URL('../results/', import.meta.url)
    await mkdir(dir, { recursive: true })
    const stamp = new Date().toISOString()
    await writeFile(
      new URL(`analysis-seed-${N}-${stamp.replace(/[:.]/g, '-')}.json`, dir),
      JSON.stringify({
        stamp,
        n: N,
        batch: BATCH,
        months: [monthLabel(first), monthLabel(last)],
        steps,
        sizes: sizes.rows,
        databaseBytes: database.rows[0]?.size
      }, null, 2)
    )
  } finally {
    await after.end()
  }
}

await main()
