import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { coding } from '../helpers/codings.js'
import { postReport, reportBody } from '../helpers/reports.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { type SignedIn, signedInUser } from '../helpers/users.js'

/**
 * The worked example (Cohen 1960's textbook case, as on Wikipedia's "Cohen's kappa" page): two coders, 50 reports;
 * PA.SL.01 used by both on 20, only the first on 5, only the second on 10, neither on 15 — pₒ = 0.7, pₑ = 0.5,
 * κ = 0.4. Both coders also put OR.RE.01 on every report (κ undefined: pₒ = pₑ = 1), so the pooled kappa over the
 * two codes is (mean pₒ − mean pₑ)/(1 − mean pₑ) = (0.85 − 0.75)/0.25 = 0.4.
 * Handover: the first says yes on reports 0–24, the second on 0–29: pₒ = 0.9, pₑ = 0.5, κ = 0.8.
 */
const cell = (i: number) => (i < 20 ? 'both' : i < 25 ? 'firstOnly' : i < 35 ? 'secondOnly' : 'neither')

const codesFor = (i: number, coder: 'first' | 'second') => {
  const c = cell(i)
  const uses = c === 'both' || (coder === 'first' ? c === 'firstOnly' : c === 'secondOnly')
  return [
    { code: 'OR.RE.01', role: 'contributing' },
    ...(uses ? [{ code: 'PA.SL.01', role: i % 2 === 0 ? 'contributing' : 'mitigating' }] : [])
  ]
}

describe('GET /api/v1/analysis/agreement', () => {
  let t: TestApp
  let first: SignedIn
  let second: SignedIn
  let lead: SignedIn
  const ids: string[] = []

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_INTAKE_PER_10MIN: '1000' } })
    const make = (email: string, role: 'reviewer' | 'lead') =>
      signedInUser(t.app, { email, role, recoveryKey: t.recoveryKey })
    first = await make('first@example.org', 'reviewer')
    second = await make('second@example.org', 'reviewer')
    lead = await make('lead@example.org', 'lead')
    for (let i = 0; i < 52; i++) {
      const res = await postReport(t.app, reportBody({ occurredMonth: i < 50 ? '2026-03' : '2026-04' }))
      expect(res.statusCode).toBe(201)
    }
    const rows = await t.app.db.prisma.report.findMany({ select: { id: true, occurredMonth: true }, orderBy: { id: 'asc' } })
    ids.push(...rows.filter((row) => row.occurredMonth.toISOString().startsWith('2026-03')).map((row) => row.id))
    const post = (who: SignedIn, id: string, body: object) =>
      t.app.inject({ method: 'POST', url: `/api/v1/reports/${id}/codings`, headers: who.headers, payload: body })
    for (const [i, id] of ids.entries()) {
      const facets = (handover: boolean) => ({ ...coding().facets, handover })
      expect((await post(first, id, coding({ codes: codesFor(i, 'first'), facets: facets(i < 25) }))).statusCode).toBe(201)
      expect((await post(second, id, coding({ codes: codesFor(i, 'second'), facets: facets(i < 30) }))).statusCode).toBe(
        201
      )
    }
    // The two April reports: one coded once (counts as coded, not double-coded), one not at all.
    const april = rows.filter((row) => row.occurredMonth.toISOString().startsWith('2026-04'))
    expect((await post(first, april[0]?.id as string, coding())).statusCode).toBe(201)
  })
  afterAll(() => t.close())

  const agreement = (query = '') =>
    t.app.inject({ method: 'GET', url: `/api/v1/analysis/agreement${query}`, headers: { cookie: lead.cookie } })

  it('matches the worked example: κ = 0.4 for the code, 0.2/0.35 pooled, 0.8 for handover', async () => {
    const res = await agreement('?from=2026-03&to=2026-03')

    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body).toMatchObject({ taxonomyVersion: 1, codedReports: 50, doubleCodedReports: 50, doubleCodedShare: 1 })
    const code = body.codes.find((c: { code: string }) => c.code === 'PA.SL.01')
    expect(code).toMatchObject({ both: 20, firstOnly: 5, secondOnly: 10, neither: 15 })
    expect(code.observedAgreement).toBeCloseTo(0.7, 12)
    expect(code.expectedAgreement).toBeCloseTo(0.5, 12)
    expect(code.kappa).toBeCloseTo(0.4, 12)
    expect(body.codes.find((c: { code: string }) => c.code === 'OR.RE.01')).toMatchObject({ kappa: null, both: 50 })
    expect(body.overall.observedAgreement).toBeCloseTo(0.85, 12)
    expect(body.overall.expectedAgreement).toBeCloseTo(0.75, 12)
    expect(body.overall.kappa).toBeCloseTo(0.4, 12)
    expect(body.overall.decisions).toBe(100)
    const handover = body.facets.find((f: { facet: string }) => f.facet === 'handover')
    expect(handover.kappa).toBeCloseTo(0.8, 12)
    expect(body.facets.find((f: { facet: string }) => f.facet === 'eventType').kappa).toBeNull()
    expect(body.method).toContain("Cohen's kappa")
  })

  it('counts reports coded once as coded but not double-coded, and filters by month', async () => {
    const all = (await agreement()).json()
    const april = (await agreement('?from=2026-04')).json()

    expect(all).toMatchObject({ codedReports: 51, doubleCodedReports: 50 })
    expect(all.doubleCodedShare).toBeCloseTo(50 / 51, 12)
    expect(april).toMatchObject({ codedReports: 1, doubleCodedReports: 0, codes: [] })
    expect(april.overall.kappa).toBeNull()
    expect((await agreement('?from=2026-05&to=2026-04')).statusCode).toBe(400)
  })

  it('leaves merged duplicates out, and audits every read', async () => {
    const [duplicate, primary] = [ids[0] as string, ids[49] as string]
    const merged = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${duplicate}/merge`,
      headers: lead.headers,
      payload: { into: primary }
    })
    expect(merged.statusCode).toBe(200)

    const body = (await agreement('?from=2026-03&to=2026-03')).json()

    expect(body.doubleCodedReports).toBe(49)
    expect(body.codes.find((c: { code: string }) => c.code === 'PA.SL.01').both).toBe(19)
    const reads = await t.app.db.prisma.auditEvent.count({ where: { action: 'analysis.agreement' } })
    expect(reads).toBeGreaterThanOrEqual(4)
  })
})
