import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Receiver, startReceiver, startSmtp, waitFor } from '../helpers/alerts.js'
import { createApiKey } from '../helpers/api-keys.js'
import { postReport, reportBody } from '../helpers/reports.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { type SignedIn, signedInUser } from '../helpers/users.js'

const HAZARD = 'Mrs Jennifer Hartley at the duty desk found strategy minutes going to an old address.'
const MAILBOX = 'duty-managers@north-east.example.org'

describe('hazard alerts', () => {
  let t: TestApp
  let smtp: Awaited<ReturnType<typeof startSmtp>>
  let receiver: Receiver
  let reviewer: SignedIn
  let leadA: SignedIn
  let leadB: SignedIn
  let admin: SignedIn

  beforeAll(async () => {
    smtp = await startSmtp()
    receiver = await startReceiver()
    // WEBHOOK_PRIVATE_ADDRESSES: the test's receiver listens on loopback (refused by default: outbound-post.test.ts).
    t = await createTestApp({
      env: { SMTP_URL: smtp.url, ALERT_DELIVERY_SECONDS: '1', ALERT_RETRY_SECONDS: '1', WEBHOOK_PRIVATE_ADDRESSES: 'true' }
    })
    reviewer = await signedInUser(t.app, { email: 'reviewer@candid.test' })
    leadA = await signedInUser(t.app, { email: 'lead-a@candid.test', role: 'lead' })
    leadB = await signedInUser(t.app, { email: 'lead-b@candid.test', role: 'lead' })
    admin = await signedInUser(t.app, { email: 'admin@candid.test', role: 'admin' })
  })
  afterAll(async () => {
    await t?.close()
    await receiver?.close()
    await smtp?.close()
  })

  const draft = (who: SignedIn, body: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/api/v1/alerts', headers: who.headers, payload: body })
  const approve = (who: SignedIn, id: string) =>
    t.app.inject({ method: 'POST', url: `/api/v1/alerts/${id}/approve`, headers: who.headers })

  it('is drafted redacted, refused to its drafter, approved by a second lead, and delivered by e-mail and signed webhook with retries', async () => {
    const recipient = await t.app.inject({
      method: 'POST', url: '/api/v1/alerts/recipients', headers: admin.headers, payload: { region: 'north-east', email: MAILBOX }
    })
    expect(recipient.statusCode).toBe(201)
    const hook = await t.app.inject({
      method: 'POST', url: '/api/v1/alerts/webhooks', headers: admin.headers, payload: { region: 'north-east', url: receiver.url }
    })
    expect(hook.statusCode).toBe(201)
    receiver.secret = new Uint8Array(Buffer.from((hook.json() as { secret: string }).secret, 'base64url'))
    // Only admins manage receivers.
    expect((await t.app.inject({
      method: 'POST', url: '/api/v1/alerts/recipients', headers: leadA.headers, payload: { region: 'north-east', email: MAILBOX }
    })).statusCode).toBe(403)

    const report = await postReport(t.app, reportBody())
    const receipt = (report.json() as { receipt: string }).receipt
    const before = await t.app.inject({ method: 'GET', url: `/api/v1/receipts/${receipt}` })
    expect(before.json()).toMatchObject({ alerts: [] })
    const reportId = (await t.app.db.prisma.report.findFirstOrThrow({ select: { id: true } })).id

    const drafted = await draft(leadA, {
      hazard: HAZARD, themes: ['TC.HO.02', 'TC'], step: 'Check the address on every invite before it goes.', regions: ['north-east'], reportId
    })
    expect(drafted.statusCode).toBe(201)
    type Drafted = { alert: { id: string; hazard: string; status: string }; findings: { hazard: unknown[] } }
    const { alert, findings } = drafted.json() as Drafted
    expect(alert.status).toBe('draft')
    expect(alert.hazard).not.toContain('Hartley')
    expect(alert.hazard).toContain('[NAME]')
    expect(findings.hazard.length).toBeGreaterThan(0)
    const stored = await t.app.db.prisma.alert.findUniqueOrThrow({ where: { id: alert.id } })
    expect(stored.hazard).not.toContain('Hartley')

    // Two people: the drafter cannot approve, nor can a reviewer; nothing is queued by a refusal.
    expect((await approve(leadA, alert.id)).statusCode).toBe(403)
    expect((await approve(reviewer, alert.id)).statusCode).toBe(403)
    expect(await t.app.db.prisma.alertDelivery.count()).toBe(0)

    receiver.down = true
    const approved = await approve(leadB, alert.id)
    expect(approved.statusCode).toBe(200)
    expect(approved.json()).toMatchObject({ alert: { status: 'approved' }, queued: 2 })
    expect((await approve(leadB, alert.id)).statusCode).toBe(409)

    // E-mail arrives; the webhook is refused (503) and tried again with backoff.
    await waitFor(() => smtp.messages.length === 1, 20_000, 'the e-mail')
    expect(smtp.messages[0]?.to).toEqual([MAILBOX])
    expect(smtp.messages[0]?.raw).toContain(alert.id)
    expect(smtp.messages[0]?.raw).not.toContain('Hartley')
    await waitFor(() => receiver.attempts >= 2, 20_000, 'two refused webhook attempts')
    expect(receiver.received).toHaveLength(0)
    receiver.down = false
    await waitFor(() => receiver.received.length === 1, 20_000, 'the webhook after the receiver came back')
    expect(receiver.received[0]).toMatchObject({ alertId: alert.id, body: { id: alert.id, themes: ['TC.HO.02', 'TC'] } })
    expect(receiver.badSignatures).toBe(0)
    await waitFor(async () => (await t.app.inject({ method: 'GET', url: `/api/v1/alerts/${alert.id}`, headers: reviewer.headers }))
      .json().deliveries.sent === 2, 10_000, 'both rows marked sent')
    // Sent once each: a few more runs of the worker send nothing again.
    await new Promise((resolve) => setTimeout(resolve, 2500))
    expect(smtp.messages).toHaveLength(1)
    expect(receiver.received).toHaveLength(1)

    // Every attempt logged, never with the address or the body.
    const attempts = t.logs.records().filter((line) => line.event === 'alert-delivery')
    expect(attempts.filter((line) => line.outcome === 'failed' && line.channel === 'webhook').length).toBeGreaterThanOrEqual(1)
    expect(attempts.filter((line) => line.outcome === 'sent')).toHaveLength(2)
    expect(t.logs.text).not.toContain(MAILBOX)
    expect(t.logs.text).not.toContain('Check the address on every invite')
    expect(t.logs.text).not.toContain('[NAME]')

    // The linked report's receipt shows that an alert went out (and nothing else about it).
    const after = await t.app.inject({ method: 'GET', url: `/api/v1/receipts/${receipt}` })
    expect(after.json()).toMatchObject({ alerts: [{ issuedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) }] })
  })

  it('lists approved alerts to API keys of their regions only', async () => {
    const drafted = await draft(reviewer, { hazard: 'Out-of-hours rota shows no manager on Sundays.', themes: ['PA.SL.01'], step: 'Confirm cover by Friday.', regions: [] })
    const everywhere = (drafted.json() as { alert: { id: string } }).alert.id
    const london = (await draft(reviewer, { hazard: 'A London-only hazard.', themes: ['PA'], step: 'Check.', regions: ['london'] })).json().alert.id as string
    const north = await createApiKey(t.app, 'north-east')
    const list = async () => (await t.app.inject({ method: 'GET', url: '/api/v1/alerts', headers: { authorization: `Bearer ${north}` } })).json() as { alerts: { id: string }[] }
    expect((await list()).alerts.map((a) => a.id)).not.toContain(everywhere)
    expect((await approve(leadA, everywhere)).statusCode).toBe(200)
    expect((await approve(leadA, london)).statusCode).toBe(200)
    const ids = (await list()).alerts.map((a) => a.id)
    expect(ids).toContain(everywhere)
    expect(ids).not.toContain(london)
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/alerts' })).statusCode).toBe(401)
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/alerts', headers: reviewer.headers })).statusCode).toBe(401)
  })

  it('refuses unknown themes, regions and reports', async () => {
    const base = { hazard: 'x', themes: ['PA'], step: 'y', regions: [] }
    expect((await draft(reviewer, { ...base, themes: ['ZZ.99'] })).statusCode).toBe(400)
    expect((await draft(reviewer, { ...base, regions: ['atlantis'] })).statusCode).toBe(400)
    expect((await draft(reviewer, { ...base, reportId: '00000000-0000-4000-8000-000000000000' })).statusCode).toBe(404)
    expect((await approve(leadA, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(404)
  })
})
