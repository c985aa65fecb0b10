// The day Candid came into use (issue 14.1) decides which quarters can be published. It is the earliest of the
// installation, the first report's arrival and the earliest month reported; the first arrival is read one step per
// status down the (status, received_on) index (reading that index whole took 234 ms at 1M reports), so a report of
// any status must count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPublicationRepository } from '../../src/modules/summaries/publication.repository.js'
import { postReport, reportBody } from '../helpers/reports.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'

describe('when Candid came into use', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
  }, 60_000)
  afterAll(() => t?.close())

  it('is the earliest of the installation, any report of any status, and the months reported', async () => {
    const { prisma } = t.app.db
    const since = () => createPublicationRepository(prisma).inUseSinceNow()
    const installed = await since()
    expect(installed).not.toBeNull()

    for (let i = 0; i < 3; i++) expect((await postReport(t.app, reportBody({ occurredMonth: '2026-05' }))).statusCode).toBe(201)
    const ids = (await prisma.report.findMany({ select: { id: true }, orderBy: { id: 'asc' } })).map((r) => r.id)
    await prisma.$executeRaw`UPDATE team_key SET created_on = date '2026-09-01'`
    // The months reported are the earliest so far.
    expect(await since()).toEqual(new Date('2026-05-01T00:00:00Z'))

    // Each status's first arrival counts, whichever status holds the earliest.
    const statuses = ['in_review', 'closed', 'withdrawn'] as const
    for (const [i, status] of statuses.entries()) {
      await prisma.$executeRaw`UPDATE report SET received_on = date '2026-08-01', status = 'new'::report_status`
      await prisma.$executeRaw`
        UPDATE report SET received_on = ${new Date(Date.UTC(2026, i, 15))}::date, status = ${status}::report_status
        WHERE id = ${ids[i]}::uuid`
      expect(await since()).toEqual(new Date(Date.UTC(2026, i, 15)))
    }
  })
})
