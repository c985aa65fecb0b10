import { Server } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import underPressure from '@fastify/under-pressure'
import fp from 'fastify-plugin'
import type { Config } from '../config/env.js'
import { AppError } from '../lib/errors.js'
import { prepareError, sendError } from './error-handler.js'

/**
 * R36: shed load before it turns into timeouts, and stop taking work while shutting down. Under pressure (event
 * loop delay or utilisation, heap) or while the database does not answer its ping, every route except
 * /health/live answers 503 with Retry-After. Fastify's own 503-on-close bypasses the error handler and the
 * security headers, so closing is handled here instead, in the service's error shape.
 */

export const RETRY_AFTER_SECONDS = 10
const HEALTH_CHECK_INTERVAL_MS = 5000
const SETTLE_MS = 100

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Answer even under pressure (liveness must say the process is alive, not whether it is busy). */
    exemptFromLoadShedding?: boolean
  }
}

export default fp(
  async (app, { config }: { config: Config }) => {
    // While closing: new requests get 503, and every response (in-flight ones included) closes its connection,
    // so keep-alive clients cannot hold the server open past the requests it owes them.
    let isClosing = false
    app.addHook('preClose', async () => {
      isClosing = true
      // Node's http close() drops every connection without a request in progress, and closing the listening
      // socket resets connections the kernel has accepted but Node has not yet: either way a client that
      // connected just before the signal would see a reset. So keep listening a moment (new requests get 503),
      // stop accepting, give the connections already accepted a moment to send their request, then let Fastify
      // close the rest.
      if (app.server.listening) {
        await sleep(SETTLE_MS)
        Server.prototype.close.call(app.server)
        await sleep(SETTLE_MS)
      }
    })
    app.addHook('onRequest', async (request, reply) => {
      if (isClosing) {
        return sendError(
          request,
          reply,
          new AppError('SERVICE_UNAVAILABLE', 'The service is restarting. Please try again shortly.', {
            headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) }
          })
        )
      }
    })
    app.addHook('onSend', async (_request, reply) => {
      if (isClosing) {
        reply.header('Connection', 'close')
      }
    })

    await app.register(underPressure, {
      maxEventLoopDelay: config.pressure.maxEventLoopDelayMs,
      maxEventLoopUtilization: config.pressure.maxEventLoopUtilization,
      maxHeapUsedBytes: config.pressure.maxHeapUsedBytes,
      retryAfter: RETRY_AFTER_SECONDS,
      healthCheck: async () => {
        await app.db.ping()
        return true
      },
      healthCheckInterval: HEALTH_CHECK_INTERVAL_MS,
      pressureHandler: (request, reply, type) => {
        if (request.routeOptions.config.exemptFromLoadShedding) {
          return
        }
        request.log.warn({ pressure: type }, 'shedding load')
        // under-pressure sends whatever this returns (its README; its types say void).
        return prepareError(
          request,
          reply,
          new AppError('SERVICE_UNAVAILABLE', 'The service is busy or not ready. Please try again shortly.', {
            headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) }
          })
        ) as unknown as undefined
      }
    })
  },
  { name: 'load-shedding', fastify: '5.x', dependencies: ['database', 'error-handler'] }
)
