import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { coding } from '../helpers/codings.js'
import { postReport, reportBody } from '../helpers/reports.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { type SignedIn, signedInUser } from '../helpers/users.js'

// Possible duplicates (GET /api/v1/reports/{id}/duplicates): same month, region and setting, ranked by how alike
// their codes are — only codes the caller may see under blind coding — and never a narrative.
const NARRATIVE = 'Canary narrative: the section 47 minutes for the Okafor family went to the wrong school.'

describe('possible duplicates of a report', () => {
  let t: TestApp
  let rita: SignedIn
  let ravi: SignedIn
  const ids: Record<string, string> = {}

  const post = async (name: string, overrides: Record<string, unknown> = {}) => {
    expect((await postReport(t.app, reportBody({ narrative: `${NARRATIVE} (${name})`, ...overrides }))).statusCode).toBe(201)
    const rows = await t.app.db.prisma.report.findMany({ select: { id: true } })
    const id = rows.map((row) => row.id).find((candidate) => !Object.values(ids).includes(candidate)) as string
    ids[name] = id
  }
  const duplicates = (who: SignedIn, id: string) =>
    t.app.inject({ method: 'GET', url: `/api/v1/reports/${id}/duplicates`, headers: { cookie: who.cookie } })
  const code = (who: SignedIn, id: string, codes: string[]) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${id}/codings`,
      headers: who.headers,
      payload: coding({ codes: codes.map((c) => ({ code: c, role: 'contributing' })) })
    })

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_INTAKE_PER_10MIN: '1000' } })
    rita = await signedInUser(t.app, { email: 'rita@example.org', recoveryKey: t.recoveryKey })
    ravi = await signedInUser(t.app, { email: 'ravi@example.org', recoveryKey: t.recoveryKey })
    await post('primary')
    await post('alike')
    await post('unlike')
    await post('uncoded')
    await post('otherRegion', { region: 'london' })
    await post('otherSetting', { setting: 'front_door' })
    await post('otherMonth', { occurredMonth: '2025-01' })
    await post('withdrawn')
    await t.app.db.prisma.report.update({ where: { id: ids.withdrawn }, data: { status: 'withdrawn' } })
  })
  afterAll(() => t?.close())

  it('lists open reports of the same month, region and setting only, without narratives', async () => {
    const res = await duplicates(rita, ids.primary as string)

    expect(res.statusCode).toBe(200)
    const listed = res.json().items.map((item: { id: string }) => item.id).sort()
    expect(listed).toEqual([ids.alike, ids.unlike, ids.uncoded].sort())
    expect(res.body).not.toContain('Canary')
    expect(res.body).not.toContain('narrative')
    expect(res.headers['cache-control']).toBe('no-store')
    expect(t.logs.text).not.toContain('Canary')
  })

  it("compares only codes the caller may see: none of another reviewer's before coding the report", async () => {
    expect((await code(ravi, ids.primary as string, ['PA.SL.01', 'TC.HO.02'])).statusCode).toBe(201)
    expect((await code(ravi, ids.alike as string, ['PA.SL.01', 'TC.HO.02'])).statusCode).toBe(201)
    expect((await code(ravi, ids.unlike as string, ['OR.RE.01'])).statusCode).toBe(201)

    // Rita has coded none of them: Ravi's codes must not reach her through the similarity.
    const blind = (await duplicates(rita, ids.primary as string)).json().items
    expect(blind.every((item: { similarity: unknown; sharedCodes: string[] }) =>
      item.similarity === null && item.sharedCodes.length === 0)).toBe(true)

    // Ravi coded them all: the most alike comes first, with the codes both carry.
    const seen = (await duplicates(ravi, ids.primary as string)).json().items
    expect(seen.map((item: { id: string }) => item.id)).toEqual([ids.alike, ids.unlike, ids.uncoded])
    expect(seen[0]).toMatchObject({ similarity: 1, sharedCodes: ['PA.SL.01', 'TC.HO.02'] })
    expect(seen[1]).toMatchObject({ similarity: 0, sharedCodes: [] })
    expect(seen[2]).toMatchObject({ similarity: null })
  })

  it('leaves out a report once it is merged, and answers 404 for no such report', async () => {
    const merged = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${ids.alike}/merge`,
      headers: ravi.headers,
      payload: { into: ids.primary }
    })
    expect(merged.statusCode).toBe(200)
    const after = (await duplicates(ravi, ids.primary as string)).json().items.map((item: { id: string }) => item.id)
    expect(after).not.toContain(ids.alike)
    expect((await duplicates(ravi, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(404)
  })
})
