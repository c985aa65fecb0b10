import { timingSafeEqual } from 'node:crypto'
import cookie from '@fastify/cookie'
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config/env.js'
import type { Role } from '../generated/prisma/client.js'
import { csrfTokenFor, hashSessionToken } from '../lib/auth/tokens.js'
import { AppError } from '../lib/errors.js'
import { createSessionsRepository } from '../modules/auth/sessions.repository.js'

/**
 * Reviewer sessions (R23; ASVS 5.0 7.x, 3.3): an opaque 256-bit token in an HttpOnly, SameSite=Strict cookie
 * (`__Host-` and Secure outside development), looked up by its hash in the database so any instance can serve it;
 * 30 minutes idle and 12 hours in all, then it is deleted. Every request that changes something must also carry
 * X-CSRF-Token, derived from the session token (ASVS 5.0 3.5.1).
 */

export const IDLE_MS = 30 * 60 * 1000
export const ABSOLUTE_MS = 12 * 60 * 60 * 1000
const TOUCH_EVERY_MS = 60 * 1000
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export type RequestSession = {
  userId: string
  email: string
  role: Role
  token: string
  tokenHash: Uint8Array
  teamKeyWrap: Uint8Array | null
  teamKeyVersion: number | null
}

declare module 'fastify' {
  interface FastifyRequest {
    session: RequestSession | null
  }
  interface FastifyInstance {
    /**
     * An onRequest hook admitting a valid session of one of `roles` (and, on changes, a matching CSRF token). It
     * runs before any body is parsed or validated, so a caller without a session learns nothing about the schemas.
     */
    requireRole(...roles: Role[]): onRequestAsyncHookHandler
    sessionCookie: { name: string; set(reply: FastifyReply, token: string): void; clear(reply: FastifyReply): void }
  }
}

/** The hooks requireRole made: the OpenAPI document marks their routes as needing a session (and CSRF token). */
const sessionHooks = new WeakSet<object>()
export const isSessionHook = (hook: unknown): boolean =>
  typeof hook === 'function' && sessionHooks.has(hook)

const sameToken = (given: string, expected: string) =>
  given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected))

export default fp<{ config: Config; clock?: () => Date }>(
  async (app, { config, clock = () => new Date() }) => {
    await app.register(cookie)
    const sessions = createSessionsRepository(app.db.prisma)
    const isSecure = config.nodeEnv !== 'development'
    const name = isSecure ? '__Host-candid-session' : 'candid-session'
    const options = { httpOnly: true, secure: isSecure, sameSite: 'strict' as const, path: '/' }

    app.decorate('sessionCookie', {
      name,
      set: (reply: FastifyReply, token: string) => {
        reply.setCookie(name, token, options)
      },
      clear: (reply: FastifyReply) => {
        reply.clearCookie(name, options)
      }
    })
    app.decorateRequest('session', null)

    const ended = (reply: FastifyReply, message: string) => {
      reply.clearCookie(name, options)
      return new AppError('UNAUTHORIZED', message)
    }

    const resolve = async (request: FastifyRequest, reply: FastifyReply): Promise<RequestSession> => {
      const token = request.cookies[name]
      if (!token) {
        // A regional API key is a known caller without the right (R24: 403 on every review route), not a stranger.
        if (/^bearer\s/i.test(request.headers.authorization ?? '')) {
          throw new AppError('FORBIDDEN', 'An API key opens only the regional summaries; this needs a reviewer session.')
        }
        throw new AppError('UNAUTHORIZED', 'Sign in first.')
      }
      const tokenHash = hashSessionToken(token)
      const found = await sessions.find(tokenHash)
      const now = clock().getTime()
      if (!found) {
        throw ended(reply, 'Your session has ended. Sign in again.')
      }
      const isExpired =
        now - found.lastSeenAt.getTime() > IDLE_MS || now - found.createdAt.getTime() > ABSOLUTE_MS
      if (isExpired || found.user.disabledAt) {
        await sessions.delete(tokenHash)
        throw ended(reply, 'Your session has ended. Sign in again.')
      }
      if (now - found.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
        await sessions.touch(tokenHash, new Date(now))
      }
      return {
        userId: found.user.id,
        email: found.user.email,
        role: found.user.role,
        token,
        tokenHash,
        teamKeyWrap: found.teamKeyWrap,
        teamKeyVersion: found.user.teamKeyVersion
      }
    }

    app.decorate('requireRole', (...roles: Role[]): onRequestAsyncHookHandler => {
      const hook: onRequestAsyncHookHandler = async (request, reply) => {
        const session = await resolve(request, reply)
        if (!SAFE_METHODS.has(request.method)) {
          const given = request.headers['x-csrf-token']
          if (typeof given !== 'string' || !sameToken(given, csrfTokenFor(session.token))) {
            request.log.warn({ event: 'csrf-refused', user: session.userId }, 'request without a valid CSRF token')
            throw new AppError('FORBIDDEN', 'Missing or wrong X-CSRF-Token header.')
          }
        }
        if (!roles.includes(session.role)) {
          request.log.warn({ event: 'forbidden', user: session.userId, role: session.role }, 'role not allowed')
          throw new AppError('FORBIDDEN', 'Your role cannot do this.')
        }
        request.session = session
      }
      sessionHooks.add(hook)
      return hook
    })

    // Ended sessions are deleted when next used; this sweeps the ones nobody comes back to.
    const sweep = async () => {
      const now = clock().getTime()
      await sessions
        .deleteExpired(new Date(now - IDLE_MS), new Date(now - ABSOLUTE_MS))
        .catch((error: unknown) => app.log.warn({ err: error }, 'session sweep failed'))
    }
    const timer = setInterval(sweep, 10 * 60 * 1000).unref()
    app.addHook('onClose', async () => clearInterval(timer))
  },
{ name: 'sessions', fastify: '5.x', dependencies: ['database'] }
)
