import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { roundToBase } from '../../src/lib/disclosure/index.js'
import { SERVED_CSV_HEADER } from '../../src/modules/summaries/served.js'
import { ZServedSummary } from '../../src/modules/summaries/reading.schemas.js'
import { createApiKey } from '../helpers/api-keys.js'
import { coding } from '../helpers/codings.js'
import { approvePoints } from '../helpers/learning-points.js'
import { postReport, reportBody } from '../helpers/reports.js'
import { summariesAt } from '../helpers/summaries.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { type SignedIn, signedInUser } from '../helpers/users.js'

/**
 * Quarterly summaries for regional groups (R25–R30): published into frozen snapshots, served byte for byte, only to
 * a key's own regions, disclosure-controlled, late reports counted once in the next publication.
 */

const CANARY = 'Zebedee'

describe('quarterly learning summaries', () => {
  let t: TestApp
  let reviewer: SignedIn
  let northEastKey: string
  const filed: string[] = []

  /** Files and codes a report; returns its id. */
  const fileCoded = async (overrides: Record<string, unknown>, codes: string[], learningPoint = '') => {
    const res = await postReport(t.app, reportBody(overrides))
    expect(res.statusCode).toBe(201)
    const row = await t.app.db.prisma.report.findFirstOrThrow({ where: { id: { notIn: filed } }, select: { id: true } })
    filed.push(row.id)
    const coded = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${row.id}/codings`,
      headers: reviewer.headers,
      payload: coding({ codes: codes.map((code) => ({ code, role: 'contributing' })), learningPoint })
    })
    expect(coded.statusCode, coded.body).toBe(201)
    return row.id
  }

  const pull = (query: string, key = northEastKey, accept?: string) =>
    t.app.inject({
      method: 'GET',
      url: `/api/v1/summaries/quarterly?${query}`,
      headers: { authorization: `Bearer ${key}`, ...(accept ? { accept } : {}) }
    })

  /** A summaries service whose clock says `date`, for quarters the real clock cannot publish yet. */
  const serviceAt = (date: string) => summariesAt(t.app, t.config, date)

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_INTAKE_PER_10MIN: '1000', PUBLISH_CHECK_MINUTES: '0' } })
    reviewer = await signedInUser(t.app, { email: 'coder.summaries@example.org', recoveryKey: t.recoveryKey })
    northEastKey = await createApiKey(t.app, 'north-east', 'north-east group')

    // North east, 2026-Q3: 23 reports; 13 with handover codes; learning points from consenting reporters only.
    for (let i = 0; i < 23; i++) {
      const month = ['2026-07', '2026-08', '2026-09'][i % 3]
      const codes = i < 13 ? ['TC.HO.02', ...(i < 11 ? ['PA.SL.01'] : [])] : ['OR.RE.01']
      const point = i === 0 ? 'Check the address on file before sending minutes.' : i === 1 ? `Point from ${CANARY}` : ''
      await fileCoded({ occurredMonth: month, region: 'north-east', consentToPublish: i !== 1 }, codes, point)
    }
    // Two reports about 2026-Q2 (never published): late in the 2026-Q3 publication.
    for (let i = 0; i < 2; i++) await fileCoded({ occurredMonth: '2026-05', region: 'north-east' }, ['TE.IT.01'])
    // London, 2026-Q3: 4 reports, too few for any table.
    for (let i = 0; i < 4; i++) await fileCoded({ occurredMonth: '2026-08', region: 'london' }, ['TC.HO.02'])
    // Not coded: not counted until it is.
    expect((await postReport(t.app, reportBody({ occurredMonth: '2026-08', region: 'north-east' }))).statusCode).toBe(201)
    const uncoded = await t.app.db.prisma.report.findFirstOrThrow({
      where: { id: { notIn: filed } },
      select: { id: true }
    })
    filed.push(uncoded.id)
    // Two leads approve the learning points for publication (issue 18.1: two people, not the coder).
    const leads = [
      await signedInUser(t.app, { email: 'lead.one@example.org', role: 'lead', recoveryKey: t.recoveryKey }),
      await signedInUser(t.app, { email: 'lead.two@example.org', role: 'lead', recoveryKey: t.recoveryKey })
    ]
    const approved = await approvePoints(t.app, filed.slice(0, 2), { closer: reviewer, leads })
    // The non-consenting reporter's point is no one's to approve (404): only the consented one is offered.
    expect(approved.map((res) => res.statusCode)).toEqual([200, 404, 200, 404])
  }, 180_000)
  afterAll(() => t?.close())

  it('serves nothing for a quarter that is not published, and refuses to publish one not closed 14 days', async () => {
    const now = new Date()
    const current = `${now.getUTCFullYear()}-Q${Math.floor(now.getUTCMonth() / 3) + 1}`
    expect((await pull(`quarter=${current}&region=north-east`)).statusCode).toBe(404)
    expect((await pull('quarter=2026-Q3&region=north-east')).statusCode).toBe(404)
    await expect(t.app.summaries.publish(current)).rejects.toMatchObject({ code: 'CONFLICT' })
    await expect(serviceAt('2026-10-13').publish('2026-Q3')).rejects.toMatchObject({ code: 'CONFLICT' })
  })

  it('publishes a closed quarter once, into snapshots that every pull returns byte for byte', async () => {
    const outcome = await serviceAt('2026-10-14').publish('2026-Q3')
    // 23 + 2 late in the north east, 4 in London; the uncoded report is not taken.
    expect(outcome).toEqual({ outcome: 'published', quarter: '2026-Q3', regions: t.config.regions.length, reports: 29 })
    expect(await serviceAt('2026-10-20').publish('2026-Q3')).toEqual({ outcome: 'already', quarter: '2026-Q3' })

    const first = await pull('quarter=2026-Q3&region=north-east')
    expect(first.statusCode, first.body).toBe(200)
    expect(first.headers['content-type']).toContain('application/json')
    // A report about Q3 arriving after publication does not change it.
    await fileCoded({ occurredMonth: '2026-09', region: 'north-east' }, ['TC.HO.02'])
    const again = await pull('quarter=2026-Q3&region=north-east')
    expect(again.rawPayload.equals(first.rawPayload)).toBe(true)
  })

  it('publishes only the documented shape: disclosure-controlled counts, no ids, dates or narrative', async () => {
    const res = await pull('quarter=2026-Q3&region=north-east')
    const body = res.json()
    expect(ZServedSummary.parse(body)).toEqual(body)
    expect(body).toMatchObject({ quarter: '2026-Q3', region: 'north-east', status: 'published', taxonomyVersion: 1 })
    // True counts: 23 on time, 2 late → published 25 and <10 (tabled apart, never added together).
    expect(body.reports).toEqual({ onTime: roundToBase(23, 5), late: '[c]' })
    expect(body.disclosure).toMatchObject({ suppressedBelow: 10, roundedTo: 5, marker: '[c]' })
    // R29 per row: the 2 late reports are too few for a row, so every late value, zeros and totals too, is the
    // marker; shown as 0 beside one '[c]' they would give the two reports' coded profile away.
    for (const table of body.tables as { cut: string; rows: { row: string; values: unknown[]; total: unknown }[] }[]) {
      const lateRow = table.rows.find((row) => row.row === 'late')
      expect(new Set([...(lateRow?.values ?? []), lateRow?.total]), table.cut).toEqual(new Set(['[c]']))
    }
    const values = body.tables.flatMap((table: { rows: { values: unknown[]; total: unknown }[] }) =>
      table.rows.flatMap((row) => [...row.values, row.total])
    )
    for (const value of values) {
      if (value !== '[c]') {
        expect(value).toEqual(expect.any(Number))
        expect((value as number) % 5, String(value)).toBe(0)
      }
    }
    expect(body.tables.map((table: { cut: string }) => table.cut)).toEqual([
      'event_class',
      'detection',
      'setting',
      'domain',
      'group'
    ])
    const groups = body.tables.find((table: { cut: string }) => table.cut === 'group')
    const onTime = groups.rows.find((row: { row: string }) => row.row === 'on_time')
    expect(onTime.values[groups.categories.indexOf('TC.HO')]).toBe(roundToBase(13, 5))
    expect(onTime.values[groups.categories.indexOf('PA.SL')]).toBe(roundToBase(11, 5))
    const late = groups.rows.find((row: { row: string }) => row.row === 'late')
    expect(late.values[groups.categories.indexOf('TE.IT')]).toBe('[c]')
    expect(late.values[groups.categories.indexOf('TC.HO')]).toBe('[c]')
    // Top themes from the published table; shares only over 23+ reports, as published count / published total.
    expect(body.topThemes.map((theme: { code: string }) => theme.code)).toEqual(['TC.HO', 'OR.RE', 'PA.SL'])
    expect(body.topThemes[0]).toMatchObject({ code: 'TC.HO', count: 15, share: 15 / 25 })
    // Only the consenting reporter's learning point; the other reporter did not consent.
    expect(body.learningPoints).toEqual(['Check the address on file before sending minutes.'])
    const text = res.body
    expect(text).not.toContain(CANARY)
    for (const id of filed) expect(text).not.toContain(id)
    // No month or day: the quarter is the finest date published (R25).
    expect(text).not.toMatch(/\d{4}-\d{2}/)
  })

  it('withholds every table for a region with fewer than 10 reports, and keeps keys to their regions', async () => {
    const london = await createApiKey(t.app, 'london', 'london group')
    const res = await pull('quarter=2026-Q3&region=london', london)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ status: 'withheld', reports: null, tables: [], topThemes: [], learningPoints: [] })
    expect((await pull('quarter=2026-Q3&region=london')).statusCode).toBe(403)
    expect((await pull('quarter=2026-Q3&region=north-east', london)).statusCode).toBe(403)
    expect((await pull('quarter=2026-Q3&region=north-east', 'cnd_not-a-key')).statusCode).toBe(401)
  })

  it('serves CSV as one tidy table, all cuts or one, the same bytes every time', async () => {
    const csv = await pull('quarter=2026-Q3&region=north-east', northEastKey, 'text/csv')
    expect(csv.statusCode).toBe(200)
    expect(csv.headers['content-type']).toContain('text/csv')
    const lines = csv.body.trimEnd().split('\r\n')
    expect(lines[0]).toBe(SERVED_CSV_HEADER)
    expect(lines).toContainEqual(expect.stringMatching(/^2026-Q3,north-east,group,on_time,TC\.HO,[^,]+,15$/))
    expect(lines).toContain('2026-Q3,north-east,event_class,late,total,Total,[c]')
    const counts = lines.filter((line) => line.split(',')[2] !== 'actions')
    for (const line of counts.slice(1)) expect(line.replace(/"[^"]*"/g, 'label').split(',')).toHaveLength(7)
    const lateLines = counts.filter((line) => line.split(',')[3] === 'late')
    expect(lateLines.length).toBeGreaterThan(5)
    expect(lateLines.filter((line) => !line.endsWith(',[c]'))).toEqual([])
    const again = await pull('quarter=2026-Q3&region=north-east', northEastKey, 'text/csv')
    expect(again.body).toBe(csv.body)
    const domain = await pull('quarter=2026-Q3&region=north-east&cut=domain', northEastKey, 'text/csv')
    const domainLines = domain.body.trimEnd().split('\r\n')
    expect(domainLines.slice(1).every((line) => line.split(',')[2] === 'domain')).toBe(true)
    expect(domainLines.length).toBe(1 + 2 * 8)
    expect((await pull('quarter=2026-Q3&region=north-east', northEastKey, 'application/xml')).statusCode).toBe(406)
  })

  it('negotiates the format by q-values and wildcards; 406 when neither JSON nor CSV is acceptable', async () => {
    const formatOf = async (accept: string) => {
      const res = await pull('quarter=2026-Q3&region=north-east', northEastKey, accept)
      return res.statusCode === 200 ? String(res.headers['content-type']).split(';')[0] : res.statusCode
    }
    const cases: [string, string | number][] = [
      ['text/csv;q=0, application/json', 'application/json'],
      ['text/csv;q=0.5, application/json;q=0.9', 'application/json'],
      ['application/json;q=0.2, text/csv;q=0.8', 'text/csv'],
      ['application/json;q=0, */*', 'text/csv'],
      ['text/csv;q=0, */*', 'application/json'],
      ['text/*', 'text/csv'],
      ['text/csv; charset=utf-8', 'text/csv'],
      ['*/*', 'application/json'],
      ['application/*', 'application/json'],
      ['*/*;q=0', 406],
      ['text/csv;q=0, application/json;q=0', 406],
      ['text/html, application/xml;q=0.9', 406]
    ]
    for (const [accept, expected] of cases) expect(await formatOf(accept), accept).toBe(expected)
  })

  it('counts late reports once, in the next publication, and publishes quarters only in order', async () => {
    await expect(serviceAt('2027-02-01').publish('2026-Q2')).rejects.toMatchObject({ code: 'CONFLICT' })
    // A published report coded again (not the first two: closed for their learning points) is re-derived for
    // analysis, and stays published: not taken twice.
    const recoded = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${filed[2]}/codings`,
      headers: reviewer.headers,
      payload: coding({ codes: [{ code: 'OR.RE.01', role: 'contributing' }] })
    })
    expect(recoded.statusCode).toBe(200)
    const outcome = await serviceAt('2027-02-01').publish('2026-Q4')
    // Only the Q3 report that arrived after the Q3 publication: everything else is published already.
    expect(outcome).toMatchObject({ outcome: 'published', quarter: '2026-Q4', reports: 1 })
    // Publication numbers: 29 reports first countable for the first publication (2026-Q3), the late one for the
    // second, and the report never coded for none.
    const epochs = await t.app.db.prisma.report.groupBy({ by: ['analysisEpoch'], _count: true })
    expect(Object.fromEntries(epochs.map((m) => [m.analysisEpoch ?? 'none', m._count]))).toEqual({
      1: 29,
      2: 1,
      none: 1
    })
    const q4 = (await pull('quarter=2026-Q4&region=north-east')).json()
    expect(q4.status).toBe('withheld')
  })

  it('publishes the quarter due automatically, and nothing when it is done', async () => {
    const service = serviceAt('2027-04-20')
    expect(await service.publishDue()).toMatchObject({ outcome: 'published', quarter: '2027-Q1' })
    expect(await service.publishDue()).toBeNull()
  })

  it("lists a key's region's published quarters, oldest first, and no other region's (issue 14.4)", async () => {
    const list = (query: string, key = northEastKey) =>
      t.app.inject({ method: 'GET', url: `/api/v1/summaries?${query}`, headers: { authorization: `Bearer ${key}` } })
    const res = await list('region=north-east')
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toEqual({ region: 'north-east', quarters: ['2026-Q3', '2026-Q4', '2027-Q1'] })
    expect((await list('region=london')).statusCode).toBe(403)
    expect((await list('')).statusCode).toBe(400)
  })
})
