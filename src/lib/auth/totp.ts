import { Secret, TOTP } from 'otpauth'

/**
 * Second factor: TOTP (RFC 6238) with 160-bit secrets, 6 digits, 30-second steps, one step of clock drift either
 * way, and each step usable once (R21; ASVS 5.0 6.5.1, 6.5.5).
 */

const STEP_SECONDS = 30

const totpFor = (secret: Uint8Array, label = 'reviewer') =>
  new TOTP({
    issuer: 'Candid',
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: STEP_SECONDS,
    secret: new Secret({ buffer: secret.slice().buffer as ArrayBuffer })
  })

export const newTotpSecret = (): Uint8Array => new Uint8Array(new Secret({ size: 20 }).bytes)

export const totpUri = (secret: Uint8Array, email: string): string => totpFor(secret, email).toString()

/** The current code, for tests and for the CLI's own checks. */
export const totpCode = (secret: Uint8Array, now = Date.now()): string => totpFor(secret).generate({ timestamp: now })

/**
 * The time step the code belongs to if it is valid now and later than `lastStep` (so never replayed); else null.
 */
export const acceptTotp = (secret: Uint8Array, code: string, lastStep: number, now = Date.now()): number | null => {
  if (!/^\d{6}$/.test(code)) {
    return null
  }
  const delta = totpFor(secret).validate({ token: code, timestamp: now, window: 1 })
  if (delta === null) {
    return null
  }
  const step = Math.floor(now / 1000 / STEP_SECONDS) + delta
  return step > lastStep ? step : null
}
