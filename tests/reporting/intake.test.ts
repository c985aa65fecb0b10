import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { newIdempotencyKey, postReport, reportBody } from '../helpers/reports.js'

describe('POST /api/v1/reports', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_INTAKE_PER_10MIN: '1000' } })
  })
  afterAll(() => t.close())

  const countReports = async () => t.app.db.prisma.report.count()

  it('files a report: 201 with a receipt, the redacted narrative and its findings', async () => {
    const res = await postReport(
      t.app,
      reportBody({ narrative: 'Mrs Okafor rang about Jayden (7) at 14 Elswick Road, NE4 6JL; the letter was wrong.' })
    )

    expect(res.statusCode).toBe(201)
    const body = res.json()
    expect(Object.keys(body).sort()).toEqual(['findings', 'receipt', 'redacted'])
    expect(body.receipt).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/)
    expect(body.redacted).toBe('Mrs [NAME] rang about [NAME] ([AGE]) at [ADDRESS], [POSTCODE]; the letter was wrong.')
    expect(body.findings.map((finding: { type: string }) => finding.type)).toEqual([
      'NAME',
      'NAME',
      'AGE',
      'ADDRESS',
      'POSTCODE'
    ])
    expect(res.headers['cache-control']).toBe('no-store')
    expect(res.headers['set-cookie']).toBeUndefined()
  })

  it('stores a random v4 id, the arrival date (not an instant) and the event month', async () => {
    const res = await postReport(t.app, reportBody({ occurredMonth: '2026-02' }))
    expect(res.statusCode).toBe(201)

    const rows = await t.app.db.prisma.$queryRaw<{ id: string; received: string; occurred: string }[]>`
      SELECT id::text, received_on::text AS received, occurred_month::text AS occurred FROM report`
    for (const row of rows) {
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
      expect(row.received).toBe(new Date().toISOString().slice(0, 10))
    }
    expect(rows.map((row) => row.occurred)).toContain('2026-02-01')
  })

  it.each([
    ['a narrative under 20 characters', { narrative: 'too short' }, /^body\.narrative: /],
    ['a narrative over 10,000 characters', { narrative: 'x'.repeat(10_001) }, /^body\.narrative: /],
    ['an unknown event class', { eventClass: 'accident' }, /^body\.eventClass: /],
    ['an unknown detection', { detection: 'luck' }, /^body\.detection: /],
    ['an unknown setting', { setting: 'school' }, /^body\.setting: /],
    ['a region not configured', { region: 'atlantis' }, /^body\.region: /],
    ['a month that does not exist', { occurredMonth: '2026-13' }, /^body\.occurredMonth: /],
    ['a month in the future', { occurredMonth: '2099-01' }, /^body\.occurredMonth: the month may not be in the future/],
    ['a handover that is not a boolean', { handover: 'yes' }, /^body\.handover: /],
    ['a missing consent answer', { consentToPublish: undefined }, /^body\.consentToPublish: /],
    ['a field the contract does not have', { reporterEmail: 'me@example.org' }, /reporterEmail/]
  ])('refuses %s with 400 naming the field', async (_name, change, message) => {
    const before = await countReports()
    const res = await postReport(t.app, reportBody(change))

    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ error: 'VALIDATION_FAILED', message: expect.stringMatching(message) })
    expect(await countReports()).toBe(before)
  })

  it('answers 413 above 64 KiB and 415 for anything but JSON', async () => {
    const big = await postReport(t.app, reportBody({ narrative: 'a'.repeat(70_000) }))
    const form = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'narrative=hello'
    })

    expect(big.statusCode).toBe(413)
    expect(form.statusCode).toBe(415)
  })

  it('honours Idempotency-Key: the same request is stored once and answered the same', async () => {
    const key = newIdempotencyKey()
    const body = reportBody({ narrative: 'The same report sent twice because the connection dropped on the bus.' })
    const before = await countReports()

    const first = await postReport(t.app, body, { 'idempotency-key': key })
    const again = await postReport(t.app, { ...body }, { 'idempotency-key': key })

    expect(first.statusCode).toBe(201)
    expect(again.statusCode).toBe(201)
    expect(again.json()).toEqual(first.json())
    expect(await countReports()).toBe(before + 1)
  })

  it('refuses the same Idempotency-Key with a different body: 422, nothing stored', async () => {
    const key = newIdempotencyKey()
    await postReport(t.app, reportBody(), { 'idempotency-key': key })
    const before = await countReports()

    const res = await postReport(t.app, reportBody({ eventClass: 'incident' }), { 'idempotency-key': key })

    expect(res.statusCode).toBe(422)
    expect(res.json().error).toBe('UNPROCESSABLE')
    expect(await countReports()).toBe(before)
  })

  it('stores exactly one report for 20 identical requests sent at once', async () => {
    const key = newIdempotencyKey()
    const body = reportBody({ narrative: 'Twenty taps on the submit button in a panic on a slow connection.' })
    const before = await countReports()

    const answers = await Promise.all(Array.from({ length: 20 }, () => postReport(t.app, body, { 'idempotency-key': key })))

    const receipts = new Set(answers.filter((res) => res.statusCode === 201).map((res) => res.json().receipt))
    expect(answers.every((res) => res.statusCode === 201 || res.statusCode === 409)).toBe(true)
    expect(receipts.size).toBe(1)
    expect(await countReports()).toBe(before + 1)
  })

  it('matches replays on the report as stored: bodies differing only in what redaction removes are the same', async () => {
    const key = newIdempotencyKey()
    const first = await postReport(t.app, reportBody({ narrative: 'The NHS number 943 476 5919 was on the wrong letter.' }), {
      'idempotency-key': key
    })
    const retyped = await postReport(t.app, reportBody({ narrative: 'The NHS number 401 023 2137 was on the wrong letter.' }), {
      'idempotency-key': key
    })

    expect(first.statusCode).toBe(201)
    expect(retyped.statusCode).toBe(201)
    expect(retyped.json().receipt).toBe(first.json().receipt)
  })

  it('keeps findings pointing into the narrative exactly as sent, leading spaces included', async () => {
    const narrative = '   Mrs Okafor rang about the wrong letter again on Monday.'
    const res = await postReport(t.app, reportBody({ narrative }))

    const [finding] = res.json().findings
    expect(narrative.slice(finding.start, finding.end)).toBe('Okafor')
  })

  it('refuses a malformed Idempotency-Key with 400', async () => {
    const res = await postReport(t.app, reportBody(), { 'idempotency-key': 'short' })

    expect(res.statusCode).toBe(400)
    expect(res.json().message).toMatch(/^headers\.idempotency-key: /)
  })
})
