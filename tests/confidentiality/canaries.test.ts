import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dumpAllRows, rawDatabaseBytes } from '../helpers/db-contents.js'
import { newIdempotencyKey, reportBody } from '../helpers/reports.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'

// R1, R2, R5: a reporter's address, user agent and words must not reach a table, the database's files or a log
// line. Canaries are planted in a real request (socket address, X-Forwarded-For, User-Agent, a narrative word the
// redactor keeps) and searched for everywhere afterwards.
const SOCKET_ADDRESS = '127.0.0.77'
const FORWARDED = '198.51.100.23'
const FORWARDED_PREFIX = '198.51.100.'
const INJECTED = '203.0.113.99'
const USER_AGENT = 'CanaryAgent/7.7 (reporter-phone)'
const WORD = 'flibbertigibbet'
const NARRATIVE = `The ${WORD} duty rota left the Front Door short on Monday and a referral waited two days.`
// R1: a hundred submissions, each through a different forwarded address (IPv4 and IPv6 in turn), none of which,
// nor its /24 or /64 prefix, may be kept. R5: identifiers of every structured type in the narrative.
const SPREAD = Array.from({ length: 100 }, (_, i) =>
  i % 2 === 0
    ? { address: `198.18.${i}.${i + 101}`, prefix: `198.18.${i}.` }
    : { address: `2001:db8:${(i + 0xa00).toString(16)}:cafe:7:8:9:${i.toString(16)}`, prefix: `2001:db8:${(i + 0xa00).toString(16)}:cafe` }
)
const IDENTIFIERS = ['Okafor', '943 476 5919', '9434765919', 'JK 42 18 36 C', 'canary.reporter@example.org', '07700 900123',
  '03/04/2015', 'NE4 6JL', 'MOS-384756']
const IDENTIFYING_NARRATIVE =
  'Mrs Okafor gave NHS 943 476 5919 and NI JK 42 18 36 C, e-mail canary.reporter@example.org, phone 07700 900123, ' +
  'DOB 03/04/2015, at NE4 6JL; case ref MOS-384756 was on the wrong file.'

type Answer = { status: number; body: string }

const send = (port: number, method: string, path: string, payload?: object, headers: Record<string, string> = {}) =>
  new Promise<Answer>((resolve, reject) => {
    const body = payload === undefined ? undefined : JSON.stringify(payload)
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        localAddress: SOCKET_ADDRESS,
        headers: {
          'user-agent': USER_AGENT,
          'x-forwarded-for': FORWARDED,
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...headers
        }
      },
      (res) => {
        let text = ''
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8')
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
      }
    )
    req.on('error', reject)
    req.end(body)
  })

describe('no reporter metadata anywhere', () => {
  let t: TestApp
  const answers: Answer[] = []
  const spread: Answer[] = []
  beforeAll(async () => {
    t = await createTestApp({ env: { TRUST_PROXY: '127.0.0.0/8', LOG_LEVEL: 'trace' } })
    await t.app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = t.app.server.address() as AddressInfo

    answers.push(await send(port, 'GET', '/'))
    answers.push(await send(port, 'POST', '/api/v1/redaction/preview', { text: NARRATIVE }))
    const filed = await send(port, 'POST', '/api/v1/reports', reportBody({ narrative: NARRATIVE }), {
      'idempotency-key': newIdempotencyKey()
    })
    answers.push(filed)
    const { receipt } = JSON.parse(filed.body) as { receipt: string }
    answers.push(await send(port, 'GET', `/api/v1/receipts/${receipt}`))
    answers.push(await send(port, 'GET', '/api/v1/receipts/0000-0000-0000-0000'))
    const injected = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      payload: reportBody({ narrative: NARRATIVE }),
      remoteAddress: INJECTED,
      headers: { 'user-agent': USER_AGENT, 'x-forwarded-for': FORWARDED }
    })
    answers.push({ status: injected.statusCode, body: injected.body })
    for (const [i, { address }] of SPREAD.entries()) {
      const res = await send(port, 'POST', '/api/v1/reports', reportBody({ narrative: i === 0 ? IDENTIFYING_NARRATIVE : NARRATIVE }), {
        'idempotency-key': newIdempotencyKey(),
        'x-forwarded-for': address
      })
      spread.push({ status: res.status, body: res.body })
    }
  })
  afterAll(() => t.close())

  const canaries = [
    SOCKET_ADDRESS,
    FORWARDED,
    FORWARDED_PREFIX,
    INJECTED,
    USER_AGENT,
    'CanaryAgent',
    ...SPREAD.flatMap(({ address, prefix }) => [address, prefix]),
    ...IDENTIFIERS
  ]

  it('reached the service: reports filed, and the narrative word came back only to its sender', () => {
    expect(answers.map((answer) => answer.status)).toEqual([expect.any(Number), 200, 201, 200, 404, 201])
    expect(answers[1]?.body).toContain(WORD)
    expect(answers[2]?.body).toContain(WORD)
    expect(answers[3]?.body).not.toContain(WORD)
    expect(spread.map((answer) => answer.status)).toEqual(Array(SPREAD.length).fill(201))
    // The identifiers were removed before anything was kept: the sender sees placeholders, never the values.
    expect(spread[0]?.body).toContain('[NHS_NUMBER]')
    for (const value of IDENTIFIERS) expect(spread[0]?.body).not.toContain(value)
  })

  it('no table, in any column, holds a canary address, user agent or the narrative word', async () => {
    const rows = await dumpAllRows(t.app.db)

    expect(rows).toContain('report:')
    for (const canary of [...canaries, WORD]) {
      expect(rows).not.toContain(canary)
      expect(rows).not.toContain(Buffer.from(canary).toString('hex'))
    }
  })

  it("the database's own bytes (PGlite files or a pg_dump) hold none of them either", async () => {
    // Everything committed goes to the files first, so the search covers the table pages as well as the WAL.
    await t.app.db.prisma.$executeRawUnsafe('CHECKPOINT')
    const raw = rawDatabaseBytes(t.config)
    // Positive control: the snapshot really holds the reports just stored (their ciphertext, raw or as hex).
    const stored = await t.app.db.prisma.report.findMany({ select: { narrativeCiphertext: true } })
    expect(stored.length).toBe(2 + SPREAD.length)
    const missing = stored.filter(({ narrativeCiphertext }) => {
      const bytes = Buffer.from(narrativeCiphertext ?? [])
      return !(raw.includes(bytes) || raw.includes(Buffer.from(bytes.toString('hex'))))
    })
    expect(missing.map(({ narrativeCiphertext }) => narrativeCiphertext?.length)).toEqual([])
    for (const canary of [...canaries, WORD]) {
      expect(raw.includes(Buffer.from(canary)), canary).toBe(false)
    }
  })

  it('no log line holds any of them', () => {
    expect(t.logs.lines.length).toBeGreaterThan(0)
    for (const canary of [...canaries, WORD]) {
      expect(t.logs.text).not.toContain(canary)
    }
  })

  it('no answer to a reporter route sets a cookie or allows caching', async () => {
    const { port } = t.app.server.address() as AddressInfo
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/receipts/0000-0000-0000-0000`)

    expect(res.headers.get('set-cookie')).toBeNull()
    expect(res.headers.get('cache-control')).toBe('no-store')
  })
})
