import rateLimit, { normalizeIP } from '@fastify/rate-limit'
import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { Redis } from 'ioredis'
import type { Config } from '../config/env.js'
import { createAddressKeyer, sharedDailyKey } from '../lib/address-key.js'
import { AppError } from '../lib/errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The client's key for rate limits: the daily-rotated HMAC of its address that the anonymous routes count by,
     * never the address. Shared so that other limits (failed API keys, src/plugins/api-keys.ts) count clients the
     * same way, under the same daily key.
     */
    clientAddressKey: (request: FastifyRequest) => string
  }
}

/**
 * Per-client limits for the anonymous routes, each route naming its own `config.rateLimit`. Clients are told
 * apart by a daily-rotated HMAC of their address (src/lib/address-key.ts), never by the address itself. Counters
 * live in this process's memory, or in Redis (REDIS_URL) so that several instances count together; if Redis
 * cannot be reached, requests are let through rather than refused: a report matters more than a limit.
 */
export default fp<{ config: Config }>(
  async (app, { config }) => {
    const redis = config.redisUrl
      ? new Redis(config.redisUrl, { connectTimeout: 500, maxRetriesPerRequest: 1, lazyConnect: false })
      : undefined
    const keyFor = createAddressKeyer(
      redis && config.serverSecret ? { keyForDay: sharedDailyKey(config.serverSecret) } : {}
    )
    if (redis) {
      redis.on('error', (error: Error) => app.log.warn({ err: error }, 'rate-limit store unavailable'))
      app.addHook('onClose', async () => {
        await redis.quit().catch(() => redis.disconnect())
      })
    }
    const clientAddressKey = (request: FastifyRequest) => keyFor(normalizeIP(request.ip, 64))
    app.decorate('clientAddressKey', clientAddressKey)
    await app.register(rateLimit, {
      global: false,
      ...(redis ? { redis, nameSpace: 'candid-rl:', skipOnError: true } : {}),
      keyGenerator: clientAddressKey,
      errorResponseBuilder: (_request, context) =>
        new AppError('RATE_LIMITED', `Too many requests. Please wait ${context.after} and try again.`, {
          headers: { 'Retry-After': String(Math.ceil(context.ttl / 1000)) }
        })
    })
  },
  { name: 'anonymous-rate-limit', fastify: '5.x' }
)
