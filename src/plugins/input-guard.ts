import fp from 'fastify-plugin'
import { AppError } from '../lib/errors.js'

/** Whether any string (or key) anywhere in a parsed JSON value holds U+0000 — iteratively, so depth is no risk. */
export const containsNul = (root: unknown): boolean => {
  const pending: unknown[] = [root]
  while (pending.length > 0) {
    const value = pending.pop()
    if (typeof value === 'string') {
      if (value.includes('\u0000')) {
        return true
      }
    } else if (Array.isArray(value)) {
      pending.push(...value)
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (key.includes('\u0000')) {
          return true
        }
        pending.push(item)
      }
    }
  }
  return false
}

/**
 * PostgreSQL text cannot hold U+0000: such input would fail deep in a query as a 500. It is refused up front, on
 * every route, as a 400 — no legitimate text contains it.
 */
export default fp(
  async (app) => {
    app.addHook('preValidation', async (request) => {
      if (containsNul(request.params) || containsNul(request.query) || containsNul(request.body)) {
        throw new AppError('VALIDATION_FAILED', 'request: text may not contain the NUL character (U+0000).')
      }
    })
  },
  { name: 'input-guard', fastify: '5.x' }
)
