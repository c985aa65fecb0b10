import { Redis } from 'ioredis'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { newReceipt } from '../../src/lib/crypto/secrets.js'
import { postReport } from '../helpers/reports.js'

describe('rate limits on anonymous routes (R37)', () => {
  let t: TestApp | undefined
  afterEach(async () => {
    await t?.close()
    t = undefined
  })

  it('refuses the 11th submission in ten minutes from one address with 429 and Retry-After', async () => {
    t = await createTestApp()
    const from = (remoteAddress: string) =>
      t?.app.inject({ method: 'POST', url: '/api/v1/reports', payload: postReportBody(), remoteAddress })

    const statuses = []
    for (let i = 0; i < 11; i++) {
      statuses.push((await from('203.0.113.10'))?.statusCode)
    }
    const eleventh = await from('203.0.113.10')
    const other = await from('203.0.113.11')

    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(201))
    expect(statuses[10]).toBe(429)
    expect(eleventh?.statusCode).toBe(429)
    expect(eleventh?.json()).toMatchObject({ error: 'RATE_LIMITED' })
    expect(Number(eleventh?.headers['retry-after'])).toBeGreaterThan(0)
    expect(other?.statusCode).toBe(201)
  })

  it('limits previews per minute as configured', async () => {
    t = await createTestApp({ env: { RATE_LIMIT_PREVIEW_PER_MIN: '3' } })
    const statuses = []
    for (let i = 0; i < 4; i++) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/redaction/preview', payload: { text: 'hello there' } })
      statuses.push(res.statusCode)
    }

    expect(statuses).toEqual([200, 200, 200, 429])
  })

  it('limits receipt guessing per address as configured by RATE_LIMIT_RECEIPT_PER_MIN, whatever receipt is tried', async () => {
    t = await createTestApp({ env: { RATE_LIMIT_RECEIPT_PER_MIN: '3' } })
    const guess = (remoteAddress: string) =>
      t?.app.inject({ method: 'GET', url: `/api/v1/receipts/${newReceipt()}`, remoteAddress })

    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await guess('203.0.113.20'))?.statusCode)
    const refused = await guess('203.0.113.20')
    const other = await guess('203.0.113.21')

    expect(statuses).toEqual([404, 404, 404, 429])
    expect(refused?.json()).toMatchObject({ error: 'RATE_LIMITED' })
    expect(refused?.headers['cache-control']).toBe('no-store')
    expect(other?.statusCode).toBe(404)
  })

  it('limits submissions as configured by RATE_LIMIT_INTAKE_PER_10MIN', async () => {
    t = await createTestApp({ env: { RATE_LIMIT_INTAKE_PER_10MIN: '2' } })
    const statuses = []
    for (let i = 0; i < 3; i++) {
      statuses.push((await postReport(t.app)).statusCode)
    }

    expect(statuses).toEqual([201, 201, 429])
  })
})

const postReportBody = () => ({
  eventClass: 'near_miss',
  narrative: 'A report sent from one address many times in ten minutes.',
  detection: 'self',
  setting: 'assessment',
  region: 'london',
  occurredMonth: '2026-01',
  handover: true,
  consentToPublish: false
})

// The CI machine runs Redis on 127.0.0.1:6379; elsewhere this block is skipped, and says so.
const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null })
const hasRedis = await redis.connect().then(
  () => true,
  () => false
)

describe.skipIf(!hasRedis)('rate limits shared through Redis (REDIS_URL)', () => {
  afterAll(() => redis.disconnect())

  it('counts one client across two instances, and Redis never holds the address', async () => {
    const env = {
      REDIS_URL: 'redis://127.0.0.1:6379',
      SERVER_SECRET: Buffer.from(Array.from({ length: 32 }, (_, i) => i * 7 + 1)).toString('base64'),
      RATE_LIMIT_PREVIEW_PER_MIN: '3'
    }
    const one = await createTestApp({ env })
    const two = await createTestApp({ env })
    // A fresh address per run, so other runs' counters cannot interfere.
    const address = `198.51.100.${Math.floor(Math.random() * 250) + 1}`
    try {
      const preview = (app: TestApp) =>
        app.app.inject({
          method: 'POST',
          url: '/api/v1/redaction/preview',
          payload: { text: 'hello there' },
          remoteAddress: address
        })
      const statuses = [
        (await preview(one)).statusCode,
        (await preview(two)).statusCode,
        (await preview(one)).statusCode,
        (await preview(two)).statusCode
      ]
      const keys = await redis.keys('candid-rl:*')

      expect(statuses).toEqual([200, 200, 200, 429])
      expect(keys.length).toBeGreaterThan(0)
      expect(keys.join(' ')).not.toContain(address)
      expect(keys.join(' ')).not.toContain('198.51.100')
    } finally {
      await one.close()
      await two.close()
    }
  })
})
