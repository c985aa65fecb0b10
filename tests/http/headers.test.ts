import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { overSocket } from '../helpers/http.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'

/** Over a real socket (supertest), so the headers are those Node writes to the wire, not inject's. */
describe('security headers (R32) on every response', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp({
      extend: (app) => {
        app.get('/test/boom', async () => {
          throw new Error('probe failure')
        })
      }
    })
  })
  afterAll(() => t.close())

  it.each([
    ['200', '/health/live', 200],
    ['404', '/nowhere', 404],
    ['500', '/test/boom', 500],
    ['docs', '/docs/json', 200]
  ])('%s response', async (_label, url, status) => {
    const res = await (await overSocket(t.app)).get(url)
    const csp = String(res.headers['content-security-policy'])

    expect(res.statusCode).toBe(status)
    for (const directive of [
      "default-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
      "script-src 'self'"
    ]) {
      expect(csp).toContain(directive)
    }
    expect(csp).not.toMatch(/https?:|unsafe-inline|unsafe-eval|\*/)
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains')
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['referrer-policy']).toBe('no-referrer')
    expect(res.headers['cache-control']).toBe('no-store')
    expect(res.headers['x-frame-options']).toBe('DENY')
    expect(res.headers['permissions-policy']).toMatch(/camera=\(\).*microphone=\(\).*geolocation=\(\)/)
    expect(res.headers['set-cookie']).toBeUndefined()
    expect(res.headers['x-powered-by']).toBeUndefined()
    expect(res.headers['content-type']).toMatch(/charset=utf-8/)
  })

  it('keeps a connection alive across requests, each answer with its own headers', async () => {
    const { Agent, get } = await import('node:http')
    await overSocket(t.app)
    const { port } = t.app.server.address() as { port: number }
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    const sockets = new Set<unknown>()
    try {
      for (const path of ['/health/live', '/nowhere', '/health/live']) {
        const { status, headers } = await new Promise<{ status: number; headers: Record<string, unknown> }>(
          (resolve, reject) => {
            const req = get({ host: '127.0.0.1', port, path, agent }, (res) => {
              sockets.add(res.socket)
              res.resume()
              res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }))
            })
            req.on('error', reject)
          }
        )
        expect(status).toBe(path === '/nowhere' ? 404 : 200)
        expect(headers.connection).toBe('keep-alive')
        expect(headers['x-content-type-options']).toBe('nosniff')
      }
      // One socket served all three.
      expect(sockets.size).toBe(1)
    } finally {
      agent.destroy()
    }
  })
})
