import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  LEARNING_POINTS_CSV_HEADER,
  SERVED_CSV_HEADER,
  TOP_THEMES_CSV_HEADER
} from '../../src/modules/summaries/served.js'
import { ZServedSummary } from '../../src/modules/summaries/reading.schemas.js'
import { createApiKey } from '../helpers/api-keys.js'
import { coding } from '../helpers/codings.js'
import { approvePoints } from '../helpers/learning-points.js'
import { postReport, reportBody } from '../helpers/reports.js'
import { summariesAt } from '../helpers/summaries.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { type SignedIn, signedInUser } from '../helpers/users.js'

/**
 * Regional summaries people can use (issue 14.4): every code with its label in JSON and CSV, every table reachable as
 * CSV with cut=, and a year of quarters in one pull for a time series, with clear 400s for ranges that make none.
 */

const POINT = '=HYPERLINK("x") Check the address, then "confirm" it by phone.'

describe('regional summaries: labels, cuts and series', () => {
  let t: TestApp
  let reviewer: SignedIn
  let key: string
  let londonKey: string
  const filed: string[] = []

  const fileCoded = async (overrides: Record<string, unknown>, codes: string[], learningPoint = '') => {
    expect((await postReport(t.app, reportBody(overrides))).statusCode).toBe(201)
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

  const get = (path: string, accept?: string, bearer = key) =>
    t.app.inject({
      method: 'GET',
      url: `/api/v1/summaries/${path}`,
      headers: { authorization: `Bearer ${bearer}`, ...(accept ? { accept } : {}) }
    })
  const lines = (body: string) => body.split('\r\n').slice(0, -1)

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_INTAKE_PER_10MIN: '1000', PUBLISH_CHECK_MINUTES: '0' } })
    reviewer = await signedInUser(t.app, { email: 'coder.series@example.org', recoveryKey: t.recoveryKey })
    key = await createApiKey(t.app, 'north-east', 'north-east analysts')
    londonKey = await createApiKey(t.app, 'london', 'london analysts')
    // 2026-Q2 and 2026-Q3 in the north east, 12 reports each.
    for (const months of [['2026-04', '2026-05', '2026-06'], ['2026-07', '2026-08', '2026-09']]) {
      for (let i = 0; i < 12; i++) {
        const point = months[0] === '2026-07' && i === 0 ? POINT : ''
        await fileCoded({ occurredMonth: months[i % 3] }, ['TC.HO.02'], point)
      }
    }
    const leads = [
      await signedInUser(t.app, { email: 'lead.series.one@example.org', role: 'lead', recoveryKey: t.recoveryKey }),
      await signedInUser(t.app, { email: 'lead.series.two@example.org', role: 'lead', recoveryKey: t.recoveryKey })
    ]
    const approved = await approvePoints(t.app, [filed[12] as string], { closer: reviewer, leads })
    expect(approved.map((res) => res.statusCode)).toEqual([200, 200])
    await summariesAt(t.app, t.config, '2026-07-20').publish('2026-Q2')
    await summariesAt(t.app, t.config, '2026-10-20').publish('2026-Q3')
  }, 180_000)
  afterAll(() => t?.close())

  it('labels every category of every table in JSON, by the taxonomy version the summary names', async () => {
    const res = await get('quarterly?quarter=2026-Q3&region=north-east')
    expect(res.statusCode, res.body).toBe(200)
    const summary = ZServedSummary.parse(res.json())
    const taxonomy = await t.app.taxonomy.get(summary.taxonomyVersion)
    const groupLabel = taxonomy?.document.domains.flatMap((d) => d.groups).find((g) => g.code === 'TC.HO')?.label
    expect(groupLabel).toBeTruthy()
    for (const table of summary.tables) {
      expect(table.labels, table.cut).toHaveLength(table.categories.length)
      expect(table.labels.every((label) => label.length > 0)).toBe(true)
    }
    const byCut = new Map(summary.tables.map((table) => [table.cut, table]))
    const group = byCut.get('group')!
    expect(group.labels[group.categories.indexOf('TC.HO')]).toBe(groupLabel)
    const setting = byCut.get('setting')!
    expect(setting.labels[setting.categories.indexOf('front_door')]).toBe('Front door, MASH or referrals')
    const eventClass = byCut.get('event_class')!
    expect(eventClass.labels[eventClass.categories.indexOf('near_miss')]).toBe('Near miss')
    expect(summary.actions?.labels).toHaveLength(summary.actions?.categories.length ?? -1)
    // Served byte for byte the same on every pull (R30), labels included.
    expect((await get('quarterly?quarter=2026-Q3&region=north-east')).body).toBe(res.body)
  })

  it('serves every count table with a label column in CSV, quoting labels that hold commas', async () => {
    const res = await get('quarterly?quarter=2026-Q3&region=north-east', 'text/csv')
    expect(res.statusCode).toBe(200)
    const all = lines(res.body)
    expect(all[0]).toBe(SERVED_CSV_HEADER)
    expect(all).toContain('2026-Q3,north-east,setting,on_time,front_door,"Front door, MASH or referrals",0')
    expect(all).toContain('2026-Q3,north-east,event_class,on_time,near_miss,Near miss,10')
    const domains = ((await get('quarterly?quarter=2026-Q3&region=north-east')).json().actions.categories as string[]).length
    expect(all.filter((line) => line.split(',')[2] === 'actions')).toHaveLength(5 * (domains + 1))
    expect((await get('quarterly?quarter=2026-Q3&region=north-east', 'text/csv')).body).toBe(res.body)
  })

  it('reaches each table as CSV with cut=: a count table, late rows, actions, top themes, learning points', async () => {
    const csv = async (cut: string) => {
      const res = await get(`quarterly?quarter=2026-Q3&region=north-east&cut=${cut}`, 'text/csv')
      expect(res.statusCode, res.body).toBe(200)
      return lines(res.body)
    }
    const group = await csv('group')
    expect(group.slice(1).every((line) => line.split(',')[2] === 'group')).toBe(true)
    const late = await csv('late')
    expect(late.length).toBeGreaterThan(1)
    expect(late.slice(1).every((line) => line.split(',')[3] === 'late')).toBe(true)
    const actions = await csv('actions')
    expect(actions[0]).toBe(SERVED_CSV_HEADER)
    expect(actions.slice(1).map((line) => line.split(',')[3])).toContain('in_progress')
    expect(actions).toHaveLength(1 + 5 * (1 + (new Set(actions.slice(1).map((line) => line.split(',')[4])).size - 1)))
    expect(actions.slice(1).filter((line) => line.split(',')[4] === 'total')).toHaveLength(5)

    const themes = await csv('top_themes')
    expect(themes[0]).toBe(TOP_THEMES_CSV_HEADER)
    const [quarter, region, rank, code, ...rest] = (themes[1] ?? '').split(',')
    expect([quarter, region, rank, code]).toEqual(['2026-Q3', 'north-east', '1', 'TC.HO'])
    expect(rest.join(',')).toMatch(/,10,[^,]*$/)

    const points = await csv('learning_points')
    expect(points[0]).toBe(LEARNING_POINTS_CSV_HEADER)
    // Quoted (it holds commas and quotes) and kept from running as a spreadsheet formula.
    expect(points.slice(1)).toEqual([`2026-Q3,north-east,"'${POINT.replace(/"/g, '""')}"`])
  })

  it("lets a regional key read the taxonomy, for the codes' definitions; a wrong key gets 401", async () => {
    const taxonomy = (bearer: string) =>
      t.app.inject({ method: 'GET', url: '/api/v1/taxonomy', headers: { authorization: `Bearer ${bearer}` } })
    const res = await taxonomy(key)
    expect(res.statusCode, res.body).toBe(200)
    const groups = (res.json().domains as { groups: { code: string; label: string }[] }[]).flatMap((d) => d.groups)
    const summary = (await get('quarterly?quarter=2026-Q3&region=north-east')).json()
    const group = summary.tables.find((table: { cut: string }) => table.cut === 'group')
    expect(group.labels[0]).toBe(groups.find((one) => one.code === group.categories[0])?.label)
    expect((await taxonomy('cnd_not-a-key')).statusCode).toBe(401)
  })

  it('answers 400 naming cut for a cut that does not exist', async () => {
    const res = await get('quarterly?quarter=2026-Q3&region=north-east&cut=themes', 'text/csv')
    expect(res.statusCode).toBe(400)
    expect(res.json().message).toMatch(/^querystring\.cut: /)
  })

  it('pulls a year of summaries at once, oldest first, in JSON and as one CSV', async () => {
    const res = await get('series?region=north-east&from=2026-Q1&to=2026-Q4')
    expect(res.statusCode, res.body).toBe(200)
    const body = res.json()
    expect(body).toMatchObject({ region: 'north-east', from: '2026-Q1', to: '2026-Q4', quarters: ['2026-Q2', '2026-Q3'] })
    expect(body.summaries.map((summary: { quarter: string }) => summary.quarter)).toEqual(['2026-Q2', '2026-Q3'])
    // Each as the quarterly route serves it.
    expect(JSON.stringify(body.summaries[1])).toBe((await get('quarterly?quarter=2026-Q3&region=north-east')).body)
    // Nothing identifying: no report id, no narrative or coding summary (both say "wrong address"), no month.
    for (const id of filed) expect(res.body).not.toContain(id)
    expect(res.body).not.toMatch(/wrong address|2026-0[4-9]/)

    const csv = lines((await get('series?region=north-east&from=2026-Q1&to=2026-Q4', 'text/csv')).body)
    expect(csv.filter((line) => line === SERVED_CSV_HEADER)).toHaveLength(1)
    expect(csv.join('\n')).not.toMatch(/wrong address|2026-0[4-9]/)
    expect(new Set(csv.slice(1).map((line) => line.split(',')[0]))).toEqual(new Set(['2026-Q2', '2026-Q3']))
    const themes = lines((await get('series?region=north-east&from=2026-Q2&to=2026-Q3&cut=top_themes', 'text/csv')).body)
    expect(themes.slice(1).map((line) => line.split(',').slice(0, 4).join(','))).toEqual([
      '2026-Q2,north-east,1,TC.HO',
      '2026-Q3,north-east,1,TC.HO'
    ])
    const none = await get('series?region=north-east&from=2025-Q1&to=2025-Q4')
    expect(none.json()).toMatchObject({ quarters: [], summaries: [] })
  })

  it('answers 400 naming the parameter for a range that makes no series, 403 for another region', async () => {
    const message = async (query: string) => {
      const res = await get(`series?${query}`)
      expect(res.statusCode, query).toBe(400)
      return res.json().message as string
    }
    expect(await message('region=north-east&from=2026-Q4&to=2026-Q1')).toMatch(/^to: 2026-Q1 comes before from/)
    expect(await message('region=north-east&from=2020-Q1&to=2026-Q4')).toMatch(/^to: a series spans at most 20 quarters/)
    expect(await message('region=north-east&from=2026-Q5&to=2026-Q4')).toMatch(/^querystring\.from: /)
    expect(await message('region=north-east&from=2026-Q1')).toMatch(/^querystring\.to: /)
    expect(await message('region=north-east&from=2026-Q1&to=2026-Q2&cut=nope')).toMatch(/^querystring\.cut: /)
    expect((await get('series?region=north-east&from=2026-Q1&to=2026-Q4', undefined, londonKey)).statusCode).toBe(403)
    // Exactly the bound is allowed.
    expect((await get('series?region=north-east&from=2022-Q1&to=2026-Q4')).statusCode).toBe(200)
  })
})
