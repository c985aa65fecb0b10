import { createHash, randomUUID } from 'node:crypto'
import { randomBytes } from '../../lib/crypto/random.js'
import { toDateOnly } from '../../lib/dates.js'
import { AppError } from '../../lib/errors.js'
import type { ApiKeysRepository } from './api-keys.repository.js'

/**
 * API keys for machine clients (R26): `cnd_` and 32 random bytes as base64url, shown once when made and stored
 * only as a hash. The first 12 characters are the key's prefix, stored in the clear to name it in listings and
 * revocations; the other 35 characters (208 random bits) stay secret. Each key is limited to regions
 * from the configured list. Used by the admin CLI and by src/plugins/api-keys.ts.
 */

const KEY_PREFIX = 'cnd_'
const RANDOM_BYTES = 32
export const PREFIX_LENGTH = 12
/** `cnd_` and 43 base64url characters (32 bytes, unpadded). */
const KEY_PATTERN = /^cnd_[A-Za-z0-9_-]{43}$/
const PREFIX_PATTERN = /^cnd_[A-Za-z0-9_-]{8}$/
const LABEL_MAX = 200
// A tab or line break in a label would break the tab-separated listing scripts read.
const CONTROL_CHARACTER = /\p{Cc}/u
const CREATE_ATTEMPTS = 3

export type VerifiedApiKey = { id: string; prefix: string; regions: string[] }

export type ApiKeySummary = {
  prefix: string
  label: string
  regions: string[]
  createdOn: string
  revokedOn: string | null
}

export type ApiKeysServiceDeps = {
  repository: ApiKeysRepository
  /** The configured regions (config.regions): a key may be limited to these only. */
  regions: readonly string[]
  clock?: () => Date
}

/**
 * A plain SHA-256, not a password hash or a peppered HMAC: the key is 256 random bits (208 beyond its stored
 * prefix), so no dictionary or brute force can invert its hash, and a fast hash lets any instance find a key in
 * one indexed look-up.
 */
export const hashApiKey = (key: string): Uint8Array => new Uint8Array(createHash('sha256').update(key).digest())

export const isApiKeyShaped = (value: string): boolean => KEY_PATTERN.test(value)

const isUniqueViolation = (error: unknown) => (error as { code?: string } | null)?.code === 'P2002'

const dateString = (date: Date) => date.toISOString().slice(0, 10)

/** The regions without repeats, or an AppError naming any that are not configured. Also used by the CLI. */
export const checkRegions = (regions: readonly string[], configured: readonly string[]): string[] => {
  if (regions.length === 0) {
    throw new AppError('VALIDATION_FAILED', 'An API key needs at least one region.')
  }
  const unknown = regions.filter((region) => !configured.includes(region))
  if (unknown.length > 0) {
    throw new AppError(
      'VALIDATION_FAILED',
      `Unknown region${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; the regions are ${configured.join(', ')}.`
    )
  }
  return [...new Set(regions)]
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
  /** Makes a key for `regions`; the returned `key` is the only copy there will ever be. */
  create: async (regions: readonly string[], label = ''): Promise<{ key: string; prefix: string; regions: string[] }> => {
    const scope = checkRegions(regions, configured)
    const cleanLabel = checkLabel(label)
    // The prefix carries 48 random bits: a clash is unlikely but would hit its unique index, so draw again.
    for (let attempt = 1; ; attempt += 1) {
      const key = KEY_PREFIX + Buffer.from(randomBytes(RANDOM_BYTES)).toString('base64url')
      const prefix = key.slice(0, PREFIX_LENGTH)
      try {
        await repository.create({
          id: randomUUID(),
          prefix,
          keyHash: hashApiKey(key),
          label: cleanLabel,
          regions: scope,
          createdOn: toDateOnly(clock())
        })
        return { key, prefix, regions: scope }
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= CREATE_ATTEMPTS) {
          throw error
        }
      }
    }
  },

  list: async (): Promise<ApiKeySummary[]> =>
    (await repository.list()).map((key) => ({
      prefix: key.prefix,
      label: key.label,
      regions: key.regions,
      createdOn: dateString(key.createdOn),
      revokedOn: key.revokedOn && dateString(key.revokedOn)
    })),

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
   * The key's id, prefix and regions if it is one of ours and not revoked, else null. Checked against the database
   * on every call, so a revocation takes effect from the next request on every instance.
   */
  verify: async (key: string): Promise<VerifiedApiKey | null> => {
    if (!isApiKeyShaped(key)) {
      return null
    }
    const found = await repository.findByHash(hashApiKey(key))
    if (!found || found.revokedOn) {
      return null
    }
    return { id: found.id, prefix: found.prefix, regions: found.regions }
  }
})

export type ApiKeysService = ReturnType<typeof createApiKeysService>
