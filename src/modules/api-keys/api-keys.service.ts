import { createHmac, randomUUID } from 'node:crypto'
import { randomBytes } from '../../lib/crypto/random.js'
import { toDateOnly } from '../../lib/dates.js'
import { AppError } from '../../lib/errors.js'
import type { ApiKeysRepository } from './api-keys.repository.js'

/**
 * API keys for machine clients (R26), shown once when made and stored only as an HMAC-SHA-256 under the pepper.
 * A key is `cnd_`, an 8-character prefix, `_` and 32 random bytes as base64url (56 characters). The prefix is its
 * own 6 random bytes, stored in the clear to name the key in listings and revocations; it is drawn apart from the
 * secret part so that what listings, logs of revocations and screenshots show takes nothing from the 256 secret
 * bits R26 asks for. Each key is for one configured region and expires at most 12 months after it is made. Used by
 * the admin CLI and by src/plugins/api-keys.ts.
 *
 * Keys made before that format are `cnd_` and 32 random bytes (47 characters), their first 12 characters being
 * the prefix, so 48 of their bits are public. They are in databases already and are still accepted (verify looks
 * every key up by the HMAC of its whole text, whatever its format) until they expire, at most 12 months on.
 *
 * The pepper is the server secret's `apiKey` subkey (src/lib/crypto/secrets.ts): the app's key ring holds it as
 * `apiKeyPepper`, the CLI derives it the same way. It is passed to each call that hashes a key rather than to the
 * factory, because the app's key ring loads after the plugins register (and may not be loaded yet).
 */

const KEY_PREFIX = 'cnd_'
/** The secret part: 256 bits (R26), none of them shown in the prefix. */
const SECRET_BYTES = 32
/** The prefix's own random part: 48 bits, 8 base64url characters, enough to tell keys apart (a clash is retried). */
const PREFIX_BYTES = 6
export const PREFIX_LENGTH = 12
/** `cnd_`, the 8-character prefix, `_`, then 43 base64url characters (32 bytes, unpadded). */
const KEY_PATTERN = /^cnd_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{43}$/
/** The earlier format, still accepted: `cnd_` and 43 base64url characters, the prefix being its first 12. */
const LEGACY_KEY_PATTERN = /^cnd_[A-Za-z0-9_-]{43}$/
const PREFIX_PATTERN = /^cnd_[A-Za-z0-9_-]{8}$/
const LABEL_MAX = 200
// A tab or line break in a label would break the tab-separated listing scripts read.
const CONTROL_CHARACTER = /\p{Cc}/u
const CREATE_ATTEMPTS = 3
/** R26: a key lives at most 12 months; `days` is capped at the same date 12 months on (see expiryDate). */
export const MAX_DAYS = 366
export const DEFAULT_DAYS = 365
const DAY_MS = 86_400_000
const PEPPER_BYTES = 32

export type VerifiedApiKey = { id: string; prefix: string; regions: string[] }

export type ApiKeySummary = {
  prefix: string
  label: string
  regions: string[]
  createdOn: string
  /** The first day (UTC) on which the key is refused. */
  expiresOn: string
  expired: boolean
  revokedOn: string | null
}

export type CreateApiKeyOptions = {
  /** The server's `apiKeyPepper` (AppCrypto), or the same subkey derived by the CLI. */
  pepper: Uint8Array
  /** How many days the key lasts, 1 to 366 (default 365), never beyond 12 months. */
  days?: number
}

export type ApiKeysServiceDeps = {
  repository: ApiKeysRepository
  /** The configured regions (config.regions): a key may be limited to these only. */
  regions: readonly string[]
  clock?: () => Date
}

/**
 * HMAC-SHA-256 under the pepper (R26; ASVS 5.0 6.5.2 allows a fast hash for a secret of at least 112 bits). Not a
 * password hash: the key's secret part is 256 random bits (208 beyond the stored prefix in a legacy key), so nothing
 * can be guessed, and a fast, deterministic hash lets any instance find the key in one indexed look-up. It covers
 * the whole key, prefix included, so one look-up serves both formats. Keyed rather than plain so that a copy
 * of the database, without the server secret, cannot confirm a key that leaked elsewhere (a log, a screenshot) nor
 * tell which client it belongs to.
 */
export const hashApiKey = (pepper: Uint8Array, key: string): Uint8Array => {
  // A missing or empty pepper would quietly make this a guessable-key HMAC: refuse it instead.
  if (pepper.length < PEPPER_BYTES) {
    throw new Error(`The API-key pepper must be at least ${PEPPER_BYTES} bytes.`)
  }
  return new Uint8Array(createHmac('sha256', pepper).update(key).digest())
}

/** Whether `value` has the shape of a key, in the current format or the legacy one. */
export const isApiKeyShaped = (value: string): boolean => KEY_PATTERN.test(value) || LEGACY_KEY_PATTERN.test(value)

const base64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url')

/** A new key and its prefix: the prefix from its own random bytes, the secret part from 32 more. */
export const generateApiKey = (): { key: string; prefix: string } => {
  const prefix = KEY_PREFIX + base64url(randomBytes(PREFIX_BYTES))
  return { key: `${prefix}_${base64url(randomBytes(SECRET_BYTES))}`, prefix }
}

const isUniqueViolation = (error: unknown) => (error as { code?: string } | null)?.code === 'P2002'

const dateString = (date: Date) => date.toISOString().slice(0, 10)

