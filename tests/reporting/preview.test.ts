import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.js'

describe('POST /api/v1/redaction/preview', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  const preview = (text: unknown) =>
    t.app.inject({ method: 'POST', url: '/api/v1/redaction/preview', payload: { text } as object })

  it('answers the redacted text and findings pointing into the text sent', async () => {
    const text = 'Mum rang the GP at Riverside Surgery about Kacey; her NHS number is 943 476 5919.'
    const res = await preview(text)

    expect(res.statusCode).toBe(200)
    const { redacted, findings, liveRisk } = res.json()
    expect(redacted).toBe('Mum rang the GP at [ORG] about [NAME]; her NHS number is [NHS_NUMBER].')
    expect(findings.map((f: { start: number; end: number }) => text.slice(f.start, f.end))).toEqual([
      'Riverside Surgery',
      'Kacey',
      '943 476 5919'
    ])
    expect(liveRisk).toBe(false)
  })

  it('flags text that reads like a child at risk now', async () => {
    const res = await preview('I think the baby is at risk tonight because dad is back in the house.')

    expect(res.json().liveRisk).toBe(true)
  })

  it('stores nothing', async () => {
    const before = await t.app.db.prisma.report.count()
    await preview('A narrative that must leave no trace anywhere, not even a count.')

    expect(await t.app.db.prisma.report.count()).toBe(before)
    expect(await t.app.db.prisma.idempotencyRecord.count()).toBe(0)
  })

  it.each([
    ['empty text', ''],
    ['text over 10,000 characters', 'x'.repeat(10_001)],
    ['text that is not a string', 42]
  ])('refuses %s with 400', async (_name, text) => {
    const res = await preview(text)

    expect(res.statusCode).toBe(400)
    expect(res.json().message).toMatch(/^body\.text: /)
  })
})
