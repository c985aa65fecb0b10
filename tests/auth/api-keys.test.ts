import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiKeysRepository } from '../../src/modules/api-keys/api-keys.repository.js'
import { type ApiKeysService, createApiKeysService } from '../../src/modules/api-keys/api-keys.service.js'
import { API_KEY_REFUSED } from '../../src/plugins/api-keys.js'
import { dumpAllRows, rawDatabaseBytes } from '../helpers/db-contents.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'

const LIMIT = 5

describe('API keys (R26)', () => {
  let t: TestApp
  let apiKeys: ApiKeysService
  const made: string[] = []
  const newKey = async (regions = ['london']) => {
    const { key } = await apiKeys.create(regions, 'test client')
    made.push(key)
    return key
  }
  const probe = (headers: Record<string, string> = {}, url = '/probe') => t.app.inject({ method: 'GET', url, headers })
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` })

  beforeAll(async () => {
    t = await createTestApp({
      env: { RATE_LIMIT_API_KEY_PER_MIN: String(LIMIT) },
      extend: (app) => {
        app.get('/probe', { onRequest: app.requireApiKey }, async (request) => {
          // As careless code might: the redaction list must still keep the key out.
          request.log.info({ headers: request.headers, req: { headers: request.headers } }, 'probe')
          return { apiKey: request.apiKey }
        })
      }
    })
    apiKeys = createApiKeysService({ repository: createApiKeysRepository(t.app.db.prisma), regions: t.config.regions })
  })
  afterAll(() => t.close())

  it('admits a valid key in the Authorization header and gives the route its id, prefix and regions', async () => {
    const key = await newKey(['london', 'north-east'])

    const res = await probe(bearer(key))
    const lowerCase = await probe({ authorization: `bearer ${key}` })

    expect(res.statusCode).toBe(200)
    expect(res.json().apiKey).toEqual({ id: expect.any(String), prefix: key.slice(0, 12), regions: ['london', 'north-east'] })
    expect(res.headers['x-ratelimit-limit']).toBe(String(LIMIT))
    expect(lowerCase.statusCode).toBe(200)
  })

  it('refuses a missing, other-scheme, malformed, unknown or revoked key alike: 401, one message, WWW-Authenticate', async () => {
    const key = await newKey()
    const revoked = await newKey()
    await apiKeys.revoke(revoked.slice(0, 12))
    const unknown = `cnd_${Buffer.alloc(32, 7).toString('base64url')}`

    const answers = [
      await probe(),
      await probe({ authorization: '' }),
      await probe({ authorization: `Basic ${Buffer.from(`x:${key}`).toString('base64')}` }),
      await probe({ authorization: `Token ${key}` }),
      await probe({ authorization: key }),
      await probe({ authorization: 'Bearer' }),
      await probe({ authorization: 'Bearer ' }),
      await probe(bearer(`${key}x`)),
      await probe(bearer(key.slice(0, -1))),
      await probe(bearer(`${key} ${key}`)),
      await probe(bearer(key.replace('cnd_', 'CND_'))),
      await probe(bearer(unknown)),
      await probe(bearer(revoked))
    ]

    for (const res of answers) {
      expect(res.statusCode).toBe(401)
      expect(res.headers['www-authenticate']).toBe('Bearer')
      expect(res.json()).toMatchObject({ error: 'UNAUTHORIZED', message: API_KEY_REFUSED })
    }
    expect((await probe(bearer(key))).statusCode).toBe(200)
  })

  it('never reads a key from the query string or a cookie', async () => {
    const key = await newKey()
    const inQuery = `/probe?api_key=${key}&access_token=${key}&key=${key}&authorization=Bearer%20${key}`

    const fromQuery = await probe({}, inQuery)
    const fromCookie = await probe({ cookie: `api_key=${key}; access_token=${key}; authorization=Bearer ${key}` })

    expect(fromQuery.statusCode).toBe(401)
    expect(fromQuery.json().message).toBe(API_KEY_REFUSED)
    expect(fromCookie.statusCode).toBe(401)
    expect((await probe(bearer(key), inQuery)).statusCode).toBe(200)
  })

  it('refuses a key from the request after it is revoked', async () => {
    const key = await newKey()
    expect((await probe(bearer(key))).statusCode).toBe(200)

    await apiKeys.revoke(key.slice(0, 12))

    expect((await probe(bearer(key))).statusCode).toBe(401)
  })

  it(`limits each key to RATE_LIMIT_API_KEY_PER_MIN requests a minute (${LIMIT} here), then 429 with Retry-After`, async () => {
    const busy = await newKey()
    const other = await newKey()

    const within = []
    for (let i = 0; i < LIMIT; i++) {
      within.push((await probe(bearer(busy))).statusCode)
    }
    const over = await probe(bearer(busy))

    expect(within).toEqual(Array(LIMIT).fill(200))
    expect(over.statusCode).toBe(429)
    expect(over.json().error).toBe('RATE_LIMITED')
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0)
    expect(Number(over.headers['retry-after'])).toBeLessThanOrEqual(60)
    // The count is the key's, not the client address's: another key from the same address still gets in.
    expect((await probe(bearer(other))).statusCode).toBe(200)
  })

  it('stores only the SHA-256 of each key: neither its text nor its random bytes are in any table or on disk', async () => {
    const key = await newKey()
    const random = Buffer.from(key.slice(4), 'base64url')
    const hash = createHash('sha256').update(key).digest()

    const row = await t.app.db.prisma.apiKey.findUniqueOrThrow({ where: { prefix: key.slice(0, 12) } })
    const rows = await dumpAllRows(t.app.db)
    const raw = rawDatabaseBytes(t.config)

    expect(Buffer.from(row.keyHash).equals(hash)).toBe(true)
    expect(random.length).toBe(32)
    expect(raw.includes(hash) || raw.includes(Buffer.from(hash.toString('hex')))).toBe(true)
    for (const secret of made) {
      const secretBytes = Buffer.from(secret.slice(4), 'base64url')
      expect(rows).not.toContain(secret)
      expect(rows).not.toContain(secret.slice(12))
      expect(rows).not.toContain(secretBytes.toString('hex'))
      expect(rows).not.toContain(Buffer.from(secret).toString('hex'))
      expect(raw.includes(Buffer.from(secret))).toBe(false)
      expect(raw.includes(secretBytes)).toBe(false)
    }
  })

  it('never writes a key to the log, whether admitted, refused, limited or sent in a query string', () => {
    expect(made.length).toBeGreaterThan(5)
    expect(t.logs.text).toContain('"msg":"probe"')
    expect(t.logs.text).toContain('"headers":"[redacted]"')
    for (const key of made) {
      expect(t.logs.text).not.toContain(key.slice(12))
      expect(t.logs.text).not.toContain(encodeURIComponent(key).slice(12))
    }
  })
})
