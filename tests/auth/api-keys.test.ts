import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { loadConfig } from '../../src/config/env.js'
import { deriveKey, KDF_CONTEXTS } from '../../src/lib/crypto/secrets.js'
import { loadSodium } from '../../src/lib/crypto/sodium.js'
import { createApiKeysRepository } from '../../src/modules/api-keys/api-keys.repository.js'
import {
  type ApiKeysService,
  createApiKeysService,
  expiryDate,
  generateApiKey,
  hashApiKey
} from '../../src/modules/api-keys/api-keys.service.js'
import { API_KEY_IN_QUERY, API_KEY_REFUSED, hasCredentialInQuery } from '../../src/plugins/api-keys.js'
import { dumpAllRows, rawDatabaseBytes } from '../helpers/db-contents.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'

const LIMIT = 5
// Above the refusals the other tests make from the default address; the test of this limit uses addresses of its own.
const FAILURES = 30
const DAY_MS = 86_400_000
// Set, as in production, so the database holds no secret: a copy of it alone must not be able to match keys.
const SERVER_SECRET = randomBytes(32)

const utcDate = (date: string) => new Date(`${date}T00:00:00Z`)
const day = (date: Date) => date.toISOString().slice(0, 10)

describe('API keys (R26)', () => {
  let t: TestApp
  let apiKeys: ApiKeysService
  let pepper: Uint8Array
  const made: string[] = []
  const newKey = async (region = 'london', service = apiKeys, days?: number) => {
    const { key } = await service.create([region], 'test client', { pepper, days })
    made.push(key)
    return key
  }
  const probe = (headers: Record<string, string> = {}, url = '/probe') => t.app.inject({ method: 'GET', url, headers })
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` })
  const serviceAt = (date: Date) =>
    createApiKeysService({
      repository: createApiKeysRepository(t.app.db.prisma),
      regions: t.config.regions,
      clock: () => date
    })

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        RATE_LIMIT_API_KEY_PER_HOUR: String(LIMIT),
        RATE_LIMIT_API_KEY_FAILURES_PER_MIN: String(FAILURES),
        SERVER_SECRET: SERVER_SECRET.toString('base64')
      },
      extend: (app) => {
        app.get('/probe', { onRequest: app.requireApiKey }, async (request) => {
          // As careless code might: the redaction list must still keep the key out.
          request.log.info({ headers: request.headers, req: { headers: request.headers } }, 'probe')
          return { apiKey: request.apiKey }
        })
      }
    })
    apiKeys = createApiKeysService({ repository: createApiKeysRepository(t.app.db.prisma), regions: t.config.regions })
    pepper = t.app.keys.get().apiKeyPepper
  })
  afterAll(() => t.close())

  it('admits a valid key in the Authorization header and gives the route its id, prefix and region', async () => {
    const key = await newKey('north-east')

    const res = await probe(bearer(key))
    const lowerCase = await probe({ authorization: `bearer ${key}` })

    expect(res.statusCode).toBe(200)
    expect(res.json().apiKey).toEqual({ id: expect.any(String), prefix: key.slice(0, 12), regions: ['north-east'] })
    expect(res.headers['x-ratelimit-limit']).toBe(String(LIMIT))
    expect(lowerCase.statusCode).toBe(200)
  })

  it('refuses a missing, other-scheme, malformed, unknown, revoked or expired key alike: 401, one message', async () => {
    const key = await newKey()
    const revoked = await newKey()
    await apiKeys.revoke(revoked.slice(0, 12))
    // Made two days ago for one day: refused since yesterday.
    const expired = await newKey('london', serviceAt(new Date(Date.now() - 2 * DAY_MS)), 1)
    const unknown = `cnd_${Buffer.alloc(32, 7).toString('base64url')}`
    const unknownNew = `${key.slice(0, 12)}_${Buffer.alloc(32, 7).toString('base64url')}`

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
      await probe(bearer(unknownNew)),
      await probe(bearer(revoked)),
      await probe(bearer(expired))
    ]

    for (const res of answers) {
      expect(res.statusCode).toBe(401)
      expect(res.headers['www-authenticate']).toBe('Bearer')
      expect(res.json()).toMatchObject({ error: 'UNAUTHORIZED', message: API_KEY_REFUSED })
    }
    expect((await probe(bearer(key))).statusCode).toBe(200)
  })

  it('makes keys of a 12-character prefix and 32 more random bytes, none of them shown by the prefix', async () => {
    const keys = [await newKey(), ...Array.from({ length: 50 }, () => generateApiKey().key)]
    const listed = new Set((await apiKeys.list()).map((key) => key.prefix))

    for (const key of keys) {
      // cnd_, the prefix's own 8 characters (6 random bytes), _, then the secret: 43 characters, 32 whole bytes.
      expect(key).toMatch(/^cnd_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{43}$/)
      const [prefix, secret] = [key.slice(0, 12), key.slice(13)]
      expect(Buffer.from(secret, 'base64url')).toHaveLength(32)
      expect(Buffer.from(secret, 'base64url').toString('base64url')).toBe(secret)
      // The prefix is drawn apart: its characters are not the start of the secret, as they were in the old format.
      expect(secret.startsWith(prefix.slice(4))).toBe(false)
    }
    expect(listed.has(keys[0]!.slice(0, 12))).toBe(true)
    // Prefixes and secrets are each drawn afresh.
    expect(new Set(keys.map((key) => key.slice(0, 12))).size).toBe(keys.length)
    expect(new Set(keys.map((key) => key.slice(13))).size).toBe(keys.length)
  })

  it('still admits, lists and revokes a key in the earlier format (cnd_ and 32 bytes, its first 12 the prefix)', async () => {
    // As the earlier code made them: already in databases, valid until they expire.
    const legacy = `cnd_${randomBytes(32).toString('base64url')}`
    const prefix = legacy.slice(0, 12)
    made.push(legacy)
    await createApiKeysRepository(t.app.db.prisma).create({
      id: randomUUID(),
      prefix,
      keyHash: hashApiKey(pepper, legacy),
      label: 'legacy',
      regions: ['london'],
      createdOn: new Date(Date.now() - DAY_MS),
      expiresOn: new Date(Date.now() + 30 * DAY_MS)
    })

    const admitted = await probe(bearer(legacy))
    const listed = (await apiKeys.list()).find((key) => key.prefix === prefix)
    await apiKeys.revoke(prefix)
    const afterRevoke = await probe(bearer(legacy))

    expect(admitted.statusCode).toBe(200)
    expect(admitted.json().apiKey).toEqual({ id: expect.any(String), prefix, regions: ['london'] })
    expect(listed).toMatchObject({ label: 'legacy', regions: ['london'], revokedOn: null })
    expect(afterRevoke.statusCode).toBe(401)
  })

  it('keeps each key to one region: a second region is refused, in the service as in the CLI', async () => {
    const countBefore = (await apiKeys.list()).length

    await expect(apiKeys.create(['london', 'east'], '', { pepper })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'An API key is for one region only: make one key for each region.'
    })
    await expect(apiKeys.create(['london', 'london'], '', { pepper })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    await expect(apiKeys.create([], '', { pepper })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    await expect(apiKeys.create(['mars'], '', { pepper })).rejects.toMatchObject({ message: /^Unknown region mars;/ })
    expect(await apiKeys.list()).toHaveLength(countBefore)
  })

  it('expires every key within 12 months: 365 days by default, --days 1 to 366, never past the same date a year on', async () => {
    const today = utcDate('2026-03-01')
    const service = serviceAt(new Date('2026-03-01T23:30:00Z'))

    const byDefault = await service.create(['london'], '', { pepper })
    const oneDay = await service.create(['london'], '', { pepper, days: 1 })

    expect(byDefault.expiresOn).toBe('2027-03-01')
    expect(oneDay.expiresOn).toBe('2026-03-02')
    for (const days of [0, -1, 367, 1.5, Number.NaN]) {
      await expect(service.create(['london'], '', { pepper, days })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        message: 'An API key lasts 1 to 366 days (at most 12 months).'
      })
    }
    // 366 days is 12 months only across a 29 February; otherwise the key stops at the same date a year on.
    expect(day(expiryDate(today, 366))).toBe('2027-03-01')
    expect(day(expiryDate(utcDate('2027-03-01'), 366))).toBe('2028-03-01')
    expect(day(expiryDate(utcDate('2028-02-29'), 366))).toBe('2029-02-28')
    expect(day(expiryDate(utcDate('2028-02-29'), 365))).toBe('2029-02-28')
    expect(day(expiryDate(utcDate('2026-11-22'), 30))).toBe('2026-12-22')

    // Valid to the day before expiresOn (UTC), refused from expiresOn on: the same null as an unknown key.
    expect(await serviceAt(new Date('2026-03-01T23:59:59Z')).verify(oneDay.key, pepper)).toMatchObject({
      prefix: oneDay.prefix
    })
    expect(await serviceAt(new Date('2026-03-02T00:00:00Z')).verify(oneDay.key, pepper)).toBeNull()
    expect(await serviceAt(new Date('2027-02-28T23:59:59Z')).verify(byDefault.key, pepper)).not.toBeNull()
    expect(await serviceAt(new Date('2027-03-01T00:00:00Z')).verify(byDefault.key, pepper)).toBeNull()

    const listed = await serviceAt(new Date('2026-06-01T12:00:00Z')).list()
    expect(listed.find((key) => key.prefix === byDefault.prefix)).toMatchObject({
      createdOn: '2026-03-01',
      expiresOn: '2027-03-01',
      expired: false
    })
    expect(listed.find((key) => key.prefix === oneDay.prefix)).toMatchObject({ expiresOn: '2026-03-02', expired: true })
  })

  it('accepts a key only in the header: any key-like query value or credential parameter gets 400, first', async () => {
    const key = await newKey()
    const encoded = encodeURIComponent(key)
    const other = `cnd_${Buffer.alloc(32, 9).toString('base64url')}`
    const queries = [
      `api_key=${encoded}`,
      `access_token=${encoded}`,
      `key=${encoded}`,
      `authorization=Bearer%20${encoded}`,
      `q=${encoded}`,
      `quarter=2026-Q3&region=london&data=${encoded}`,
      `${encoded}`,
      `x=%63nd_${encoded.slice(4)}`,
      `x=${key.toUpperCase()}`,
      `x=${other}`,
      // Named like a credential: refused whatever the value (a client that sends one there may send a key next).
      'api_key=x',
      'APIKEY=x',
      'Api-Key=x',
      'key=',
      'Token=abc',
      'TOKEN=abc',
      'access_token=abc',
      'Access-Token=abc',
      'quarter=2026-Q3&token=abc'
    ]

    for (const query of queries) {
      const alone = await probe({}, `/probe?${query}`)
      const withHeader = await probe(bearer(key), `/probe?${query}`)
      for (const res of [alone, withHeader]) {
        expect(res.statusCode, query).toBe(400)
        expect(res.json(), query).toMatchObject({ error: 'BAD_REQUEST', message: API_KEY_IN_QUERY })
        expect(res.body).not.toContain(key.slice(12))
      }
    }
    expect(API_KEY_IN_QUERY).toMatch(/only in the Authorization header/)

    // The real key-protected route: 400 for the key in the URL, not its own query validation or the 401.
    const summaries = await t.app.inject({
      method: 'GET',
      url: `/api/v1/summaries/quarterly?quarter=2026-Q3&region=london&api_key=${encoded}`,
      headers: bearer(key)
    })
    expect(summaries.statusCode).toBe(400)
    expect(summaries.json().message).toBe(API_KEY_IN_QUERY)

    // Ordinary parameters pass, and so does a valid header with them.
    for (const url of ['/probe?quarter=2026-Q3&region=london', '/probe?cut=setting&monkey=1&keys=2', '/probe?x=cnd_short']) {
      expect(hasCredentialInQuery(url), url).toBe(false)
      expect((await probe(bearer(key), url)).statusCode, url).toBe(200)
    }
  })

  it('never reads a key from a cookie', async () => {
    const key = await newKey()

    const fromCookie = await probe({ cookie: `api_key=${key}; access_token=${key}; authorization=Bearer ${key}` })

    expect(fromCookie.statusCode).toBe(401)
    expect(fromCookie.json().message).toBe(API_KEY_REFUSED)
  })

  it('refuses a key from the request after it is revoked', async () => {
    const key = await newKey()
    expect((await probe(bearer(key))).statusCode).toBe(200)

    await apiKeys.revoke(key.slice(0, 12))

    expect((await probe(bearer(key))).statusCode).toBe(401)
  })

  it(`limits each key to RATE_LIMIT_API_KEY_PER_HOUR (default 60; ${LIMIT} here) an hour, then 429 with Retry-After`, async () => {
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
    // The window is an hour: the wait is counted from the first request, seconds ago.
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(3500)
    expect(Number(over.headers['retry-after'])).toBeLessThanOrEqual(3600)
    // The count is the key's, not the client address's: another key from the same address still gets in.
    expect((await probe(bearer(other))).statusCode).toBe(200)
    // The query-string check comes before the limit too.
    expect((await probe(bearer(busy), `/probe?api_key=${busy}`)).statusCode).toBe(400)
    // 60 an hour unless configured otherwise.
    expect(loadConfig(t.database.env).rateLimits.apiKeyPerHour).toBe(60)
  })

  it(`refuses a client after RATE_LIMIT_API_KEY_FAILURES_PER_MIN (default 20; ${FAILURES} here) refusals a minute, valid key or not`, async () => {
    const key = await newKey()
    const wrong = `${key.slice(0, 13)}${Buffer.alloc(32, 3).toString('base64url')}`
    const [guesser, neighbour] = ['198.51.100.7', '198.51.100.8']
    const from = (remoteAddress: string, headers: Record<string, string> = {}, url = '/probe') =>
      t.app.inject({ method: 'GET', url, headers, remoteAddress })
    const lookups = vi.spyOn(t.app.db.prisma.apiKey, 'findUnique')

    // An admitted request is not a refusal: it uses up nothing.
    const admitted = await from(guesser, bearer(key))
    const refusals = []
    for (let i = 0; i < FAILURES; i++) {
      // A wrong key and no key alike count (a malformed one costs less, but is refused all the same).
      refusals.push((await from(guesser, i % 2 ? {} : bearer(wrong))).statusCode)
    }
    lookups.mockClear()
    const limited = await from(guesser, bearer(wrong))
    const validLimited = await from(guesser, bearer(key))
    const lookupsWhileLimited = lookups.mock.calls.length

    expect(admitted.statusCode).toBe(200)
    expect(refusals).toEqual(Array(FAILURES).fill(401))
    for (const res of [limited, validLimited]) {
      expect(res.statusCode).toBe(429)
      expect(res.json()).toMatchObject({ error: 'RATE_LIMITED', message: expect.stringMatching(/^Too many requests/) })
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1)
      expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60)
      expect(res.body).not.toContain(guesser)
    }
    // Refused before any HMAC or look-up: a limited client costs nothing and cannot go on testing guesses.
    expect(lookupsWhileLimited).toBe(0)
    // The query-string check still comes first.
    expect((await from(guesser, bearer(key), `/probe?api_key=${key}`)).statusCode).toBe(400)
    // Counted per client: another address is not held up, with the same key or a wrong one.
    expect((await from(neighbour, bearer(key))).statusCode).toBe(200)
    expect((await from(neighbour, bearer(wrong))).statusCode).toBe(401)
    // (Which were looked up: the spy sees the look-ups it saw none of above.)
    expect(lookups.mock.calls.length).toBeGreaterThan(lookupsWhileLimited)
    lookups.mockRestore()
    // Counted by the daily HMAC of the address, never the address itself, which no log holds either.
    expect(t.logs.text).not.toContain(guesser)
    expect(loadConfig(t.database.env).rateLimits.apiKeyFailuresPerMin).toBe(20)
  })

  it('stores only the HMAC-SHA-256 of each key under the pepper, a subkey of the server secret', async () => {
    const key = await newKey()
    const random = Buffer.from(key.slice(13), 'base64url')
    const sha256 = createHash('sha256').update(key).digest()
    const hmac = createHmac('sha256', pepper).update(key).digest()
    const sodium = await loadSodium()

    const row = await t.app.db.prisma.apiKey.findUniqueOrThrow({ where: { prefix: key.slice(0, 12) } })
    const rows = await dumpAllRows(t.app.db)
    const raw = rawDatabaseBytes(t.config)

    expect(random.length).toBe(32)
    expect(Buffer.from(row.keyHash).equals(sha256)).toBe(false)
    expect(Buffer.from(row.keyHash).equals(hmac)).toBe(true)
    // The pepper is the server secret's own `apiKey` subkey, like the TOTP and sign-in throttle keys.
    expect(KDF_CONTEXTS.apiKey).toHaveLength(8)
    expect(new Set(Object.values(KDF_CONTEXTS)).size).toBe(Object.keys(KDF_CONTEXTS).length)
    expect(Buffer.from(pepper).equals(Buffer.from(deriveKey(sodium, SERVER_SECRET, 'apiKey')))).toBe(true)
    expect(Buffer.from(pepper).equals(Buffer.from(t.app.keys.get().loginThrottleKey))).toBe(false)
    expect(raw.includes(hmac) || raw.includes(Buffer.from(hmac.toString('hex')))).toBe(true)
    for (const secret of made) {
      const secretBytes = Buffer.from(secret.slice(13), 'base64url')
      expect(rows).not.toContain(secret)
      expect(rows).not.toContain(secret.slice(12))
      expect(rows).not.toContain(secretBytes.toString('hex'))
      expect(rows).not.toContain(Buffer.from(secret).toString('hex'))
      expect(raw.includes(Buffer.from(secret))).toBe(false)
      expect(raw.includes(secretBytes)).toBe(false)
    }
  })

  it('cannot be matched from a copy of the database without the server secret', async () => {
    const key = await newKey()
    const repository = createApiKeysRepository(t.app.db.prisma)
    const sodium = await loadSodium()
    const rows = await dumpAllRows(t.app.db)

    // Nothing in the database gives the pepper away: neither the server secret nor the pepper is stored.
    expect(await t.app.db.prisma.appSetting.findUnique({ where: { key: 'server_secret' } })).toBeNull()
    for (const secret of [SERVER_SECRET, Buffer.from(pepper)]) {
      expect(rows).not.toContain(secret.toString('hex'))
      expect(rows).not.toContain(secret.toString('base64'))
    }
    // With only the database, the obvious hashes of a key (leaked, or guessed from its prefix) match nothing ...
    expect(await repository.findByHash(createHash('sha256').update(key).digest())).toBeNull()
    expect(await repository.findByHash(createHmac('sha256', Buffer.alloc(32)).update(key).digest())).toBeNull()
    // ... nor does the same scheme under any other secret; only this server's pepper finds it.
    const otherPepper = deriveKey(sodium, randomBytes(32), 'apiKey')
    expect(await apiKeys.verify(key, otherPepper)).toBeNull()
    expect(await apiKeys.verify(key, pepper)).toMatchObject({ prefix: key.slice(0, 12) })
    // And no pepper at all is refused rather than used.
    expect(() => hashApiKey(new Uint8Array(0), key)).toThrow(/pepper/)
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
