import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/env.js'
import { openDatabase } from '../../src/db/database.js'
import { ZSummary } from '../../src/modules/summaries/summaries.schemas.js'
import { runAdmin } from '../helpers/admin.js'
import { coding } from '../helpers/codings.js'
import { postReport, reportBody } from '../helpers/reports.js'
import { createTestApp } from '../helpers/test-app.js'
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js'
import { signedInUser } from '../helpers/users.js'

describe('npm run admin -- publish-quarter', () => {
  let testDb: TestDatabase | undefined
  afterEach(async () => {
    await testDb?.drop()
    testDb = undefined
  })

  it('publishes a closed quarter once, and refuses bad or open quarters', { timeout: 120_000 }, async () => {
    testDb = await createTestDatabase()
    const env = testDb.env

    // First run (issue 14.1): nothing installed and no report, so no quarter can hold one: none is published empty.
    const firstRun = await runAdmin(['publish-quarter', '--quarter', '2026-Q2'], env)
    const open = await runAdmin(['publish-quarter', '--quarter', '2099-Q1'], env)
    const malformed = await runAdmin(['publish-quarter', '--quarter', '2026-05'], env)
    const missing = await runAdmin(['publish-quarter'], env)

    expect(firstRun.code).not.toBe(0)
    expect(firstRun.stderr).toContain('a quarter is published only if Candid was in use during it')
    expect(open.code).not.toBe(0)
    expect(open.stderr).toContain('closed for 14 days')
    expect(malformed.code).not.toBe(0)
    expect(malformed.stderr).toContain('quarter')
    expect(missing.code).not.toBe(0)
  })

  it('publishes coded reports by the configured rules', { timeout: 180_000 }, async () => {
    testDb = await createTestDatabase()
    // 23 coded reports about 2026-Q2 in the north east, 3 in London, filed through the app, which then stops (the
    // embedded database has one user at a time).
    const t = await createTestApp({
      database: testDb,
      env: { RATE_LIMIT_INTAKE_PER_10MIN: '1000', PUBLISH_CHECK_MINUTES: '0' }
    })
    try {
      const reviewer = await signedInUser(t.app, { email: 'coder.cli@example.org', recoveryKey: t.recoveryKey })
      const regions = [...Array(23).fill('north-east'), 'london', 'london', 'london'] as string[]
      for (const [i, region] of regions.entries()) {
        const before = (await t.app.db.prisma.report.findMany({ select: { id: true } })).map((row) => row.id)
        const res = await postReport(t.app, reportBody({ occurredMonth: `2026-0${4 + (i % 3)}`, region }))
        expect(res.statusCode, res.body).toBe(201)
        const { id } = await t.app.db.prisma.report.findFirstOrThrow({
          where: { id: { notIn: before } },
          select: { id: true }
        })
        const coded = await t.app.inject({
          method: 'POST',
          url: `/api/v1/reports/${id}/codings`,
          headers: reviewer.headers,
          payload: coding({ codes: [{ code: 'TC.HO.02', role: 'contributing' }] })
        })
        expect(coded.statusCode, coded.body).toBe(201)
      }
    } finally {
      await t.stop()
    }
    const env = { ...testDb.env, SUPPRESS_BELOW: '20', ROUND_TO: '10', PUBLISH_AFTER_DAYS: '100' }

    // The quarter we are in is refused, naming the configured wait.
    const now = new Date()
    const current = `${now.getUTCFullYear()}-Q${Math.floor(now.getUTCMonth() / 3) + 1}`
    const tooSoon = await runAdmin(['publish-quarter', '--quarter', current], env)
    const published = await runAdmin(['publish-quarter', '--quarter', '2026-Q2'], env)
    const again = await runAdmin(['publish-quarter', '--quarter', '2026-Q2'], env)
    const earlier = await runAdmin(['publish-quarter', '--quarter', '2026-Q1'], env)

    expect(again.code).toBe(0)
    expect(again.stdout).toContain('already published')
    expect(earlier.code).not.toBe(0)
    expect(earlier.stderr).toContain('comes before the latest publication (2026-Q2)')
    expect(tooSoon.code).not.toBe(0)
    expect(tooSoon.stderr).toContain('closed for 100 days')
    expect(published.code, published.stderr).toBe(0)
    expect(published.stdout.trim()).toBe('published 2026-Q2: 9 regions, 26 reports')
    const db = await openDatabase(loadConfig(env).database)
    try {
      const rows = await db.prisma.publication.findMany({
        where: { quarter: '2026-Q2' },
        select: { region: true, json: true }
      })
      const summary = (region: string) =>
        ZSummary.parse(JSON.parse(rows.find((row) => row.region === region)?.json ?? '{}'))
      const northEast = summary('north-east')
      expect(northEast.status).toBe('published')
      expect(northEast.disclosure).toMatchObject({ suppressedBelow: 20, roundedTo: 10, marker: '[c]' })
      // 23 to the nearest 10 (it would be 25 to the nearest 5).
      expect(northEast.reports).toEqual({ onTime: 20, late: 0 })
      const groups = northEast.tables.find((table) => table.cut === 'group')
      expect(groups?.rows[0]?.values[groups.categories.indexOf('TC.HO')]).toBe(20)
      // London's 3 are below 20: withheld, no table.
      expect(summary('london')).toMatchObject({ status: 'withheld', reports: null, tables: [] })
    } finally {
      await db.close()
    }
  })
})
