import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * Signed webhooks for hazard alerts. The signature is HMAC-SHA-256 under the subscriber's secret over
 * `<timestamp>.<body>` (the timestamp in whole seconds since the epoch, as sent in its header), so a receiver can
 * refuse a replayed delivery whose timestamp is old and a body that was changed on the way. Framework-free: the
 * delivery worker signs, tests (and receivers written in TypeScript) verify.
 */

export const SIGNATURE_HEADER = 'candid-signature'
export const TIMESTAMP_HEADER = 'candid-timestamp'
export const ALERT_ID_HEADER = 'candid-alert-id'
const VERSION = 'v1='

export const signWebhook = (secret: Uint8Array, timestamp: number, body: string): string =>
  VERSION + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')

/** Whether `signature` signs `body` at `timestamp` and the timestamp is within `toleranceSeconds` of `now`. */
export const verifyWebhook = (
  secret: Uint8Array,
  { timestamp, body, signature }: { timestamp: string; body: string; signature: string },
  now = Date.now(),
  toleranceSeconds = 300
): boolean => {
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now / 1000 - Number(timestamp)) > toleranceSeconds) {
    return false
  }
  const expected = Buffer.from(signWebhook(secret, Number(timestamp), body))
  const given = Buffer.from(signature)
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/** The wait before attempt `attempts + 1`: `baseSeconds` doubled per failed attempt, at most `capSeconds`. */
export const backoffSeconds = (attempts: number, baseSeconds: number, capSeconds = 86_400): number =>
  Math.min(capSeconds, baseSeconds * 2 ** Math.max(0, Math.min(attempts - 1, 30)))
