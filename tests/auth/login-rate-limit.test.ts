import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.js'

/**
 * The per-address limit on sign-in (RATE_LIMIT_LOGIN_PER_MIN), left low here where every other auth test raises
 * it. Behind the trusted proxy (TRUST_PROXY) the client is the X-Forwarded-For address; from anyone else the
 * header is ignored.
 */
const LIMIT = 3

describe('sign-in rate limit per address (RATE_LIMIT_LOGIN_PER_MIN)', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_LOGIN_PER_MIN: String(LIMIT), TRUST_PROXY: '127.0.0.1' } })
  })
  afterAll(() => t.close())

  // A different unknown account each time, so the per-account lock (five failures) never answers instead.
  let n = 0
  const attempt = (headers: Record<string, string>, remoteAddress = '127.0.0.1') =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress,
      headers,
      payload: { email: `nobody-${n++}@example.org`, password: 'not anybody\'s password at all', totp: '123456' }
    })

  it(`answers 429 with Retry-After from the ${LIMIT + 1}th attempt in a minute, counting each address on its own`, async () => {
    const first = { 'x-forwarded-for': '203.0.113.7' }
    const second = { 'x-forwarded-for': '198.51.100.9' }

    for (let i = 0; i < LIMIT; i++) {
      expect((await attempt(first)).statusCode).toBe(401)
    }
    const limited = await attempt(first)
    expect(limited.statusCode).toBe(429)
    expect(limited.json()).toMatchObject({ error: 'RATE_LIMITED', message: expect.stringMatching(/Too many requests/) })
    const retryAfter = Number(limited.headers['retry-after'])
    expect(retryAfter).toBeGreaterThan(0)
    expect(retryAfter).toBeLessThanOrEqual(60)
    expect(limited.headers['set-cookie']).toBeUndefined()

    // Another client behind the same proxy is not held back by the first one's attempts.
    expect((await attempt(second)).statusCode).toBe(401)
    expect((await attempt(first)).statusCode).toBe(429)
  })

  it('ignores X-Forwarded-For from a peer that is not the trusted proxy: changing it does not reset the count', async () => {
    const peer = '192.0.2.50'
    for (let i = 0; i < LIMIT; i++) {
      expect((await attempt({ 'x-forwarded-for': `203.0.113.${100 + i}` }, peer)).statusCode).toBe(401)
    }

    expect((await attempt({ 'x-forwarded-for': '203.0.113.200' }, peer)).statusCode).toBe(429)
    expect((await attempt({}, '192.0.2.51')).statusCode).toBe(401)
  })
})
