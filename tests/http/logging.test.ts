import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { AppError } from '../../src/lib/errors.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.js'

// Canaries: if any of these strings reaches a log line, a reporter could be traced from the logs.
const SOCKET_ADDRESS = '127.0.0.77'
const INJECTED_ADDRESS = '203.0.113.77'
const FORWARDED_FOR = '198.51.100.23'
const USER_AGENT = 'CanaryAgent/9.9 (reporter-laptop)'
const QUERY_WORD = 'canaryquery'

const canaries = [SOCKET_ADDRESS, INJECTED_ADDRESS, FORWARDED_FOR, USER_AGENT, 'CanaryAgent', QUERY_WORD]

/** A real HTTP request from a chosen loopback source address, so the server sees it on the socket. */
const requestFrom = (port: number, path: string) =>
  new Promise<number>((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        localAddress: SOCKET_ADDRESS,
        headers: { 'user-agent': USER_AGENT, 'x-forwarded-for': FORWARDED_FOR, 'x-real-ip': FORWARDED_FOR }
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      }
    )
    req.on('error', reject)
    req.end()
  })

describe('logs carry no client metadata', () => {
  let t: TestApp
  beforeAll(async () => {
    // Trusting the loopback proxy makes request.ip the forwarded address: the worst case for a leak.
    t = await createTestApp({
      env: { TRUST_PROXY: '127.0.0.0/8', LOG_LEVEL: 'trace' },
      extend: (app) => {
        app.get('/test/boom', async () => {
          throw new Error('probe failure')
        })
      }
    })
  })
  afterAll(() => t.close())

  it('finds no canary address, user agent or query in any line, on success, 404 and 500', async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = t.app.server.address() as AddressInfo

    const statuses = [
      await requestFrom(port, `/health/live?${QUERY_WORD}=1`),
      await requestFrom(port, `/nowhere/${QUERY_WORD}`),
      await requestFrom(port, `/test/boom?${QUERY_WORD}=1`)
    ]
    for (const url of ['/health/ready', `/nowhere/${QUERY_WORD}`, '/test/boom']) {
      await t.app.inject({
        method: 'GET',
        url,
        remoteAddress: INJECTED_ADDRESS,
        headers: { 'user-agent': USER_AGENT, 'x-forwarded-for': FORWARDED_FOR }
      })
    }

    expect(statuses).toEqual([200, 404, 500])
    // The requests were logged (so the test looks at real lines)…
    expect(t.logs.records().filter((line) => line.msg === 'request completed').length).toBeGreaterThanOrEqual(6)
    expect(t.logs.text).toContain('probe failure')
    // …and not one line holds a canary.
    for (const canary of canaries) {
      expect(t.logs.text).not.toContain(canary)
    }
  })

  it('logs the route pattern, never the URL that was asked for', async () => {
    const before = t.logs.lines.length
    await t.app.inject({ method: 'GET', url: `/health/live?${QUERY_WORD}=2` })
    const line = t.logs
      .records()
      .slice(before)
      .find((record) => record.msg === 'request completed')

    expect(line).toMatchObject({ req: { method: 'GET', route: '/health/live' }, res: { statusCode: 200 } })
  })

  it('writes no request line at all for routes marked anonymous', async () => {
    await t.app.close()
    t = await createTestApp({
      extend: (app) => {
        app.post('/test/anonymous', { config: { anonymous: true } }, async () => ({ ok: true }))
      }
    })
    const before = t.logs.lines.length

    const res = await t.app.inject({ method: 'POST', url: '/test/anonymous', payload: {} })

    expect(res.statusCode).toBe(200)
    expect(t.logs.lines.slice(before)).toEqual([])
  })
})

describe('a server error on an anonymous route', () => {
  it('is logged with the date only, and without request id or route', async () => {
    const t = await createTestApp({
      extend: (app) => {
        app.post('/test/anonymous-boom', { config: { anonymous: true } }, async () => {
          throw new Error('probe failure on an anonymous route')
        })
      }
    })
    try {
      const res = await t.app.inject({ method: 'POST', url: '/test/anonymous-boom', payload: {} })
      const line = t.logs.records().find((record) => record.msg === 'an anonymous request failed')

      expect(res.statusCode).toBe(500)
      expect(line).toBeDefined()
      expect(line?.time).toMatch(/^\d{4}-\d{2}-\d{2}$/)
      expect(line).not.toHaveProperty('reqId')
      expect(line).not.toHaveProperty('req')
      expect(JSON.stringify(line)).toContain('probe failure')
    } finally {
      await t.close()
    }
  })

  it('nor is a busy database or a refusal there: every line has the date only and no request id', async () => {
    const t = await createTestApp({
      extend: (app) => {
        app.post('/test/anonymous-busy', { config: { anonymous: true } }, async () => {
          throw Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' })
        })
        app.post('/test/anonymous-refused', { config: { anonymous: true } }, async () => {
          throw new AppError('BAD_REQUEST', 'probe refusal')
        })
      }
    })
    try {
      const before = t.logs.lines.length
      const busy = await t.app.inject({ method: 'POST', url: '/test/anonymous-busy', payload: {} })
      const refused = await t.app.inject({ method: 'POST', url: '/test/anonymous-refused', payload: {} })
      const lines = t.logs.records().slice(before)

      expect(busy.statusCode).toBe(503)
      expect(refused.statusCode).toBe(400)
      expect(lines.map((line) => line.msg)).toEqual(['database busy; answered 503', 'request refused'])
      for (const line of lines) {
        expect(line.time).toMatch(/^\d{4}-\d{2}-\d{2}$/)
        expect(line).not.toHaveProperty('reqId')
        expect(line).not.toHaveProperty('req')
      }
    } finally {
      await t.close()
    }
  })
})