/**
 * The one region of a key (R26: each key is scoped to one region), or an AppError if there is none, more than
 * one, or it is not configured. Also used by the CLI.
 */
export const checkRegion = (regions: readonly string[], configured: readonly string[]): string => {
  if (regions.length !== 1) {
    throw new AppError(
      'VALIDATION_FAILED',
      regions.length === 0
        ? 'An API key needs a region.'
        : 'An API key is for one region only: make one key for each region.'
    )
  }
  const [region] = regions as [string]
  if (!configured.includes(region)) {
    throw new AppError('VALIDATION_FAILED', `Unknown region ${region}; the regions are ${configured.join(', ')}.`)
  }
  return region
}

/** The same calendar date `months` later, or the month's last day if it has no such date (29 February). */
const addMonths = (date: Date, months: number): Date => {
  const year = date.getUTCFullYear()
  const month = date.getUTCMonth() + months
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  return new Date(Date.UTC(year, month, Math.min(date.getUTCDate(), lastDay)))
}

/**
 * The first day a key made on `today` for `days` days is refused: `days` later, but never more than 12 months
 * (R26), so 366 days is allowed only across a 29 February. Also used by the CLI to check --days early.
 */
export const expiryDate = (today: Date, days: number): Date => {
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) {
    throw new AppError('VALIDATION_FAILED', `An API key lasts 1 to ${MAX_DAYS} days (at most 12 months).`)
  }
  const start = toDateOnly(today)
  const byDays = new Date(start.getTime() + days * DAY_MS)
  const twelveMonths = addMonths(start, 12)
  return byDays < twelveMonths ? byDays : twelveMonths
}

const checkLabel = (label: string): string => {
  const trimmed = label.trim()
  if (trimmed.length > LABEL_MAX || CONTROL_CHARACTER.test(trimmed)) {
    throw new AppError(
      'VALIDATION_FAILED',
      `The label must be at most ${LABEL_MAX} characters, with no tabs or line breaks.`
    )
  }
  return trimmed
}

export const createApiKeysService = ({
  repository,
  regions: configured,
  clock = () => new Date()
}: ApiKeysServiceDeps) => ({
  /**
   * Makes a key for one region (`regions` must hold exactly one), lasting `days`; the returned `key` is the only
   * copy there will ever be.
   */
  create: async (
    regions: readonly string[],
    label: string,
    { pepper, days = DEFAULT_DAYS }: CreateApiKeyOptions
  ): Promise<{ key: string; prefix: string; regions: string[]; expiresOn: string }> => {
    const scope = [checkRegion(regions, configured)]
    const cleanLabel = checkLabel(label)
    const today = toDateOnly(clock())
    const expiresOn = expiryDate(today, days)
    // The prefix carries 48 random bits: a clash is unlikely but would hit its unique index, so draw again.
    for (let attempt = 1; ; attempt += 1) {
      const { key, prefix } = generateApiKey()
      try {
        await repository.create({
          id: randomUUID(),
          prefix,
          keyHash: hashApiKey(pepper, key),
          label: cleanLabel,
          regions: scope,
          createdOn: today,
          expiresOn
        })
        return { key, prefix, regions: scope, expiresOn: dateString(expiresOn) }
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= CREATE_ATTEMPTS) {
          throw error
        }
      }
    }
  },

  list: async (): Promise<ApiKeySummary[]> => {
    const today = toDateOnly(clock())
    return (await repository.list()).map((key) => ({
      prefix: key.prefix,
      label: key.label,
      regions: key.regions,
      createdOn: dateString(key.createdOn),
      expiresOn: dateString(key.expiresOn),
      expired: key.expiresOn <= today,
      revokedOn: key.revokedOn && dateString(key.revokedOn)
    }))
  },

  /** Revokes the key with this prefix from today (UTC); a key already revoked keeps its first date. */
  revoke: async (prefix: string): Promise<{ revokedOn: string; wasRevoked: boolean }> => {
    if (!PREFIX_PATTERN.test(prefix)) {
      // Not echoed: someone may have pasted the whole key here.
      throw new AppError('VALIDATION_FAILED', `An API key prefix is ${PREFIX_LENGTH} characters, cnd_ and 8 more, as list-api-keys shows.`)
    }
    const today = toDateOnly(clock())
    if ((await repository.revoke(prefix, today)) === 1) {
      return { revokedOn: dateString(today), wasRevoked: false }
    }
    const found = await repository.findByPrefix(prefix)
    if (!found?.revokedOn) {
      throw new AppError('NOT_FOUND', `There is no API key with the prefix ${prefix}.`)
    }
    return { revokedOn: dateString(found.revokedOn), wasRevoked: true }
  },

  /**
   * The key's id, prefix and regions if it is one of ours, not revoked and not expired, else null (one answer for
   * all, so a caller cannot tell which). Checked against the database on every call, so a revocation takes effect
   * from the next request on every instance. `pepper` as for create.
   */
  verify: async (key: string, pepper: Uint8Array): Promise<VerifiedApiKey | null> => {
    if (!isApiKeyShaped(key)) {
      return null
    }
    const found = await repository.findByHash(hashApiKey(pepper, key))
    // Refused from the first day of expiresOn (UTC), so a key never lasts longer than it was made for.
    if (!found || found.revokedOn || found.expiresOn <= toDateOnly(clock())) {
      return null
    }
    return { id: found.id, prefix: found.prefix, regions: found.regions }
  }
})

export type ApiKeysService = ReturnType<typeof createApiKeysService>
