import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sealUnsealedCodings } from '../../src/modules/codings/coding-legacy.js'
import { createRotationRepository } from '../../src/modules/keys/rotation.repository.js'
import { createRotationService } from '../../src/modules/keys/rotation.service.js'
import { coding } from '../helpers/codings.js'
import { dumpAllRows, rawDatabaseBytes } from '../helpers/db-contents.js'
import { postReport, reportBody } from '../helpers/reports.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createUser, type SignedIn, signIn, type TestUser } from '../helpers/users.js'

/**
 * Issue 17.5: a copy of the database reads no reviewer's coding summary, nor a learning point before two people
 * approved it for publication. Canary texts are written through the API, then looked for in every row of every table
 * (both databases) and, on PostgreSQL, in a pg_dump; reviewers still read them, after a rotation too.
 */

const SUMMARY = 'summary canary kettledrum lattice teaspoon'
const POINT = 'point canary marigold ferrule sandpiper'
const LEGACY_SUMMARY = 'legacy summary canary hollyhock bramble'
const LEGACY_POINT = 'legacy point canary teasel foxglove'

describe('coding summaries and learning points are sealed', () => {
  let t: TestApp
  let reviewerUser: TestUser
  let leadUsers: TestUser[]
  let reviewer: SignedIn
  let leads: SignedIn[]
  let reportId: string
  let receipt: string

  /** What a copy of the database holds: every row of every table, and on PostgreSQL a pg_dump. */
  const databaseCopy = async () => {
    const rows = await dumpAllRows(t.app.db)
    return t.config.database.kind === 'pglite' ? rows : `${rows}\n${rawDatabaseBytes(t.config).toString('latin1')}`
  }

  const read = (who: SignedIn, id = reportId) =>
    t.app.inject({ method: 'GET', url: `/api/v1/reports/${id}`, headers: who.headers })

  const approve = (lead: SignedIn, codingId: string) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/learning-points/${codingId}/approvals`,
      headers: lead.headers,
      payload: {}
    })

  const newReport = async () => {
    const filed = await postReport(t.app, reportBody())
    expect(filed.statusCode).toBe(201)
    const { id } = await t.app.db.prisma.report.findFirstOrThrow({ orderBy: { id: 'asc' }, where: { codings: { none: {} } } })
    return { id, receipt: filed.json().receipt as string }
  }

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_INTAKE_PER_10MIN: '1000', PUBLISH_CHECK_MINUTES: '0' } })
    reviewerUser = await createUser(t.app, { email: 'coder.sealed@example.org', recoveryKey: t.recoveryKey })
    leadUsers = [
      await createUser(t.app, { email: 'lead.sealed.a@example.org', role: 'lead', recoveryKey: t.recoveryKey }),
      await createUser(t.app, { email: 'lead.sealed.b@example.org', role: 'lead', recoveryKey: t.recoveryKey })
    ]
    reviewer = await signIn(t.app, reviewerUser)
    leads = [await signIn(t.app, leadUsers[0] as TestUser), await signIn(t.app, leadUsers[1] as TestUser)]
    ;({ id: reportId, receipt } = await newReport())
  }, 60_000)
  afterAll(() => t?.close())

  it('a copy of the database holds neither the summary nor the learning point; the reviewer reads both', async () => {
    const coded = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${reportId}/codings`,
      headers: reviewer.headers,
      payload: coding({ summary: SUMMARY, learningPoint: POINT })
    })
    expect(coded.statusCode, coded.body).toBe(201)
    // Redaction kept the canaries whole, so their absence below means sealing, not redaction.
    expect(coded.json().coding).toMatchObject({ summary: SUMMARY, learningPoint: POINT })

    const copy = await databaseCopy()
    expect(copy).toContain(reportId)
    for (const canary of [SUMMARY, POINT, 'kettledrum', 'marigold']) expect(copy).not.toContain(canary)
    const stored = await t.app.db.prisma.coding.findFirstOrThrow({ where: { reportId } })
    expect(stored).toMatchObject({ hasPoint: true, learningPoint: '', unsealedSummary: null, keyVersion: 1 })

    const seen = await read(reviewer)
    expect(seen.statusCode).toBe(200)
    expect(seen.json().codings).toMatchObject([{ summary: SUMMARY, learningPoint: POINT, isMine: true }])
  })

  it('a lead whose account cannot unseal is told so, not shown the points', async () => {
    const keyless = await signIn(t.app, await createUser(t.app, { email: 'lead.keyless@example.org', role: 'lead' }))
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/learning-points', headers: keyless.headers })
    expect(list.statusCode).toBe(403)
    expect(list.json().message).toContain('cannot unseal')
    expect(list.body).not.toContain('canary')
  })

  it('the learning point becomes readable to the server only after the second approval', async () => {
    const closed = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/reports/${reportId}`,
      headers: reviewer.headers,
      payload: { status: 'closed' }
    })
    expect(closed.statusCode).toBe(200)
    const { id: codingId } = await t.app.db.prisma.coding.findFirstOrThrow({ where: { reportId } })
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/learning-points', headers: leads[0]?.headers })
    expect(list.json().points).toMatchObject([{ codingId, text: POINT, status: 'awaiting_approval' }])

    expect((await approve(leads[0] as SignedIn, codingId)).json()).toMatchObject({ approvals: 1 })
    expect(await databaseCopy()).not.toContain(POINT)

    const second = await approve(leads[1] as SignedIn, codingId)
    expect(second.json()).toMatchObject({ approvals: 2, status: 'approved', text: POINT })
    const copy = await databaseCopy()
    expect(copy).toContain(POINT)
    expect(copy).not.toContain(SUMMARY)
    expect(await t.app.db.prisma.coding.findUniqueOrThrow({ where: { id: codingId } }))
      .toMatchObject({ learningPoint: POINT, hasPoint: true })
  })

  it('codings from before sealing are sealed with the public key; an approved point stays published', async () => {
    const other = await newReport()
    const coded = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${other.id}/codings`,
      headers: reviewer.headers,
      payload: coding({ summary: 'to be replaced' })
    })
    expect(coded.statusCode).toBe(201)
    // As migration 20261208080000 leaves a coding of before: its texts in the unsealed columns, nothing sealed.
    const asBefore = (id: string, summary: string, point: string) => t.app.db.prisma.coding.updateMany({
      where: { reportId: id },
      data: {
        summarySealed: null,
        learningPointSealed: null,
        sealedKey: null,
        keyVersion: null,
        learningPoint: '',
        unsealedSummary: summary,
        unsealedLearningPoint: point
      }
    })
    await asBefore(other.id, LEGACY_SUMMARY, LEGACY_POINT)
    await asBefore(reportId, SUMMARY, POINT)
    expect(await databaseCopy()).toContain(LEGACY_SUMMARY)

    const { sodium, teamKey } = t.app.keys.get()
    expect(await sealUnsealedCodings(t.app.db.prisma, sodium, teamKey)).toBe(2)
    expect(await sealUnsealedCodings(t.app.db.prisma, sodium, teamKey)).toBe(0)

    const copy = await databaseCopy()
    for (const canary of [LEGACY_SUMMARY, LEGACY_POINT, SUMMARY]) expect(copy).not.toContain(canary)
    // The point two leads had approved is the one plaintext kept, for publication.
    expect(copy).toContain(POINT)
    const seen = await read(reviewer, other.id)
    expect(seen.json().codings).toMatchObject([{ summary: LEGACY_SUMMARY, learningPoint: LEGACY_POINT }])
    expect((await read(reviewer)).json().codings).toMatchObject([{ summary: SUMMARY, learningPoint: POINT }])
  })

  it('team key rotation re-seals them: reviewers and leads still read them with the new key', async () => {
    const rotation = createRotationService({
      repository: createRotationRepository(t.app.db.prisma),
      sodium: t.app.keys.get().sodium
    })
    const result = await rotation.rotate(t.recoveryKey as string)
    expect(result).toMatchObject({ version: 2, codings: 2 })
    await t.app.keys.refreshTeamKey()
    expect(await t.app.db.prisma.coding.count({ where: { sealedToVersion: 2 } })).toBe(2)

    reviewer = await signIn(t.app, reviewerUser)
    const seen = await read(reviewer)
    expect(seen.statusCode, seen.body).toBe(200)
    expect(seen.json().codings).toMatchObject([{ summary: SUMMARY, learningPoint: POINT }])
    const lead = await signIn(t.app, leadUsers[0] as TestUser)
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/learning-points', headers: lead.headers })
    expect(list.statusCode, list.body).toBe(200)
    expect(list.json().points.map((point: { text: string }) => point.text)).toContain(POINT)
    const copy = await databaseCopy()
    for (const canary of [LEGACY_SUMMARY, LEGACY_POINT, SUMMARY]) expect(copy).not.toContain(canary)
  })

  it('withdrawal destroys the sealed texts and the published point', async () => {
    const withdrawn = await t.app.inject({
      method: 'POST',
      url: `/api/v1/receipts/${receipt}/withdraw`,
      payload: { confirm: true }
    })
    expect(withdrawn.statusCode).toBe(200)
    expect(await t.app.db.prisma.coding.findFirstOrThrow({ where: { reportId } })).toMatchObject({
      summarySealed: null,
      learningPointSealed: null,
      sealedKey: null,
      learningPoint: '',
      hasPoint: false
    })
    expect(await dumpAllRows(t.app.db)).not.toContain(POINT)
  })

  it('a restart seals codings left unsealed (as the migration leaves them) with the team public key', async () => {
    const { id: codingId, reportId: otherId } = await t.app.db.prisma.coding.findFirstOrThrow({
      where: { reportId: { not: reportId } }
    })
    const RESTART_SUMMARY = 'restart summary canary gooseberry'
    await t.app.db.prisma.coding.update({
      where: { id: codingId },
      data: {
        summarySealed: null,
        learningPointSealed: null,
        sealedKey: null,
        keyVersion: null,
        unsealedSummary: RESTART_SUMMARY,
        unsealedLearningPoint: null
      }
    })
    await t.stop()
    t = await createTestApp({ database: t.database, env: { RATE_LIMIT_INTAKE_PER_10MIN: '1000', PUBLISH_CHECK_MINUTES: '0' } })
    const drop = () => t.database.drop()
    t.close = async () => {
      await t.app.close()
      await drop()
    }
    expect(await t.app.db.prisma.coding.findUniqueOrThrow({ where: { id: codingId } }))
      .toMatchObject({ unsealedSummary: null, keyVersion: 2 })
    expect(await databaseCopy()).not.toContain(RESTART_SUMMARY)
    const seen = await read(reviewer, otherId)
    expect(seen.statusCode, seen.body).toBe(200)
    expect(seen.json().codings).toMatchObject([{ summary: RESTART_SUMMARY }])
  })
})
