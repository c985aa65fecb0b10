import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postReport } from '../helpers/reports.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createUser, type SignedIn, signIn } from '../helpers/users.js'

// Inputs that once reached the database or the router raw, found by tests/http/fuzz-review.test.ts.
describe('inputs refused before they reach a query', () => {
  let t: TestApp
  let reviewer: SignedIn
  let reportId: string

  beforeAll(async () => {
    t = await createTestApp()
    reviewer = await signIn(t.app, await createUser(t.app, { email: 'r@example.org', recoveryKey: t.recoveryKey }))
    expect((await postReport(t.app)).statusCode).toBe(201)
    reportId = (await t.app.db.prisma.report.findFirstOrThrow({ select: { id: true } })).id
  })
  afterAll(() => t.close())

  it('answers a NUL character anywhere (query, body, login) with 400, never a database error', async () => {
    const queue = await t.app.inject({ method: 'GET', url: '/api/v1/reports?region=%00', headers: { cookie: reviewer.cookie } })
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'a\u0000b@example.org', password: 'x', totp: '000000' }
    })
    const nested = await t.app.inject({
      method: 'POST',
      url: '/api/v1/redaction/preview',
      payload: { text: 'fine', deep: [[[{ 'k\u0000': 1 }]]] }
    })
    for (const res of [queue, login, nested]) {
      expect(res.statusCode).toBe(400)
      expect(res.json().message).toContain('NUL')
    }
  })

  it('treats an id in capitals as the same id: a question asked that way is readable by both sides', async () => {
    const asked = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${reportId.toUpperCase()}/questions`,
      headers: reviewer.headers,
      payload: { text: 'When was it?' }
    })
    expect(asked.statusCode).toBe(201)
    const read = await t.app.inject({ method: 'GET', url: `/api/v1/reports/${reportId}`, headers: { cookie: reviewer.cookie } })
    expect(read.statusCode).toBe(200)
    expect(read.json().messages).toHaveLength(1)
    const merged = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${reportId}/merge`,
      headers: reviewer.headers,
      payload: { into: reportId.toUpperCase() }
    })
    expect(merged.statusCode).toBe(400)
  })

  it("answers the router's own refusals in the service's shape, without echoing the path", async () => {
    const long = await t.app.inject({ method: 'GET', url: `/api/v1/receipts/${'A'.repeat(150)}` })
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/reports/%' })
    expect(long.statusCode).toBe(404)
    expect(bad.statusCode).toBe(400)
    for (const res of [long, bad]) {
      expect(Object.keys(res.json()).sort()).toEqual(['error', 'message', 'requestId'])
      expect(res.body).not.toContain('AAAA')
      expect(res.headers['cache-control']).toBe('no-store')
    }
  })
})
