import rateLimit from '@fastify/rate-limit'
import fp from 'fastify-plugin'
import { normalizeIP } from '@fastify/rate-limit'
import { createAddressKeyer } from '../lib/address-key.js'
import { AppError } from '../lib/errors.js'

/**
 * Per-client limits for the anonymous routes, each route naming its own `config.rateLimit`. Clients are told
 * apart by a daily-rotated HMAC of their address (src/lib/address-key.ts), never by the address itself; the
 * counters live in this process's memory.
 */
export default fp(
  async (app) => {
    const keyFor = createAddressKeyer()
    await app.register(rateLimit, {
      global: false,
      keyGenerator: (request) => keyFor(normalizeIP(request.ip, 64)),
      errorResponseBuilder: (_request, context) =>
        new AppError('RATE_LIMITED', `Too many requests. Please wait ${context.after} and try again.`, {
          headers: { 'Retry-After': String(Math.ceil(context.ttl / 1000)) }
        })
    })
  },
  { name: 'anonymous-rate-limit', fastify: '5.x' }
)
