import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.js'

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
    const res = await t.app.inject({ method: 'GET', url })
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
})
