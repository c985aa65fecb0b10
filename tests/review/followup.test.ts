import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UNREADABLE } from '../../src/modules/messages/messages.service.js'
import { coding } from '../helpers/codings.js'
import { dumpAllRows } from '../helpers/db-contents.js'
import { postReport, reportBody } from '../helpers/reports.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createUser, type SignedIn, signIn } from '../helpers/users.js'

const QUESTION_WORD = 'quokkaquestion'
const ANSWER_WORD = 'wombatanswer'

describe('follow-up through the receipt, and withdrawal', () => {
  let t: TestApp
  let reviewer: SignedIn
  let receipt: string
  let reportId: string

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_INTAKE_PER_10MIN: '1000', RATE_LIMIT_RECEIPT_PER_MIN: '1000' } })
    reviewer = await signIn(t.app, await createUser(t.app, { email: 'rev@example.org', recoveryKey: t.recoveryKey }))
    const res = await postReport(t.app)
    receipt = res.json().receipt
    reportId = (await t.app.db.prisma.report.findFirstOrThrow({ select: { id: true } })).id
  })
  afterAll(() => t.close())

  const ask = (kind: 'questions' | 'responses', text: string, id = reportId) =>
    t.app.inject({ method: 'POST', url: `/api/v1/reports/${id}/${kind}`, headers: reviewer.headers, payload: { text } })
  const status = (value = receipt) => t.app.inject({ method: 'GET', url: `/api/v1/receipts/${value}` })
  const answer = (text: string, value = receipt) =>
    t.app.inject({ method: 'POST', url: `/api/v1/receipts/${value}/messages`, payload: { text } })
  const read = () =>
    t.app.inject({ method: 'GET', url: `/api/v1/reports/${reportId}`, headers: { cookie: reviewer.cookie } })

  it('a reviewer asks; the receipt holder reads the question; their answer comes back redacted', async () => {
    const asked = await ask('questions', `Which team held the case at the time? (${QUESTION_WORD})`)
    expect(asked.statusCode).toBe(201)

    const seen = await status()
    expect(seen.statusCode).toBe(200)
    expect(seen.json().messages).toEqual([
      { kind: 'question', text: `Which team held the case at the time? (${QUESTION_WORD})`, sentOn: expect.any(String) }
    ])

    // Issue 14.5: the queue marks a report the reporter has answered until a reviewer opens it.
    const queued = async () =>
      (await t.app.inject({ method: 'GET', url: '/api/v1/reports', headers: { cookie: reviewer.cookie } }))
        .json()
        .items.find((item: { id: string }) => item.id === reportId)
    expect(await queued()).toMatchObject({ unreadAnswers: false })
    const answered = await answer(`The duty team; ring Mrs Okafor on 07700 900123. ${ANSWER_WORD}`)
    expect(answered.statusCode).toBe(201)
    expect(answered.json().message.text).toBe(`The duty team; ring Mrs [NAME] on [PHONE]. ${ANSWER_WORD}`)
    expect(await queued()).toMatchObject({ unreadAnswers: true })

    const opened = await read()
    expect(opened.statusCode).toBe(200)
    expect(opened.json().unreadAnswers).toBe(false)
    expect(await queued()).toMatchObject({ unreadAnswers: false })
    const conversation = opened.json().messages
    expect(conversation.map((m: { kind: string }) => m.kind)).toEqual(['question', 'answer'])
    expect(conversation[1].text).not.toContain('Okafor')
  })

  it('a published response reaches the reporter; all of it is sealed: no message text in the database', async () => {
    expect((await ask('responses', 'Thank you: the team has changed its duty handover checklist.')).statusCode).toBe(201)

    const messages = (await status()).json().messages
    expect(messages.map((m: { kind: string }) => m.kind)).toEqual(['question', 'answer', 'response'])

    const rows = await dumpAllRows(t.app.db)
    expect(rows).toContain('report_message')
    for (const word of [QUESTION_WORD, ANSWER_WORD, 'checklist', 'Okafor', '07700']) {
      expect(rows).not.toContain(word)
      expect(rows).not.toContain(Buffer.from(word).toString('hex'))
    }
    const stored = await t.app.db.prisma.reportMessage.findMany({ where: { reportId } })
    expect(stored).toHaveLength(3)
    for (const message of stored) {
      expect(Buffer.from(message.ciphertext).toString()).not.toContain('team')
    }
  })

  it('a message altered in the database is shown as unreadable, and the rest of the report still opens', async () => {
    const [first] = await t.app.db.prisma.reportMessage.findMany({ where: { reportId }, orderBy: { seq: 'asc' } })
    const tampered = new Uint8Array(first?.ciphertext as Uint8Array)
    tampered[30] = (tampered[30] as number) ^ 1
    await t.app.db.prisma.reportMessage.update({
      where: { id: first?.id as string },
      data: { ciphertext: tampered as Uint8Array<ArrayBuffer> }
    })

    const opened = await read()
    const seen = await status()

    expect(opened.statusCode).toBe(200)
    expect(opened.json().narrative.length).toBeGreaterThan(20)
    expect(opened.json().messages[0].text).toBe(UNREADABLE)
    expect(opened.json().messages[1].text).toContain(ANSWER_WORD)
    expect(seen.json().messages[0].text).toBe(UNREADABLE)
    await t.app.db.prisma.reportMessage.update({
      where: { id: first?.id as string },
      data: { ciphertext: first?.ciphertext as Uint8Array<ArrayBuffer> }
    })
  })

  it('asking about a report that does not exist is 404; an unknown receipt cannot answer (404)', async () => {
    expect((await ask('questions', 'Anyone there?', '7f0e8a1c-2b3d-4e5f-8a9b-0c1d2e3f4a5b')).statusCode).toBe(404)
    expect((await answer('Hello there', 'AAAA-BBBB-CCCC-DDDD')).statusCode).toBe(404)
    expect((await answer('   ')).statusCode).toBe(400)
  })

  it('withdrawal destroys the narrative and conversation at once and keeps the coded record', async () => {
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: `/api/v1/reports/${reportId}/codings`,
          headers: reviewer.headers,
          payload: coding()
        })
      ).statusCode
    ).toBe(201)
    const before = await t.app.db.prisma.report.findUniqueOrThrow({ where: { id: reportId } })
    const ciphertext = Buffer.from(before.narrativeCiphertext ?? []).toString('hex')
    expect(ciphertext.length).toBeGreaterThan(48)

    const withdrawn = await t.app.inject({
      method: 'POST',
      url: `/api/v1/receipts/${receipt}/withdraw`,
      payload: { confirm: true }
    })

    expect(withdrawn.statusCode).toBe(200)
    expect((await status()).json()).toEqual({ status: 'withdrawn', messages: [], alerts: [], actions: [] })
    const after = await t.app.db.prisma.report.findUniqueOrThrow({ where: { id: reportId } })
    expect(after).toMatchObject({ status: 'withdrawn', narrativeCiphertext: null, narrativeSealedKey: null })
    expect(after.destroyedOn).not.toBeNull()
    expect(await t.app.db.prisma.reportMessage.count({ where: { reportId } })).toBe(0)
    const kept = await t.app.db.prisma.coding.findMany({ where: { reportId }, include: { codes: true } })
    expect(kept).toHaveLength(1)
    expect(kept[0]?.codes.length).toBeGreaterThan(0)
    expect(kept[0]).toMatchObject({ summarySealed: null, learningPointSealed: null, sealedKey: null, learningPoint: '' })
    expect(await dumpAllRows(t.app.db)).not.toContain(ciphertext)

    const seen = (await read()).json()
    expect(seen).toMatchObject({ status: 'withdrawn', narrative: null, messages: [] })
    expect(seen.codings).toHaveLength(1)
    expect((await answer('One more thing')).statusCode).toBe(409)
    expect((await ask('questions', 'Still there?')).statusCode).toBe(409)
  })

  it('withdrawal needs an explicit confirmation', async () => {
    const res = await postReport(t.app, reportBody())
    const other = res.json().receipt as string
    const refused = await t.app.inject({ method: 'POST', url: `/api/v1/receipts/${other}/withdraw`, payload: {} })
    expect(refused.statusCode).toBe(400)
    expect((await status(other)).json().status).toBe('new')
  })
})

