import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postReport, reportBody } from '../helpers/reports.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { cookieOf, createUser, login } from '../helpers/users.js'

type Signed = { cookie: string; csrf: string }

describe('reviewers: queue, unsealed reads, status', () => {
  let t: TestApp
  let reviewer: Signed
  let lead: Signed
  let admin: Signed
  const ids: string[] = []
  const redacted: string[] = []

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_LOGIN_PER_MIN: '1000', RATE_LIMIT_INTAKE_PER_10MIN: '1000' } })
    const signIn = async (email: string, role: 'reviewer' | 'lead' | 'admin', canUnseal: boolean) => {
      const user = await createUser(t.app, { email, role, recoveryKey: canUnseal ? t.recoveryKey : undefined })
      const res = await login(t.app, user)
      return { cookie: cookieOf(res), csrf: res.json().csrfToken as string }
    }
    reviewer = await signIn('rita@example.org', 'reviewer', true)
    lead = await signIn('len@example.org', 'lead', false)
    admin = await signIn('ada@example.org', 'admin', true)
    for (const [i, body] of [
      reportBody({ eventClass: 'near_miss', region: 'london', occurredMonth: '2026-01', narrative: 'Mrs Okafor rang the wrong team about the strategy meeting on Monday.' }),
      reportBody({ eventClass: 'incident', region: 'london', occurredMonth: '2026-02', narrative: 'The ICPC minutes went to the father at his old address by mistake.' }),
      reportBody({ eventClass: 'near_miss', region: 'north-east', occurredMonth: '2026-02', narrative: 'A handover note left out the non-molestation order entirely.' })
    ].entries()) {
      const res = await postReport(t.app, body)
      expect(res.statusCode, String(i)).toBe(201)
      redacted.push(res.json().redacted)
    }
    const rows = await t.app.db.prisma.report.findMany({ select: { id: true, eventClass: true, occurredMonth: true } })
    const byMonth = rows.sort(
      (a, b) => a.occurredMonth.getTime() - b.occurredMonth.getTime() || a.eventClass.localeCompare(b.eventClass)
    )
    ids.push(...byMonth.map((row) => row.id))
  })
  afterAll(() => t.close())

  const get = (url: string, who?: Signed) => t.app.inject({ method: 'GET', url, headers: who ? { cookie: who.cookie } : {} })
  const patch = (id: string, status: string, who: Signed, csrf = who.csrf) =>
    t.app.inject({
      method: 'PATCH',
      url: `/api/v1/reports/${id}`,
      headers: { cookie: who.cookie, 'x-csrf-token': csrf },
      payload: { status }
    })

  it('lists the queue without narratives, filtered and paginated', async () => {
    const all = await get('/api/v1/reports', reviewer)
    const london = await get('/api/v1/reports?region=london&eventClass=incident', reviewer)
    const february = await get('/api/v1/reports?month=2026-02&pageSize=1&page=2', lead)

    expect(all.statusCode).toBe(200)
    expect(all.json().total).toBe(3)
    expect(all.body).not.toContain('narrative')
    expect(all.body).not.toContain('Okafor')
    expect(london.json().items).toHaveLength(1)
    expect(london.json().items[0]).toMatchObject({ region: 'london', eventClass: 'incident', occurredMonth: '2026-02', status: 'new' })
    expect(february.json()).toMatchObject({ total: 2, page: 2, pageSize: 1, items: [expect.any(Object)] })
  })

  it('refuses bad filters with 400, strangers with 401 and admins with 403', async () => {
    expect((await get('/api/v1/reports?status=lost', reviewer)).statusCode).toBe(400)
    expect((await get('/api/v1/reports?pageSize=1000', reviewer)).statusCode).toBe(400)
    expect((await get('/api/v1/reports')).statusCode).toBe(401)
    expect((await get('/api/v1/reports', admin)).statusCode).toBe(403)
  })

  // Issue 14.5: reading used to move a new report to in_review as a side effect; starting a review is explicit.
  it('unseals a narrative for a reviewer who can and audits the read, leaving its status alone', async () => {
    const id = ids[0] as string
    const res = await get(`/api/v1/reports/${id}`, reviewer)

    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ id, status: 'new', narrative: redacted[0], unreadAnswers: false })
    expect((await t.app.db.prisma.report.findUniqueOrThrow({ where: { id } })).status).toBe('new')
    const events = await t.app.db.prisma.auditEvent.findMany({ where: { reportId: id } })
    expect(events).toEqual([expect.objectContaining({ action: 'report.read', reportId: id })])
    expect(JSON.stringify(events)).not.toContain('strategy meeting')
    const logged = t.logs.records().filter((entry) => entry.event === 'report-unsealed')
    expect(logged).toEqual([expect.objectContaining({ report: id, user: expect.any(String) })])
    expect(JSON.stringify(logged)).not.toContain('strategy meeting')
  })

  it('refuses to unseal for a session without the team key, and answers unknown and malformed ids', async () => {
    expect((await get(`/api/v1/reports/${ids[1]}`, lead)).statusCode).toBe(403)
    expect((await get('/api/v1/reports/00000000-0000-4000-8000-000000000000', reviewer)).statusCode).toBe(404)
    expect((await get('/api/v1/reports/not-an-id', reviewer)).statusCode).toBe(400)
  })

  it('moves a report through review and closing, refusing impossible moves and requests without CSRF', async () => {
    const id = ids[0] as string

    expect((await patch(id, 'closed', reviewer)).statusCode).toBe(409)
    const started = await patch(id, 'in_review', reviewer)
    expect(started.statusCode).toBe(200)
    expect(started.json().status).toBe('in_review')
    expect((await patch(id, 'closed', reviewer, 'wrong')).statusCode).toBe(403)
    const closed = await patch(id, 'closed', reviewer)
    expect(closed.statusCode).toBe(200)
    expect(closed.json().status).toBe('closed')
    const again = await patch(id, 'closed', reviewer)
    expect(again.statusCode).toBe(409)
    const reopened = await patch(id, 'in_review', lead)
    expect(reopened.json().status).toBe('in_review')
    const actions = (await t.app.db.prisma.auditEvent.findMany({ where: { reportId: id }, orderBy: { at: 'asc' } })).map(
      (event) => event.action
    )
    expect(actions).toEqual(['report.read', 'report.status.in_review', 'report.status.closed', 'report.status.in_review'])
  })
})
