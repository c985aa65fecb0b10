import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAdmin } from '../helpers/admin.js'
import { postReport, reportBody } from '../helpers/reports.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { type SignedIn, signedInUser } from '../helpers/users.js'

describe('actions: you said, we did', () => {
  let t: TestApp
  let lead: SignedIn
  let reviewer: SignedIn

  beforeAll(async () => {
    t = await createTestApp()
    lead = await signedInUser(t.app, { email: 'lead@candid.test', role: 'lead' })
    reviewer = await signedInUser(t.app, { email: 'reviewer@candid.test' })
  })
  afterAll(async () => {
    await t?.close()
  })

  const create = (who: SignedIn, body: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/api/v1/actions', headers: who.headers, payload: body })
  const move = (id: string, body: Record<string, unknown>) =>
    t.app.inject({ method: 'PATCH', url: `/api/v1/actions/${id}`, headers: lead.headers, payload: body })

  it('goes from proposed to done, and the linked reporter sees each step and what changed', async () => {
    const filed = await postReport(t.app, reportBody())
    const receipt = (filed.json() as { receipt: string }).receipt
    const reportId = (await t.app.db.prisma.report.findFirstOrThrow({ select: { id: true } })).id
    const onReceipt = async () =>
      ((await t.app.inject({ method: 'GET', url: `/api/v1/receipts/${receipt}` })).json() as { actions: Record<string, string>[] }).actions

    expect((await create(reviewer, { description: 'x', owner: 'Front door', dueOn: '2030-01-01', themes: ['PA'] })).statusCode)
      .toBe(403)
    const created = await create(lead, {
      description: 'Invites are addressed from the case record, checked by a second person.',
      owner: 'Front door team manager',
      dueOn: '2030-03-31',
      themes: ['TC.HO.02'],
      reportIds: [reportId]
    })
    expect(created.statusCode).toBe(201)
    const action = created.json() as { id: string; status: string; overdue: boolean }
    expect(action).toMatchObject({ status: 'proposed', overdue: false, reportIds: [reportId] })
    expect(await onReceipt()).toEqual([
      expect.objectContaining({ action: 'Invites are addressed from the case record, checked by a second person.', status: 'proposed' })
    ])

    // Not straight to done; done needs what changed; dropped needs a reason.
    expect((await move(action.id, { status: 'done', outcome: 'Changed.' })).statusCode).toBe(409)
    expect((await move(action.id, { status: 'agreed' })).statusCode).toBe(200)
    expect((await move(action.id, { status: 'in_progress' })).statusCode).toBe(200)
    expect((await onReceipt())[0]).toMatchObject({ status: 'in_progress', outcome: '' })
    expect((await move(action.id, { status: 'done' })).statusCode).toBe(400)
    expect((await move(action.id, { status: 'dropped' })).statusCode).toBe(400)
    const done = await move(action.id, { status: 'done', outcome: 'Mosaic now fills the address; Sarah Jones checks it.' })
    expect(done.statusCode).toBe(200)
    expect(done.json()).toMatchObject({ status: 'done', doneOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) })
    const seen = (await onReceipt())[0]
    expect(seen).toMatchObject({ status: 'done' })
    // What changed was redacted like every text: no name reaches the reporter or the database.
    expect(seen?.outcome).toContain('Mosaic now fills the address')
    expect(seen?.outcome).not.toContain('Sarah Jones')
    expect((await move(action.id, { status: 'dropped', reason: 'No longer needed.' })).statusCode).toBe(409)
  })

  it('refuses a person as owner, unknown themes and reports, and an action linked to nothing', async () => {
    const base = { description: 'Review the rota.', owner: 'Emergency duty team', dueOn: '2030-01-01', themes: ['PA'] }
    expect((await create(lead, base)).statusCode).toBe(201)
    expect((await create(lead, { ...base, owner: 'Mrs Jennifer Hartley' })).statusCode).toBe(400)
    expect((await create(lead, { ...base, themes: ['ZZ.1'] })).statusCode).toBe(400)
    expect((await create(lead, { ...base, themes: [] })).statusCode).toBe(400)
    expect((await create(lead, { ...base, reportIds: ['00000000-0000-4000-8000-000000000000'] })).statusCode).toBe(404)
  })

  it('lists overdue actions by the API and by npm run admin -- overdue-actions', async () => {
    const late = await create(lead, {
      description: 'Publish the MASH escalation guide.', owner: 'MASH practice lead', dueOn: '2020-01-31', themes: ['PA']
    })
    const lateId = (late.json() as { id: string }).id
    const dropped = await create(lead, { description: 'Old idea.', owner: 'MASH practice lead', dueOn: '2020-01-31', themes: ['PA'] })
    expect((await move((dropped.json() as { id: string }).id, { status: 'dropped', reason: 'Superseded.' })).statusCode).toBe(200)

    const listed = await t.app.inject({ method: 'GET', url: '/api/v1/actions?overdue=true', headers: lead.headers })
    expect(listed.statusCode).toBe(200)
    const overdue = (listed.json() as { actions: { id: string; overdue: boolean }[] }).actions
    expect(overdue.map((a) => a.id)).toEqual([lateId])
    expect(overdue[0]?.overdue).toBe(true)
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/actions?overdue=true', headers: reviewer.headers })).statusCode)
      .toBe(403)

    await t.stop()
    const cli = await runAdmin(['overdue-actions'], t.database.env)
    expect(cli.code, cli.stderr).toBe(0)
    expect(cli.stdout.trim().split('\n')).toEqual([
      `2020-01-31\tproposed\tMASH practice lead\t${lateId}\tPublish the MASH escalation guide.`
    ])
    await t.database.drop()
  })
})
