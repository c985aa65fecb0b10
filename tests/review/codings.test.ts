import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { coding } from '../helpers/codings.js'
import { postReport, reportBody } from '../helpers/reports.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { type SignedIn, signedInUser } from '../helpers/users.js'

describe('coding reports', () => {
  let t: TestApp
  let rita: SignedIn
  let ravi: SignedIn
  let lena: SignedIn
  let reportId: string

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_INTAKE_PER_10MIN: '1000' } })
    const make = (email: string, role: 'reviewer' | 'lead') =>
      signedInUser(t.app, { email, role, recoveryKey: t.recoveryKey })
    rita = await make('rita@example.org', 'reviewer')
    ravi = await make('ravi@example.org', 'reviewer')
    lena = await make('lena@example.org', 'lead')
    expect((await postReport(t.app)).statusCode).toBe(201)
    reportId = (await t.app.db.prisma.report.findFirstOrThrow({ select: { id: true } })).id
  })
  afterAll(() => t.close())

  const code = (who: SignedIn, body: unknown, id = reportId) =>
    t.app.inject({ method: 'POST', url: `/api/v1/reports/${id}/codings`, headers: who.headers, payload: body as object })
  const read = (who: SignedIn, id = reportId) =>
    t.app.inject({ method: 'GET', url: `/api/v1/reports/${id}`, headers: { cookie: who.cookie } })

  it('stores leaf codes with their roles, the facets and a redacted summary, and marks the report coded', async () => {
    const res = await code(rita, coding({ summary: 'Mrs Okafor was copied in; call 07700 900123 was not made.' }))

    expect(res.statusCode).toBe(201)
    const body = res.json()
    expect(body.coding).toMatchObject({
      isMine: true,
      taxonomyVersion: 1,
      codes: [
        { code: 'PA.SL.01', role: 'contributing' },
        { code: 'TC.HO.02', role: 'contributing' },
        { code: 'TC.IS.01', role: 'mitigating' }
      ],
      facets: { eventType: 'information_misdirected', handover: true },
      summary: 'Mrs [NAME] was copied in; call [PHONE] was not made.'
    })
    expect(body.findings.map((finding: { type: string }) => finding.type)).toEqual(['NAME', 'PHONE'])
    const stored = await t.app.db.prisma.coding.findFirstOrThrow({ include: { codes: true } })
    // Sealed to the team key (issue 17.5): nothing of it is readable in the row.
    expect(stored.summarySealed).not.toBeNull()
    expect(stored.unsealedSummary).toBeNull()
    expect(Buffer.from(stored.summarySealed ?? []).toString('latin1')).not.toContain('was copied in')
    expect(stored.codes).toHaveLength(3)
    expect((await t.app.db.prisma.report.findUniqueOrThrow({ where: { id: reportId } })).status).toBe('coded')
    const audit = await t.app.db.prisma.auditEvent.findMany({ where: { reportId, action: 'report.coded' } })
    expect(audit).toHaveLength(1)
  })

  it('sending again replaces the coder\'s own coding (200), never adding a second', async () => {
    const res = await code(rita, coding({ codes: [{ code: 'OR.RE.01', role: 'contributing' }] }))

    expect(res.statusCode).toBe(200)
    const mine = await t.app.db.prisma.coding.findMany({ where: { reportId }, include: { codes: true } })
    expect(mine).toHaveLength(1)
    expect(mine[0]?.codes.map((c) => c.code)).toEqual(['OR.RE.01'])
  })

  it("keeps coders independent: nobody, lead or reviewer, sees others' codings before making their own", async () => {
    const before = await read(ravi)
    expect(before.statusCode).toBe(200)
    expect(before.json().codings).toEqual([])
    expect((await read(lena)).json().codings).toEqual([])

    expect((await code(ravi, coding())).statusCode).toBe(201)

    const after = (await read(ravi)).json().codings as { isMine: boolean }[]
    expect(after).toHaveLength(2)
    expect(after.filter((c) => c.isMine)).toHaveLength(1)
  })

  it('freezes a coding once another reviewer has coded the report: it cannot be changed to copy theirs', async () => {
    const res = await code(rita, coding())

    expect(res.statusCode).toBe(409)
    const ritas = await t.app.db.prisma.coding.findMany({ where: { reportId }, include: { codes: true } })
    expect(ritas.map((row) => row.codes.map((c) => c.code).join())).toContain('OR.RE.01')
  })

  it.each([
    ['codes.0.code', { codes: [{ code: 'PA.SL', role: 'contributing' }] }, 'not a leaf code'],
    ['codes.0.code', { codes: [{ code: 'ZZ.ZZ.99', role: 'contributing' }] }, 'not a leaf code'],
    [
      'codes.1.code',
      { codes: [{ code: 'PA.SL.01', role: 'contributing' }, { code: 'PA.SL.01', role: 'mitigating' }] },
      'given twice'
    ],
    ['codes.0.role', { codes: [{ code: 'PA.SL.01', role: 'blame' }] }, ''],
    ['codes', { codes: [] }, ''],
    ['facets.reachAndHarm', { facets: { ...coding().facets, reachAndHarm: 'catastrophe' } }, 'not a value'],
    ['facets.setting', { facets: { ...coding().facets, setting: 'youth_court' } }, 'not a value'],
    ['summary', { summary: 'x'.repeat(2001) }, '']
  ])('refuses a bad %s with 400 naming it', async (field, overrides, words) => {
    const res = await code(lena, coding(overrides))

    expect(res.statusCode).toBe(400)
    expect(res.json().message).toContain(field)
    expect(res.json().message).toContain(words)
  })

  it('refuses codes of another taxonomy version (409), unknown reports (404) and withdrawn or merged ones (409)', async () => {
    expect((await code(lena, coding({ taxonomyVersion: 2 }))).statusCode).toBe(409)
    expect((await code(lena, coding(), '7f0e8a1c-2b3d-4e5f-8a9b-0c1d2e3f4a5b')).statusCode).toBe(404)

    await postReport(t.app, reportBody({ narrative: 'A second report that will be merged as a duplicate of the first.' }))
    const second = await t.app.db.prisma.report.findFirstOrThrow({ where: { status: 'new' }, select: { id: true } })
    const merged = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${second.id}/merge`,
      headers: lena.headers,
      payload: { into: reportId }
    })
    expect(merged.statusCode).toBe(200)
    const res = await code(lena, coding(), second.id)
    expect(res.statusCode).toBe(409)
    expect(res.json().message).toContain('merged into')
  })
})
