import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { createCodingsRepository } from '../../src/modules/codings/codings.repository.js'
import { type CutCount, createPublicationRepository, scopeOf } from '../../src/modules/summaries/publication.repository.js'
import { coding } from '../helpers/codings.js'
import { postReport, reportBody } from '../helpers/reports.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { summariesAt } from '../helpers/summaries.js'
import { type SignedIn, signedInUser } from '../helpers/users.js'

/**
 * A publication counts from rollups and publication numbers (report.analysis_epoch) rather than by marking rows;
 * this checks it against a plain recount of the review tables through a history that exercises every way a report
 * can become countable: on time, late, about a quarter never published, coded after a publication, merged before
 * one and freed after it (counted once, later), merged after being published and freed again (never twice),
 * withdrawn (its coded record stays, its learning point goes), coded again.
 */

type Filed = { id: string; receipt: string }
type Row = {
  id: string
  region: string
  month: string
  eventClass: string
  detection: string
  setting: string
  codes: string[]
}

const key = (row: CutCount) => `${row.region}|${row.onTime}|${row.cut}|${row.value}`

describe('a publication takes exactly the reports a plain recount says it should', () => {
  let t: TestApp
  let reviewer: SignedIn
  const counted = new Set<string>()

  const file = async (month: string, region = 'north-east', extra: Record<string, unknown> = {}): Promise<Filed> => {
    const before = new Set((await t.app.db.prisma.report.findMany({ select: { id: true } })).map((row) => row.id))
    const res = await postReport(t.app, reportBody({ occurredMonth: month, region, ...extra }))
    expect(res.statusCode, res.body).toBe(201)
    const rows = await t.app.db.prisma.report.findMany({ select: { id: true } })
    const id = rows.map((row) => row.id).find((candidate) => !before.has(candidate))
    return { id: id ?? '', receipt: res.json().receipt as string }
  }
  const code = async (report: Filed, codes: string[], overrides: Record<string, unknown> = {}) => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${report.id}/codings`,
      headers: reviewer.headers,
      payload: coding({ codes: codes.map((c, i) => ({ code: c, role: i === 2 ? 'mitigating' : 'contributing' })), ...overrides })
    })
    expect(res.statusCode, res.body).toBeLessThan(300)
  }
  const merge = async (report: Filed, into: Filed) => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${report.id}/merge`,
      headers: reviewer.headers,
      payload: { into: into.id }
    })
    expect(res.statusCode, res.body).toBe(200)
  }
  const withdraw = async (report: Filed) => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/receipts/${report.receipt}/withdraw`,
      payload: { confirm: true }
    })
    expect(res.statusCode, res.body).toBe(200)
  }

  /** The review tables as they stand: counted reports (coded, not merged) with their coding of record. */
  const countedNow = async (): Promise<Row[]> =>
    t.app.db.prisma.$queryRaw<Row[]>`
      SELECT r.id::text, r.region, to_char(r.occurred_month, 'YYYY-MM') AS month, r.event_class::text AS "eventClass",
             c.detection, c.setting, array_agg(x.code ORDER BY x.code) AS codes
      FROM report r
      CROSS JOIN LATERAL (SELECT * FROM coding c WHERE c.report_id = r.id ORDER BY c.coded_at, c.id LIMIT 1) c
      JOIN coding_code x ON x.coding_id = c.id
      WHERE r.merged_into_id IS NULL
      GROUP BY r.id, r.region, r.occurred_month, r.event_class, c.detection, c.setting`

  /** What publishing `quarter` should count: every counted report up to its end that no publication has counted. */
  const expected = (rows: Row[], quarter: string) => {
    const [year, q] = quarter.split('-Q').map(Number) as [number, number]
    const first = `${year}-${String(q * 3 - 2).padStart(2, '0')}`
    const last = `${year}-${String(q * 3).padStart(2, '0')}`
    const taken = rows.filter((row) => row.month <= last && !counted.has(row.id))
    const counts = new Map<string, CutCount>()
    const add = (row: Row, cut: string, value: string) => {
      const entry = { region: row.region, onTime: row.month >= first, cut, value, n: 0 }
      const found = counts.get(key(entry)) ?? entry
      found.n += 1
      counts.set(key(entry), found)
    }
    for (const row of taken) {
      add(row, 'reports', '')
      add(row, 'event_class', row.eventClass)
      add(row, 'detection', row.detection)
      add(row, 'setting', row.setting)
      // Once per report and category: TC.HO.02 is in group TC.HO of domain TC.
      for (const group of new Set(row.codes.map((leaf) => leaf.split('.').slice(0, 2).join('.')))) add(row, 'group', group)
      for (const domain of new Set(row.codes.map((leaf) => leaf.split('.')[0] ?? ''))) add(row, 'domain', domain)
    }
    return { taken, counts: [...counts.values()] }
  }

  /** Compares what the repository counts now with the recount, then publishes (clock `date`) and remembers it. */
  const publishAndCheck = async (quarter: string, date: string) => {
    const repository = createPublicationRepository(t.app.db.prisma)
    const want = expected(await countedNow(), quarter)
    const got = await repository.exclusive(async (tx) =>
      repository.counts(tx, scopeOf(quarter, await repository.latest(tx)))
    )
    // The repository may give one key in several rows (recent and late reports are counted apart): summed.
    const summed = (rows: CutCount[]) => {
      const sums = new Map<string, CutCount>()
      for (const row of rows) {
        const found = sums.get(key(row))
        sums.set(key(row), { ...row, n: (found?.n ?? 0) + Number(row.n) })
      }
      return [...sums.values()].sort((x, y) => key(x).localeCompare(key(y)))
    }
    expect(summed(got)).toEqual(summed(want.counts))

    const outcome = await summariesAt(t.app, t.config, date).publish(quarter)
    expect(outcome).toMatchObject({ outcome: 'published', reports: want.taken.length })
    for (const row of want.taken) counted.add(row.id)
    return want.taken.map((row) => row.id)
  }

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_INTAKE_PER_10MIN: '1000', PUBLISH_CHECK_MINUTES: '0' } })
    reviewer = await signedInUser(t.app, { email: 'recount.coder@example.org', recoveryKey: t.recoveryKey })
  }, 120_000)
  afterAll(() => t?.close())

  it('across three publications, a skipped quarter, late reports, merges, withdrawals and re-coding', async () => {
    // Before the first publication (2026-Q1).
    const a = [] as Filed[]
    for (let i = 0; i < 5; i++) {
      a.push(await file('2026-02', i < 3 ? 'north-east' : 'london', { eventClass: i % 2 ? 'incident' : 'near_miss' }))
      await code(a[i] as Filed, i % 2 ? ['TC.HO.02', 'TC.HO.01', 'PA.SL.01'] : ['OR.RE.01'], {
        learningPoint: i === 0 ? 'Read the handover note back before the call ends.' : ''
      })
    }
    const [a1, a2, a3] = a as [Filed, Filed, Filed]
    const earlier = await file('2025-11') // a quarter never published: late in the first publication
    await code(earlier, ['TE.IT.01'])
    const later = await file('2026-05') // after the quarter: not taken until its own
    await code(later, ['TE.IT.01', 'TC.HO.02'])
    const duplicate = await file('2026-01')
    await code(duplicate, ['PA.SL.01'])
    await merge(duplicate, a1) // not counted while merged
    const uncoded = await file('2026-03')

    const first = await publishAndCheck('2026-Q1', '2026-04-20')
    expect(new Set(first)).toEqual(new Set([...a.map((r) => r.id), earlier.id]))

    // Between the first and the second publication (2026-Q2 is skipped: its reports count as late in Q3's).
    await code(uncoded, ['OR.RE.01']) // about Q1, coded after it was published: late
    await withdraw(a1) // stays counted (published already); frees its duplicate, which was never counted: late
    await code(a2, ['OR.RE.02']) // coded again: still published, not taken twice
    const april = await file('2026-04', 'london')
    await code(april, ['TC.HO.02'])
    const august = await file('2026-08')
    await code(august, ['TC.HO.02', 'PA.SL.01'])
    const gone = await file('2026-02')
    await code(gone, ['TE.IT.01'])
    await merge(gone, august) // coded and merged between publications: never counted

    const second = await publishAndCheck('2026-Q3', '2026-10-20')
    expect(new Set(second)).toEqual(new Set([uncoded.id, duplicate.id, april.id, later.id, august.id]))

    // Between the second and the third: a published report merged, then freed again; one late, one on time.
    await merge(a3, august)
    await withdraw(august) // frees a3 (published in Q1: never counted again) and `gone` (never counted: late now)
    const september = await file('2026-09', 'london')
    await code(september, ['OR.RE.01'])
    const october = await file('2026-10')
    await code(october, ['TE.IT.01'])

    const third = await publishAndCheck('2026-Q4', '2027-01-20')
    expect(new Set(third)).toEqual(new Set([gone.id, september.id, october.id]))
    // Nothing a publication counted lost its number: each counted report is in exactly one publication.
    const epochs = await t.app.db.prisma.report.findMany({
      where: { id: { in: [...counted] } },
      select: { analysisEpoch: true }
    })
    expect(epochs.every((row) => row.analysisEpoch !== null && row.analysisEpoch <= 3)).toBe(true)
  })

  it('counts each report once when it is coded while a publication runs', async () => {
    const reports: Filed[] = []
    for (let i = 0; i < 24; i++) reports.push(await file('2026-11', i % 2 ? 'east' : 'north-east'))
    const service = (date: string) => summariesAt(t.app, t.config, date)
    // Codings race the publication: each lands wholly before it (late in it) or after it (late in the next).
    const [outcome] = await Promise.all([
      service('2027-04-20').publish('2027-Q1'),
      ...reports.map((report) => code(report, ['TC.HO.02']))
    ])
    const next = await service('2027-07-20').publish('2027-Q2')

    expect(outcome).toMatchObject({ outcome: 'published' })
    expect(next).toMatchObject({ outcome: 'published' })
    const taken = (outcome as { reports: number }).reports + (next as { reports: number }).reports
    expect(taken).toBe(reports.length)
  })

  it('waits for a coding in flight, so that the report it codes is counted, not taken as published', async () => {
    const report = await file('2026-12')
    const user = await t.app.db.prisma.user.findFirstOrThrow({ select: { id: true } })
    let release = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    let entered = () => {}
    const inside = new Promise<void>((resolve) => {
      entered = resolve
    })
    // A coding whose transaction has refreshed the analysis record and not yet committed.
    const saving = createCodingsRepository(t.app.db.prisma).save(
      {
        id: randomUUID(),
        reportId: report.id,
        coderId: user.id,
        taxonomyVersion: 1,
        eventType: 'information_misdirected',
        reachAndHarm: 'near_miss',
        detection: 'colleague',
        setting: 'child_protection',
        handover: false,
        codedAt: new Date(),
        codes: [{ code: 'TC.HO.02', role: 'contributing' }]
      },
      async () => {
        entered()
        await gate
      }
    )
    await inside
    const publishing = summariesAt(t.app, t.config, '2027-10-20').publish('2027-Q3')
    let settled = false
    publishing.then(
      () => {
        settled = true
      },
      () => {
        settled = true
      }
    )
    await new Promise((resolve) => setTimeout(resolve, 500))

    expect(settled).toBe(false)
    release()
    expect(await saving).toEqual({ outcome: 'created' })
    expect(await publishing).toMatchObject({ outcome: 'published', reports: 1 })
  })
})
