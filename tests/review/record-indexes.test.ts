// The counts no rollup answers (a code with two or more field filters: counts.ts) are read from a covering index of
// analysis_code alone. If the query reads a column the index lacks (as `open` was, issue 17.9), PostgreSQL goes to
// the table for every row in the range — 219 ms p95 at 10 leads at 10M reports (docs/benchmarks.md) — while the
// answers stay right, so only the plan shows it. Plans are taken with sequential and bitmap scans off, so the test
// is about what the indexes cover, not about the planner's costs on a small table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/env.js'
import { type Database, openDatabase } from '../../src/db/database.js'
import { monthIndex } from '../../src/lib/periods.js'
import { type Filters, recordQuery } from '../../src/modules/analysis/trends.repository.js'
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js'

type PlanNode = { 'Node Type': string; 'Index Name'?: string; 'Relation Name'?: string; Plans?: PlanNode[] }
const nodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodes)]

describe('counts over the analysis record read an index only', () => {
  let testDb: TestDatabase
  let db: Database

  beforeAll(async () => {
    testDb = await createTestDatabase()
    db = await openDatabase(loadConfig(testDb.env).database)
    // A derived table with no foreign key: synthetic code rows stand in for coded reports.
    await db.prisma.$executeRawUnsafe(`
      INSERT INTO analysis_code (report_id, level, code, contributing, mitigating, month, region, event_class, setting,
        detection, reach, event_type, open)
      SELECT gen_random_uuid(), 2, 'TC.' || (i % 20), i % 3 = 0, i % 3 = 1, date '2025-01-01' + ((i % 24) || ' months')::interval,
        'region_' || (i % 9), 'class_' || (i % 4), 'setting_' || (i % 7), 'detection_' || (i % 8), 'reach_' || (i % 3),
        'type_' || (i % 5), i % 50 = 0
      FROM generate_series(1, 20000) AS i`)
    await db.prisma.$executeRawUnsafe('VACUUM ANALYZE analysis_code')
  }, 60_000)

  afterAll(async () => {
    await db?.close()
    await testDb?.drop()
  })

  const plan = async (groupBy: 'setting' | 'region' | 'code', filters: Filters, role: 'any' | 'contributing' = 'any') =>
    db.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SET LOCAL enable_seqscan = off')
      await tx.$executeRawUnsafe('SET LOCAL enable_bitmapscan = off')
      const query = recordQuery(groupBy, 3, role, filters, monthIndex(2025, 1), monthIndex(2025, 12))
      const [row] = await tx.$queryRaw<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>`EXPLAIN (FORMAT JSON) ${query}`
      return nodes(row!['QUERY PLAN'][0].Plan).filter((node) => node['Relation Name'] === 'analysis_code')
    })

  it('reads a code under two fields, in a role, from its covering index, without the table', async () => {
    const filters = { code: { level: 2, code: 'TC.1' }, setting: 'setting_2', eventClass: 'class_1' }
    for (const groupBy of ['region', 'setting'] as const) {
      const scans = await plan(groupBy, filters, 'contributing')
      expect(scans).toEqual([expect.objectContaining({
        'Node Type': 'Index Only Scan',
        'Index Name': 'analysis_code_covering_idx'
      })])
    }
  })

  it('finds the kept reports of a code for codes by code from the index only too', async () => {
    const scans = await plan('code', { code: { level: 2, code: 'TC.1' }, region: 'region_1', detection: 'detection_2' })
    // The kept reports from the code's index; their codes at the level then by primary key (report, level).
    expect(scans[0]).toMatchObject({ 'Node Type': 'Index Only Scan', 'Index Name': 'analysis_code_covering_idx' })
  })
})
