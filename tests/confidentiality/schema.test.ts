import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.js'

// R2: the report table has no column that could describe the reporter, and no table of ours stores an instant.
describe('what the schema can hold', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  const columns = () =>
    t.app.db.prisma.$queryRaw<{ table: string; column: string; type: string }[]>`
      SELECT table_name AS table, column_name AS column, data_type AS type
      FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
      ORDER BY table_name, ordinal_position`

  it('the report table has exactly these columns, none about who sent it', async () => {
    const report = (await columns()).filter((row) => row.table === 'report').map((row) => row.column)

    expect(report.sort()).toEqual(
      [
        'consent_to_publish',
        'detection',
        'event_class',
        'handover',
        'id',
        'key_version',
        'cipher_version',
        'narrative_ciphertext',
        'narrative_sealed_key',
        'occurred_month',
        'receipt_hash',
        'received_on',
        'region',
        'setting',
        'status',
        'reporter_public_key',
        'merged_into_id',
        'closed_on',
        'destroyed_on',
        'sealed_to_version',
        'analysis_epoch',
        // Set by a reporter's answer, cleared when a reviewer opens the report: a flag, not a time.
        'answers_unread'
      ].sort()
    )
  })

  it('no table that holds reporters\' data stores a time of day: dates only', async () => {
    // Reviewer accounts and sessions (app_user, session, login_attempt) need instants for their time limits, and
    // the audit log and codings record when a reviewer acted; nothing a reporter sends is in them.
    // The analysis record and publications are derived from reports: months and quarters, never times.
    const reporterTables = [
      'report',
      'report_message',
      'idempotency_record',
      'team_key',
      'app_setting',
      'analysis_report',
      'analysis_code',
      'analysis_rollup',
      'analysis_pair_rollup',
      'publication'
    ]
    const all = await columns()
    const timed = all.filter((row) => reporterTables.includes(row.table) && /time|interval/i.test(row.type))

    expect(new Set(all.map((row) => row.table))).toEqual(expect.objectContaining({ size: expect.any(Number) }))
    expect(all.some((row) => row.table === 'report')).toBe(true)
    expect(timed).toEqual([])
  })
})
