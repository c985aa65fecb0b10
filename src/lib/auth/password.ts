import { readFileSync } from 'node:fs'
import argon2 from 'argon2'
import { estimateStrength, StrengthCheckFailed } from './strength.js'

/**
 * Reviewer passwords (R19, R20; ASVS 5.0 6.2): at least 15 characters, up to 256, no composition rules, never a
 * common or breached password nor one an attacker's guessing rules find quickly (keyboard walks, sequences,
 * repeats, common words and names strung together, dates: zxcvbn's estimate, see ./strength.ts); stored as
 * argon2id at node-argon2's defaults (m = 64 MiB, t = 3, p = 4, above OWASP's floor of m = 19 MiB, t = 2).
 * Hashing runs on libuv's thread pool, and at most HASH_CONCURRENCY at a time, so a burst of sign-ins cannot
 * starve the intake of threads or memory.
 */

export const PASSWORD_MIN = 15
export const PASSWORD_MAX = 256
/**
 * zxcvbn's score 3: at least 10^8 guesses for the estimator's cleverest attack (its "safely unguessable"; score 4
 * is 10^10). Rate limits and the lockout keep online guessing far below that.
 */
export const PASSWORD_MIN_SCORE = 3

export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 65_536, timeCost: 3, parallelism: 4 } as const

const COMMON = new Set(
  readFileSync(new URL('./data/common-passwords.txt', import.meta.url), 'utf8')
    .split('\n')
    .filter(Boolean)
)

const TOO_COMMON = 'This password is among those most often used or leaked. Choose another.'
const ADVICE = 'A few unrelated words (four or more, chosen at random) make a strong one that is easy to remember.'

/**
 * The quick rules, in words for the person choosing the password, or null: length, the bundled list of common
 * and breached passwords (with digits or symbols tacked on), and repeats of a short piece.
 */
export const basicPasswordProblem = (password: string): string | null => {
  if ([...password].length < PASSWORD_MIN) {
    return `Use at least ${PASSWORD_MIN} characters: a few unrelated words make a strong one.`
  }
  if ([...password].length > PASSWORD_MAX) {
    return `Use at most ${PASSWORD_MAX} characters.`
  }
  const lower = password.toLowerCase()
  // A common password with digits or symbols tacked on ("password1234567890") is still that password.
  const isCommonWithTail = [...Array(lower.length).keys()].some(
    (cut) => cut >= 6 && COMMON.has(lower.slice(0, cut)) && /^[\d\W_]*$/u.test(lower.slice(cut))
  )
  const isRepeat = /^(.{1,8}?)\1+[\d\W_]*$/u.test(lower)
  if (COMMON.has(lower) || isCommonWithTail || isRepeat) {
    return TOO_COMMON
  }
  return null
}

/** Words that make a password easy to guess here: the service's name and the account's e-mail address. */
const contextWords = (email: string | undefined) => {
  const words = ['candid', 'reviewer', 'review']
  if (email) {
    const address = email.trim().toLowerCase()
    words.push(address, ...address.split(/[^\p{L}\p{N}]+/u).filter((part) => part.length >= 3))
  }
  return words
}

/**
 * Why a new password is refused, in words for the person choosing it (never repeating any of it); null if it is
 * acceptable. The quick rules first, then the strength estimate (in a worker thread, a few milliseconds).
 * `email` is the account's address: passwords made of it are refused too.
 */
export const passwordProblem = async (password: string, { email }: { email?: string } = {}): Promise<string | null> => {
  const basic = basicPasswordProblem(password)
  if (basic) {
    return basic
  }
  let estimate
  try {
    estimate = await estimateStrength(password, contextWords(email))
  } catch (error) {
    if (error instanceof StrengthCheckFailed) {
      return 'This password could not be checked in time. Try again, or choose another.'
    }
    throw error
  }
  if (estimate.score < PASSWORD_MIN_SCORE) {
    const reason = estimate.warning ? `${estimate.warning.replace(/\.$/u, '')}. ` : ''
    return `This password would be easy to guess. ${reason}${ADVICE}`
  }
  return null
}

// A small gate in front of argon2: each hash holds 64 MiB and a pool thread for about a tenth of a second.
const HASH_CONCURRENCY = 2
let running = 0
const waiting: (() => void)[] = []
const limited = async <T>(work: () => Promise<T>): Promise<T> => {
  if (running >= HASH_CONCURRENCY) {
    await new Promise<void>((resolve) => waiting.push(resolve))
  }
  running++
  try {
    return await work()
  } finally {
    running--
    waiting.shift()?.()
  }
}

export const hashPassword = (password: string): Promise<string> => limited(() => argon2.hash(password, ARGON2_OPTIONS))

/** Verifies exactly as typed (no trimming, no case folding). */
export const verifyPassword = (hash: string, password: string): Promise<boolean> =>
  limited(() => argon2.verify(hash, password))

export const needsRehash = (hash: string): boolean => argon2.needsRehash(hash, ARGON2_OPTIONS)

/** A 32-byte key from the password, for wrapping the team secret key (argon2id, raw output, its own salt). */
export const deriveWrapKey = (password: string, salt: Uint8Array): Promise<Uint8Array> =>
  limited(async () => {
    const raw = await argon2.hash(password, { ...ARGON2_OPTIONS, salt: Buffer.from(salt), raw: true, hashLength: 32 })
    return new Uint8Array(raw)
  })

/** A hash of a password no one has, to spend the same time on unknown accounts as on known ones. */
export const DUMMY_HASH_SOURCE = 'candid-no-such-account-padding'
