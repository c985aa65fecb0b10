import type { onRequestAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config/env.js'
import { AppError } from '../lib/errors.js'
import { createApiKeysRepository } from '../modules/api-keys/api-keys.repository.js'
import { createApiKeysService, type VerifiedApiKey } from '../modules/api-keys/api-keys.service.js'

/**
 * API keys for machine clients (R26). `app.requireApiKey` admits a request only with `Authorization: Bearer <key>`
 * naming a key that exists and is not revoked, looked up by its hash on every request; a key anywhere else (query
 * string, cookie, body) is never read, so it is never accepted from where proxies and browsers log or keep it.
 * Every refusal gets the same 401, so a caller cannot tell a revoked key from one that never existed.
 *
 * Each key has its own limit, counted by the app's one @fastify/rate-limit (src/plugins/anonymous-rate-limit.ts:
 * in memory, or in Redis with REDIS_URL, letting requests through when Redis is down). A second registration of
 * the plugin would add its route hooks again and count every anonymous route twice.
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

// RFC 9110 11.1: the scheme is case-insensitive; RFC 6750 2.1: one space-separated token follows.
const BEARER = /^bearer +(\S+)$/i

const refused = () => new AppError('UNAUTHORIZED', API_KEY_REFUSED, { headers: { 'WWW-Authenticate': 'Bearer' } })

export default fp<{ config: Config }>(
  async (app, { config }) => {
    const repository = createApiKeysRepository(app.db.prisma)
    const apiKeys = createApiKeysService({ repository, regions: config.regions })
    const limit = app.createRateLimit({
      max: config.rateLimits.apiKeyPerMin,
      timeWindow: 60_000,
      // Runs after the key is verified, so only real keys get a counter: by the key's id, never its text.
      keyGenerator: (request) => `api-key:${request.apiKey?.id}`
    })
    app.decorateRequest('apiKey', null)

    const requireApiKey: onRequestAsyncHookHandler = async (request, reply) => {
      const match = BEARER.exec(request.headers.authorization ?? '')
      const found = match?.[1] ? await apiKeys.verify(match[1]) : null
      if (!found) {
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
  { name: 'api-keys', fastify: '5.x', dependencies: ['database', 'anonymous-rate-limit'] }
)
