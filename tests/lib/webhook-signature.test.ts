import { describe, expect, it } from 'vitest'
import { backoffSeconds, signWebhook, verifyWebhook } from '../../src/lib/webhook-signature.js'

const secret = new Uint8Array(32).fill(7)

describe('webhook signatures', () => {
  it('verifies what it signed, and nothing changed or late', () => {
    const now = 1_800_000_000_000
    const timestamp = String(now / 1000)
    const body = '{"id":"a"}'
    const signature = signWebhook(secret, Number(timestamp), body)
    expect(signature).toMatch(/^v1=[0-9a-f]{64}$/)
    expect(verifyWebhook(secret, { timestamp, body, signature }, now)).toBe(true)
    expect(verifyWebhook(secret, { timestamp, body: '{"id":"b"}', signature }, now)).toBe(false)
    expect(verifyWebhook(new Uint8Array(32), { timestamp, body, signature }, now)).toBe(false)
    expect(verifyWebhook(secret, { timestamp: String(now / 1000 + 1), body, signature }, now)).toBe(false)
    expect(verifyWebhook(secret, { timestamp, body, signature }, now + 301_000)).toBe(false)
    expect(verifyWebhook(secret, { timestamp: 'x', body, signature }, now)).toBe(false)
  })

  it('backs off exponentially up to the cap', () => {
    expect([1, 2, 3, 4].map((n) => backoffSeconds(n, 30))).toEqual([30, 60, 120, 240])
    expect(backoffSeconds(40, 30)).toBe(86_400)
  })
})
