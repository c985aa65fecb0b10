import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sealCoding } from '../../src/modules/codings/coding-seal.js'
import { ZServedSummary } from '../../src/modules/summaries/reading.schemas.js'
import { createApiKey } from '../helpers/api-keys.js'
import { coding } from '../helpers/codings.js'
import { approvePoints } from '../helpers/learning-points.js'
import { postReport, reportBody } from '../helpers/reports.js'
import { summariesAt } from '../helpers/summaries.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { type SignedIn, signedInUser } from '../helpers/users.js'

/**
 * Issue 18.1 and 14.1: learning points reach a regional summary only from a row of at least SUPPRESS_BELOW reports
 * and with two approvals by people other than the coder; a flagged point is held; a lead approves only points of
 * reports they may no longer code blind. And a first run skips the quarters before Candid was in use.
 */

const ON_TIME_POINT = 'Check the address on file before sending minutes.'
const LATE_POINTS = ['Late point Quillon: the review was late.', 'Late point Marrow: minutes went astray.']
const FLAGGED = 'Only court case this quarter: the family court hearing for the twins was nearly missed.'
const ONE_APPROVAL = 'Share the plan with the school nurse as well.'
const STILL_OPEN = 'Confirm who chairs the strategy meeting before it starts.'

describe('learning points in a regional summary', () => {
  let t: TestApp
  let reviewer: SignedIn
  let leads: SignedIn[]
  const ids: Record<string, string> = {}

  const fileCoded = async (month: string, learningPoint = '', by?: SignedIn) => {
    const before = (await t.app.db.prisma.report.findMany({ select: { id: true } })).map((row) => row.id)
    expect((await postReport(t.app, reportBody({ occurredMonth: month, region: 'north-east' }))).statusCode).toBe(201)
    const { id } = await t.app.db.prisma.report.findFirstOrThrow({
      where: { id: { notIn: before } },
      select: { id: true }
    })
    const coded = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${id}/codings`,
      headers: (by ?? reviewer).headers,
      payload: coding({ learningPoint })
    })
    expect(coded.statusCode, coded.body).toBe(201)
    return id
  }

  const codingOf = async (reportId: string) =>
    (await t.app.db.prisma.coding.findFirstOrThrow({ where: { reportId }, select: { id: true } })).id

  const approve = (lead: SignedIn, codingId: string, flagsReviewed = false) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/learning-points/${codingId}/approvals`,
      headers: lead.headers,
      payload: { flagsReviewed }
    })

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_INTAKE_PER_10MIN: '1000', PUBLISH_CHECK_MINUTES: '0' } })
    reviewer = await signedInUser(t.app, { email: 'coder.points@example.org', recoveryKey: t.recoveryKey })
    leads = [
      await signedInUser(t.app, { email: 'lead.a@example.org', role: 'lead', recoveryKey: t.recoveryKey }),
      await signedInUser(t.app, { email: 'lead.b@example.org', role: 'lead', recoveryKey: t.recoveryKey })
    ]
  }, 60_000)
  afterAll(() => t?.close())

  it('first run: a quarter before Candid was in use is not published, by hand or by the schedule', async () => {
    // Installed today, no report yet: 2026-Q2 could never hold one, so it is skipped rather than published empty.
    await expect(summariesAt(t.app, t.config, '2026-07-20').publish('2026-Q2')).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('published only if Candid was in use during it')
    })
    expect(await summariesAt(t.app, t.config, '2026-07-20').publishDue()).toBeNull()
    expect(await t.app.db.prisma.publication.count()).toBe(0)
  })

  it('publishes approved points of rows of 10 or more only; a flagged point is held', async () => {
    // 2026-Q3: 12 reports on time; 2 about 2026-Q2 (never published, so late in Q3's first publication).
    ids.onTime = await fileCoded('2026-07', ON_TIME_POINT)
    ids.flagged = await fileCoded('2026-08', FLAGGED)
    ids.oneApproval = await fileCoded('2026-08', ONE_APPROVAL)
    ids.open = await fileCoded('2026-09', STILL_OPEN)
    for (let i = 0; i < 8; i++) await fileCoded('2026-09')
    ids.late0 = await fileCoded('2026-05', LATE_POINTS[0])
    ids.late1 = await fileCoded('2026-06', LATE_POINTS[1])

    // Both leads approve the on-time and the late points (their reports closed first).
    const points = [ids.onTime, ids.late0, ids.late1] as string[]
    const approved = await approvePoints(t.app, points, { closer: reviewer, leads })
    expect(approved.map((res) => res.statusCode)).toEqual([200, 200, 200, 200, 200, 200])
    expect(approved.at(-1)?.json()).toMatchObject({ approvals: 2, status: 'approved', flags: [] })

    // The flagged point is held: no approval without saying the flags were read, and the list shows why.
    const flagged = await approvePoints(t.app, [ids.flagged] as string[], { closer: reviewer, leads })
    expect(flagged.map((res) => res.statusCode)).toEqual([409, 409])
    expect(flagged[0]?.json().message).toContain('held')
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/learning-points', headers: leads[0]?.headers })
    expect(list.statusCode).toBe(200)
    const listed = list.json().points.find((point: { text: string }) => point.text === FLAGGED)
    expect(listed).toMatchObject({ status: 'awaiting_approval', approvals: 0 })
    const kinds = listed.flags.map((flag: { kind: string }) => flag.kind).sort()
    expect(kinds).toEqual(['kinship', 'rare_setting', 'uniqueness'])

    // One approval is not enough.
    await approvePoints(t.app, [ids.oneApproval] as string[], { closer: reviewer, leads: leads.slice(0, 1) })

    // A report still open and coded by someone else: a lead who may still code it blind cannot read its point.
    expect(list.json().points.map((point: { text: string }) => point.text)).not.toContain(STILL_OPEN)
    expect((await approve(leads[0] as SignedIn, await codingOf(ids.open as string))).statusCode).toBe(404)

    const outcome = await summariesAt(t.app, t.config, '2026-10-14').publish('2026-Q3')
    expect(outcome).toMatchObject({ outcome: 'published', reports: 14 })
    const key = await createApiKey(t.app, 'north-east', 'points')
    const pull = (accept: string) =>
      t.app.inject({
        method: 'GET',
        url: '/api/v1/summaries/quarterly?quarter=2026-Q3&region=north-east',
        headers: { authorization: `Bearer ${key}`, accept }
      })
    const json = await pull('application/json')
    const csv = await pull('text/csv')
    const summary = ZServedSummary.parse(json.json())
    expect(summary.reports).toEqual({ onTime: 10, late: '[c]' })
    expect(summary.learningPoints).toEqual([ON_TIME_POINT])
    // The late row has 2 reports: their approved points are not published, nor any word of them.
    for (const body of [json.body, csv.body]) {
      for (const text of [...LATE_POINTS, FLAGGED, ONE_APPROVAL, STILL_OPEN]) expect(body).not.toContain(text)
      for (const word of ['Quillon', 'Marrow', 'twins']) expect(body).not.toContain(word)
    }
  })

  it('a coder cannot approve their own point, and an edit after approval needs approving again', async () => {
    const lead = leads[0] as SignedIn
    const own = await fileCoded('2026-10', 'Record who was told, and when, in the case notes.', lead)
    expect((await approve(lead, await codingOf(own))).statusCode).toBe(409)

    const edited = await t.app.inject({
      method: 'POST',
      url: `/api/v1/learning-points/${await codingOf(ids.onTime as string)}/approvals`,
      headers: leads[1]?.headers,
      payload: {}
    })
    expect(edited.json()).toMatchObject({ approvals: 2, approvedByYou: true })
    // An edit of the sealed text (the API makes a new coding instead; this is the database under it).
    const codingId = await codingOf(ids.onTime as string)
    const { sodium, teamKey } = t.app.keys.get()
    const resealed = sealCoding(sodium, { summary: '', learningPoint: 'Changed.' }, {
      codingId, keyVersion: teamKey.version, publicKey: teamKey.publicKey
    })
    await t.app.db.prisma.coding.update({
      where: { id: codingId },
      data: {
        learningPointSealed: resealed.learningPointSealed as Uint8Array<ArrayBuffer>,
        sealedKey: resealed.sealedKey as Uint8Array<ArrayBuffer>,
        keyVersion: teamKey.version,
        sealedToVersion: null
      }
    })
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/learning-points', headers: lead.headers })
    expect(list.json().points.find((point: { text: string }) => point.text === 'Changed.')).toMatchObject({
      approvals: 0,
      status: 'awaiting_approval'
    })
  })
})
