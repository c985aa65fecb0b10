import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildActionsTable } from '../../src/modules/summaries/actions-table.js'
import { createApiKey } from '../helpers/api-keys.js'
import { coding } from '../helpers/codings.js'
import { postReport, reportBody } from '../helpers/reports.js'
import { summariesAt } from '../helpers/summaries.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { type SignedIn, signedInUser } from '../helpers/users.js'

const OPTIONS = { threshold: 10, base: 5, mark: '[c]' as const }

describe('the summary table of actions by theme and status', () => {
  it('hides a table of fewer actions than the threshold, and counts 1-9 in a larger one', () => {
    const few = buildActionsTable([{ region: null, domain: 'PA', status: 'done', n: 3 }], 'london', ['PA', 'TC'], OPTIONS)
    expect(few.rows.flatMap((row) => [...row.values, row.total]).every((value) => value === '[c]')).toBe(true)

    const more = buildActionsTable(
      [
        { region: null, domain: 'PA', status: 'done', n: 20 },
        { region: 'london', domain: 'TC', status: 'agreed', n: 12 },
        { region: 'london', domain: 'TC', status: 'proposed', n: 4 },
        // Another region's actions are not this region's.
        { region: 'north-east', domain: 'PA', status: 'dropped', n: 50 }
      ],
      'london',
      ['PA', 'TC'],
      OPTIONS
    )
    const row = (status: string) => more.rows.find((entry) => entry.row === status)
    expect(row('done')?.values[0]).toBe(20)
    expect(row('proposed')?.values[1]).toBe('[c]')
    expect(row('dropped')?.values).toEqual([0, 0])
    // No published value is a count from 1 to 9.
    for (const value of more.rows.flatMap((entry) => [...entry.values, entry.total])) {
      expect(typeof value === 'number' ? value === 0 || value >= 10 : value === '[c]').toBe(true)
    }
  })
})

describe('actions in the quarterly summary', () => {
  let t: TestApp
  let reviewer: SignedIn

  beforeAll(async () => {
    t = await createTestApp()
    reviewer = await signedInUser(t.app, { email: 'reviewer@candid.test' })
  })
  afterAll(async () => {
    await t?.close()
  })

  it("shows actions taken to done in the next quarter's published summary", async () => {
    // Enough reports in the region for it to publish tables at all.
    for (let i = 0; i < 10; i++) {
      expect((await postReport(t.app, reportBody())).statusCode).toBe(201)
    }
    for (const { id } of await t.app.db.prisma.report.findMany({ select: { id: true } })) {
      const coded = await t.app.inject({
        method: 'POST', url: `/api/v1/reports/${id}/codings`, headers: reviewer.headers, payload: coding()
      })
      expect(coded.statusCode).toBe(201)
    }
    for (let i = 0; i < 15; i++) {
      const action = await t.app.actions.create(
        { description: `Change number ${i}.`, owner: 'Front door team', dueOn: '2030-01-31', themes: ['PA.SL.01'], reportIds: [] },
        randomUUID()
      )
      await t.app.actions.update(action.id, { status: 'agreed' })
      await t.app.actions.update(action.id, { status: 'done', outcome: 'Done as agreed.' })
    }
    const today = new Date()
    const quarter = `${today.getUTCFullYear()}-Q${Math.floor(today.getUTCMonth() / 3) + 1}`
    const nextQuarterStart = new Date(Date.UTC(today.getUTCFullYear(), Math.floor(today.getUTCMonth() / 3) * 3 + 3, 20))
    const publishOn = nextQuarterStart.toISOString().slice(0, 10)
    expect(await summariesAt(t.app, t.config, publishOn).publish(quarter)).toMatchObject({ outcome: 'published' })

    const key = await createApiKey(t.app, 'north-east')
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/summaries/quarterly?quarter=${quarter}&region=north-east`,
      headers: { authorization: `Bearer ${key}` }
    })
    expect(res.statusCode).toBe(200)
    type Published = { actions: { categories: string[]; rows: { row: string; values: unknown[]; total: unknown }[] } }
    const actions = (res.json() as Published).actions
    const pa = actions.categories.indexOf('PA')
    expect(pa).toBeGreaterThanOrEqual(0)
    expect(actions.rows.find((row) => row.row === 'done')?.values[pa]).toBe(15)
    expect(actions.rows.find((row) => row.row === 'proposed')?.total).toBe(0)

    // The same table in the CSV, whole or as its own cut (issue 13 item 2).
    for (const url of ['', '&cut=actions']) {
      const csv = await t.app.inject({
        method: 'GET',
        url: `/api/v1/summaries/quarterly?quarter=${quarter}&region=north-east${url}`,
        headers: { authorization: `Bearer ${key}`, accept: 'text/csv' }
      })
      expect(csv.statusCode).toBe(200)
      // Each category with its label after it (issue 14.4), as in every table of the CSV.
      expect(csv.body.split('\r\n')).toContain(`${quarter},north-east,actions,done,PA,Practitioner actions,15`)
      expect(csv.body.split('\r\n')).toContain(`${quarter},north-east,actions,proposed,total,Total,0`)
      if (url) expect(csv.body).not.toContain(',event_class,')
    }
  })
})
