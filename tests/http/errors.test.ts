import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { GENERIC_INTERNAL_MESSAGE } from '../../src/lib/errors.js'
import { overSocket } from '../helpers/http.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'

// Probe routes stand in for the domain modules: they exercise the app-wide error mapping, body limit and
// content-type handling that every module inherits.
const addProbeRoutes = (app: FastifyInstance) => {
  const typed = app.withTypeProvider<ZodTypeProvider>()
  typed.post(
    '/test/echo',
    { schema: { body: z.object({ name: z.string().min(2), count: z.number().int() }).strict() } },
    async (request) => request.body
  )
  typed.get(
    '/test/items/:id',
    { schema: { params: z.object({ id: z.uuid() }), querystring: z.object({ page: z.coerce.number().int().min(1) }) } },
    async () => ({ ok: true })
  )
  typed.get('/test/boom', async () => {
    throw new Error('internal detail: connection to 10.1.2.3 refused, secret=hunter2')
  })
  // A real Prisma transaction that outlives its timeout, as one waiting on a lock would.
  typed.get('/test/slow-transaction', async () =>
    app.db.prisma.$transaction(async () => new Promise((resolve) => setTimeout(resolve, 300)), { timeout: 50 })
  )
  // A raw query failing with a SQLSTATE, as PostgreSQL reports a cancelled statement or an SQL error.
  typed.get('/test/raw-failure/:sqlstate', async (request) => {
    const { sqlstate } = request.params as { sqlstate: string }
    if (!/^[0-9A-Z]{5}$/.test(sqlstate)) throw new Error('not a SQLSTATE')
    return app.db.prisma.$executeRawUnsafe(
      `DO $$ BEGIN RAISE EXCEPTION 'probe failure' USING ERRCODE = '${sqlstate}'; END $$`
    )
  })
  typed.get('/test/bad-response', { schema: { response: { 200: z.object({ ok: z.boolean() }) } } }, async () => {
    return { ok: 'not a boolean', password: 'should never be sent' } as unknown as { ok: boolean }
  })
}

const ERROR_KEYS = ['error', 'message', 'requestId']

describe('error shape', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp({ extend: addProbeRoutes })
  })
  afterAll(() => t.close())

  const expectErrorShape = (body: Record<string, unknown>, code: string) => {
    expect(Object.keys(body).sort()).toEqual(ERROR_KEYS)
    expect(body.error).toBe(code)
    expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/)
    expect(typeof body.message).toBe('string')
  }

  it('answers unknown routes 404 without echoing the path', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/no/such/route-canary-404' })

    expect(res.statusCode).toBe(404)
    expectErrorShape(res.json(), 'NOT_FOUND')
    expect(res.body).not.toContain('canary')
  })

  it('answers 400 naming the invalid body field', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/test/echo', payload: { name: 'x', count: 1 } })

    expect(res.statusCode).toBe(400)
    expectErrorShape(res.json(), 'VALIDATION_FAILED')
    expect(res.json().message).toMatch(/^body\.name: /)
  })

  it('names unknown fields and query or path parameters', async () => {
    const extra = await t.app.inject({
      method: 'POST',
      url: '/test/echo',
      payload: { name: 'xy', count: 1, admin: true }
    })
    expect(extra.statusCode).toBe(400)
    expect(extra.json().message).toContain('admin')

    const params = await t.app.inject({ method: 'GET', url: '/test/items/not-a-uuid?page=1' })
    expect(params.statusCode).toBe(400)
    expect(params.json().message).toMatch(/^params\.id: /)

    const query = await t.app.inject({ method: 'GET', url: '/test/items/1b4e28ba-2fa1-41d2-883f-0016d3cca427?page=0' })
    expect(query.statusCode).toBe(400)
    expect(query.json().message).toMatch(/^querystring\.page: /)
  })

  it('answers malformed JSON 400 without quoting it back', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/test/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": "canary-json-word", oops'
    })

    expect(res.statusCode).toBe(400)
    expectErrorShape(res.json(), 'BAD_REQUEST')
    expect(res.body).not.toContain('canary-json-word')
  })

  it('answers an empty JSON body 400', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/test/echo',
      headers: { 'content-type': 'application/json' }
    })

    expect(res.statusCode).toBe(400)
    expectErrorShape(res.json(), 'BAD_REQUEST')
  })

  it('answers bodies over 64 KiB with 413, over a real socket as a client streams them', async () => {
    const client = await overSocket(t.app)
    const res = await client
      .post('/test/echo')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ name: 'x'.repeat(70 * 1024), count: 1 }))

    expect(res.status).toBe(413)
    expectErrorShape(res.body, 'PAYLOAD_TOO_LARGE')
    // Just under the limit is read and validated as usual.
    const fits = await client
      .post('/test/echo')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ name: 'x'.repeat(60 * 1024), count: 1 }))
    expect(fits.status).toBe(200)
  })

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml'])(
    'answers %s with 415',
    async (contentType) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/test/echo',
        headers: { 'content-type': contentType },
        payload: 'name=xy&count=1'
      })

      expect(res.statusCode).toBe(415)
      expectErrorShape(res.json(), 'UNSUPPORTED_MEDIA_TYPE')
    }
  )

  it('answers a thrown error with a generic 500 that leaks nothing, and logs it', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/test/boom' })

    expect(res.statusCode).toBe(500)
    expectErrorShape(res.json(), 'INTERNAL')
    expect(res.json().message).toBe(GENERIC_INTERNAL_MESSAGE)
    expect(res.body).not.toMatch(/internal detail|10\.1\.2\.3|hunter2|stack|at .*\.ts/)
    const logged = t.logs.records().find((line) => line.msg === 'request failed')
    expect(logged).toMatchObject({ reqId: res.json().requestId, err: { message: expect.stringContaining('internal') } })
  })

  it('answers a transaction that timed out (the database busy) with 503 and Retry-After, not 500', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/test/slow-transaction' })

    expect(res.statusCode).toBe(503)
    expectErrorShape(res.json(), 'SERVICE_UNAVAILABLE')
    expect(res.headers['retry-after']).toBe('2')
    expect(t.logs.records().find((line) => line.event === 'database-busy')).toMatchObject({ dbCode: 'P2028' })
  })

  it('answers a raw query the database cancelled (statement timeout) with 503, and any other SQL error with 500', async () => {
    const cancelled = await t.app.inject({ method: 'GET', url: '/test/raw-failure/57014' })

    expect(cancelled.statusCode).toBe(503)
    expectErrorShape(cancelled.json(), 'SERVICE_UNAVAILABLE')
    expect(cancelled.headers['retry-after']).toBe('2')
    expect(t.logs.records().filter((line) => line.event === 'database-busy').at(-1)).toMatchObject({ dbCode: '57014' })

    const failed = await t.app.inject({ method: 'GET', url: '/test/raw-failure/22012' })
    expect(failed.statusCode).toBe(500)
    expectErrorShape(failed.json(), 'INTERNAL')
    expect(failed.body).not.toContain('probe failure')
  })

  it('never sends a response that breaks its schema: 500 instead, and the extra field stays unsent', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/test/bad-response' })

    expect(res.statusCode).toBe(500)
    expectErrorShape(res.json(), 'INTERNAL')
    expect(res.body).not.toContain('should never be sent')
  })
})
