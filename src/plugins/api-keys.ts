import type { onRequestAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config/env.js'
import { AppError } from '../lib/errors.js'
import { createApiKeysRepository } from '../modules/api-keys/api-keys.repository.js'
import { createApiKeysService, type VerifiedApiKey } from '../modules/api-keys/api-keys.service.js'

/**
 * API keys for machine clients (R26). `app.requireApiKey` admits a request only with `Authorization: Bearer <key>`
 * naming a key that exists, is not revoked and has not expired, looked up by its HMAC under the pepper on every
 * request. A key is accepted only in that header (ASVS 5.0 14.2.1): a query string that carries anything like a
 * key, or a parameter named like a credential, is refused with 400 before anything else is done, even alongside a
 * valid header, so a client that puts keys in URLs (which proxies, browsers and servers log and keep) is told at
 * once rather than quietly working. A key in a cookie or the body is never read. Every other refusal gets the same
 * 401, so a caller cannot tell a revoked or expired key from one that never existed.
 *
 * Each key has its own hourly limit (RATE_LIMIT_API_KEY_PER_HOUR, R26: 60), counted by the app's one
 * @fastify/rate-limit (src/plugins/anonymous-rate-limit.ts: in memory, or in Redis with REDIS_URL, letting requests
 * through when Redis is down). A second registration of the plugin would add its route hooks again and count every
 * anonymous route twice.
 *
 * That limit can only count a key once it is verified, and each refused attempt costs an HMAC and a database
 * look-up, so refusals are limited too: RATE_LIMIT_API_KEY_FAILURES_PER_MIN (default 20) 401s a minute per client,
 * counted by the same daily-rotated HMAC of its address as the anonymous routes (never the address). Once a client
 * has had that many, every request from it gets 429 with Retry-After until the minute is up, a valid key included:
 * checked before the header is read, so a limited client costs nothing and cannot go on testing guesses, and a
 * 200 never tells it that one guess was right. A real client behind the same address as a guesser waits out the
 * minute too; that is the price of refusing the guesser cheaply. Concurrent attempts from one client may each pass
 * the check before any is counted, so the limit can be overshot by that many at most.
 */

export type RequestApiKey = VerifiedApiKey

declare module 'fastify' {
  interface FastifyRequest {
    apiKey: RequestApiKey | null
  }
  interface FastifyInstance {
    /** An onRequest hook admitting a valid API key within its rate limit; sets `request.apiKey`. */
    requireApiKey: onRequestAsyncHookHandler
  }
}

export const API_KEY_REFUSED = 'A valid API key is required, as Authorization: Bearer <key>.'
export const API_KEY_IN_QUERY =
  'API keys go only in the Authorization header (Authorization: Bearer <key>), never in the query string. ' +
  'If a real key was sent in a URL, have it revoked: URLs are logged on the way.'

// RFC 9110 11.1: the scheme is case-insensitive; RFC 6750 2.1: one space-separated token follows.
const BEARER = /^bearer +(\S+)$/i
const HOUR_MS = 3_600_000
const MINUTE_MS = 60_000

/** Anything in the `cnd_` format, a whole key or part of one, in any case (a URL may have been retyped). */
const KEY_LIKE = /cnd_[A-Za-z0-9_-]{8}/i
/** Parameter names that carry credentials, compared in lower case without separators: `API-Key`, `access_token`. */
const CREDENTIAL_NAMES = new Set(['apikey', 'xapikey', 'apitoken', 'key', 'token', 'accesstoken', 'authorization', 'bearer'])

/**
 * Whether the query string holds something like a key or a credential parameter. Read from the raw URL, decoded
 * as URLSearchParams does (so `%63nd_…` is caught too), whatever shape the route's query parser gives.
 */
export const hasCredentialInQuery = (url: string): boolean => {
  const start = url.indexOf('?')
  if (start === -1) {
    return false
  }
  for (const [name, value] of new URLSearchParams(url.slice(start + 1))) {
    if (
      CREDENTIAL_NAMES.has(name.toLowerCase().replace(/[^a-z0-9]/g, '')) ||
      KEY_LIKE.test(name) ||
      KEY_LIKE.test(value)
    ) {
      return true
    }
  }
  return false
}

const refused = () => new AppError('UNAUTHORIZED', API_KEY_REFUSED, { headers: { 'WWW-Authenticate': 'Bearer' } })

export default fp<{ config: Config }>(
  async (app, { config }) => {
    const repository = createApiKeysRepository(app.db.prisma)
    const apiKeys = createApiKeysService({ repository, regions: config.regions })
    const limit = app.createRateLimit({
      max: config.rateLimits.apiKeyPerHour,
      timeWindow: HOUR_MS,
      // Runs after the key is verified, so only real keys get a counter: by the key's id, never its text.
      keyGenerator: (request) => `api-key:${request.apiKey?.id}`
    })
    const failures = app.createRateLimit({
      max: config.rateLimits.apiKeyFailuresPerMin,
      timeWindow: MINUTE_MS,
      // By the address's daily HMAC, as the anonymous routes count; named apart from the per-key counters, which
      // share a Redis namespace with these.
      keyGenerator: (request) => `api-key-failures:${app.clientAddressKey(request)}`
    })
    app.decorateRequest('apiKey', null)

    const requireApiKey: onRequestAsyncHookHandler = async (request, reply) => {
      // First, before the header is read or the database asked: a key in a URL is refused, valid header or not.
      if (hasCredentialInQuery(request.url)) {
        throw new AppError('BAD_REQUEST', API_KEY_IN_QUERY)
      }
      // Then, before any HMAC or look-up: a client that has used up its refusals is refused, whatever it sends.
      const refusals = await failures(request, { increment: false })
      if (!refusals.isAllowed && refusals.remaining === 0) {
        const wait = Math.max(1, refusals.ttlInSeconds)
        throw new AppError(
          'RATE_LIMITED',
          `Too many requests without a valid API key. Please wait ${wait} seconds and try again.`,
          { headers: { 'Retry-After': String(wait) } }
        )
      }
      const match = BEARER.exec(request.headers.authorization ?? '')
      // The pepper from the app's key ring (503 until the keys are loaded, like every route that needs them).
      const found = match?.[1] ? await apiKeys.verify(match[1], app.keys.get().apiKeyPepper) : null
      if (!found) {
        await failures(request)
        throw refused()
      }
      request.apiKey = found

      const counted = await limit(request)
      if (counted.isAllowed) {
        return
      }
      reply.headers({
        'x-ratelimit-limit': counted.max,
        'x-ratelimit-remaining': counted.remaining,
        'x-ratelimit-reset': counted.ttlInSeconds
      })
      if (counted.isExceeded) {
        throw new AppError(
          'RATE_LIMITED',
          `Too many requests with this API key. Please wait ${counted.ttlInSeconds} seconds and try again.`,
          { headers: { 'Retry-After': String(counted.ttlInSeconds) } }
        )
      }
    }
    app.decorate('requireApiKey', requireApiKey)
  },
  { name: 'api-keys', fastify: '5.x', dependencies: ['database', 'crypto', 'anonymous-rate-limit'] }
)