describe('merging duplicates', () => {
  let t: TestApp
  let reviewer: SignedIn
  const ids: string[] = []
  const receipts: string[] = []

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_INTAKE_PER_10MIN: '1000' } })
    reviewer = await signIn(t.app, await createUser(t.app, { email: 'rev@example.org', recoveryKey: t.recoveryKey }))
    for (let i = 0; i < 3; i++) {
      receipts.push((await postReport(t.app)).json().receipt)
      const row = await t.app.db.prisma.report.findFirstOrThrow({ where: { id: { notIn: ids } }, select: { id: true } })
      ids.push(row.id)
    }
  })
  afterAll(() => t.close())

  const merge = (id: string, into: string) =>
    t.app.inject({ method: 'POST', url: `/api/v1/reports/${id}/merge`, headers: reviewer.headers, payload: { into } })

  it('marks the duplicate merged into its primary, audited; the reporter just sees it reviewed', async () => {
    const [a, b] = ids as [string, string]
    const res = await merge(a, b)

    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ id: a, status: 'merged', mergedIntoId: b })
    const audit = await t.app.db.prisma.auditEvent.findMany({ where: { reportId: a, action: 'report.merged' } })
    expect(audit).toHaveLength(1)
    const queue = await t.app.inject({
      method: 'GET',
      url: '/api/v1/reports?status=merged',
      headers: { cookie: reviewer.cookie }
    })
    expect(queue.json().total).toBe(1)
    const seen = await t.app.inject({ method: 'GET', url: `/api/v1/receipts/${receipts[0]}` })
    expect(seen.json().status).toBe('coded')
  })

  it('refuses self-merges (400), merging into a merged report or twice (409), and unknown ids (404)', async () => {
    const [a, b, c] = ids as [string, string, string]
    expect((await merge(c, c)).statusCode).toBe(400)
    expect((await merge(c, a)).statusCode).toBe(409)
    expect((await merge(a, c)).statusCode).toBe(409)
    expect((await merge(c, '7f0e8a1c-2b3d-4e5f-8a9b-0c1d2e3f4a5b')).statusCode).toBe(404)
    expect((await merge('7f0e8a1c-2b3d-4e5f-8a9b-0c1d2e3f4a5b', b)).statusCode).toBe(404)
  })

  it('two merges at once cannot make a loop', async () => {
    const [, b, c] = ids as [string, string, string]
    const results = await Promise.all([merge(b, c), merge(c, b)])
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409])
    const rows = await t.app.db.prisma.report.findMany({ where: { id: { in: [b, c] } } })
    expect(rows.filter((row) => row.status === 'merged')).toHaveLength(1)
  })

  it('repoints the duplicates of a report merged in turn, and frees them if their primary is withdrawn', async () => {
    const fresh: { id: string; receipt: string }[] = []
    for (let i = 0; i < 3; i++) {
      const receipt = (await postReport(t.app)).json().receipt as string
      const row = await t.app.db.prisma.report.findFirstOrThrow({ where: { id: { notIn: ids } }, select: { id: true } })
      ids.push(row.id)
      fresh.push({ id: row.id, receipt })
    }
    const [d, e, f] = fresh as [(typeof fresh)[0], (typeof fresh)[0], (typeof fresh)[0]]
    expect((await merge(d.id, e.id)).statusCode).toBe(200)
    expect((await merge(e.id, f.id)).statusCode).toBe(200)
    const chained = await t.app.db.prisma.report.findUniqueOrThrow({ where: { id: d.id } })
    expect(chained.mergedIntoId).toBe(f.id)

    const withdrawn = await t.app.inject({
      method: 'POST',
      url: `/api/v1/receipts/${f.receipt}/withdraw`,
      payload: { confirm: true }
    })
    expect(withdrawn.statusCode).toBe(200)
    const freed = await t.app.db.prisma.report.findMany({ where: { id: { in: [d.id, e.id] } } })
    expect(freed.map((row) => [row.status, row.mergedIntoId])).toEqual([
      ['in_review', null],
      ['in_review', null]
    ])
  })
})
