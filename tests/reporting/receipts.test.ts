import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newReceipt } from '../../src/lib/crypto/secrets.js'
import { postReport } from '../helpers/reports.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'

describe('GET /api/v1/receipts/{receipt}', () => {
  let t: TestApp
  let receipt: string
  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_RECEIPT_PER_MIN: '100000' } })
    receipt = (await postReport(t.app)).json().receipt
  })
  afterAll(() => t.close())

  const lookUp = (value: string) => t.app.inject({ method: 'GET', url: `/api/v1/receipts/${encodeURIComponent(value)}` })

  it('tells the holder where the report stands', async () => {
    const res = await lookUp(receipt)

    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ status: 'new', messages: [], alerts: [], actions: [] })
    expect(res.headers['cache-control']).toBe('no-store')
  })

  it('reads the receipt however it is typed: lower case, no hyphens, I for 1, O for 0', async () => {
    const typed = receipt.toLowerCase().replace(/-/g, '').replace(/1/g, 'i').replace(/0/g, 'o')

    expect((await lookUp(typed)).json()).toEqual({ status: 'new', messages: [], alerts: [], actions: [] })
  })

  it('answers unknown and malformed receipts with the same 404', async () => {
    const unknown = await lookUp(newReceipt())
    const malformed = await lookUp('not-a-receipt-at-all')

    for (const res of [unknown, malformed]) {
      expect(res.statusCode).toBe(404)
      expect(res.json()).toMatchObject({ error: 'NOT_FOUND', message: 'No report has this receipt. Check it and try again.' })
    }
  })

  it('takes no measurably different time for unknown receipts than for known ones', async () => {
    const timeOf = async (value: string) => {
      const started = process.hrtime.bigint()
      await lookUp(value)
      return Number(process.hrtime.bigint() - started) / 1e6
    }
    for (let i = 0; i < 30; i++) {
      await timeOf(receipt)
      await timeOf(newReceipt())
    }
    // Paired: each known look-up is timed next to an unknown one (in alternating order), and the median of the
    // differences is compared, so load from elsewhere on the machine (other test files) cancels out.
    const differences: number[] = []
    for (let i = 0; i < 400; i++) {
      if (i % 2 === 0) {
        const known = await timeOf(receipt)
        differences.push(known - (await timeOf(newReceipt())))
      } else {
        const unknown = await timeOf(newReceipt())
        differences.push((await timeOf(receipt)) - unknown)
      }
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] as number

    // Both paths hash the receipt and make one indexed lookup; what differs is a row versus no row.
    expect(Math.abs(median(differences))).toBeLessThan(0.5)
  })
})
