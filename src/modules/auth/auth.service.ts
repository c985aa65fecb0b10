import { deriveWrapKey, hashPassword, needsRehash, verifyPassword } from '../../lib/auth/password.js'
import { csrfTokenFor, hashSessionToken, newSessionToken, sessionKeyFor } from '../../lib/auth/tokens.js'
import { acceptTotp } from '../../lib/auth/totp.js'
import { openWithKey, sealWithKey } from '../../lib/crypto/sealing.js'
import { keyedHash } from '../../lib/crypto/secrets.js'
import { AppError } from '../../lib/errors.js'
import type { KeyRing } from '../../plugins/crypto.js'
import { userKeyContext } from '../keys/keys.service.js'
import type { UsersRepository } from '../users/users.repository.js'
import { normaliseEmail, openTotpSecret } from '../users/users.service.js'
import type { TLoginBody, TSessionResponse } from './auth.schemas.js'
import type { LoginAttemptsRepository, SessionsRepository } from './sessions.repository.js'

/**
 * Sign-in (R21, R22): password, then TOTP, each step on the same path whether or not the account exists, with
 * one answer for every failure. Failures are counted per account name (kept as a keyed hash, so unknown names are
 * throttled the same way): five in 15 minutes lock the name for 15 minutes.
 */

export const FAILURES_BEFORE_LOCK = 5
export const FAILURE_WINDOW_MS = 15 * 60 * 1000
export const LOCK_MS = 15 * 60 * 1000

const WRONG = 'The e-mail address, password or code is wrong.'

export const sessionKeyContext = (userId: string) => `candid:session-team-key|user:${userId}`

export type AuthServiceDeps = {
  users: UsersRepository
  sessions: SessionsRepository
  attempts: LoginAttemptsRepository
  keys: Pick<KeyRing, 'get'>
  clock?: () => Date
}

export type LoginResult = { token: string; session: TSessionResponse; userId: string; outcome: 'success' }

export const createAuthService = ({ users, sessions, attempts, keys, clock = () => new Date() }: AuthServiceDeps) => {
  // Spent on accounts that do not exist, so that they take as long as those that do (ASVS 5.0 6.3.8).
  const dummyHash = hashPassword('candid-no-such-account-padding-0000')

  const recordFailure = async (accountHash: Uint8Array, now: Date) => {
    const previous = await attempts.find(accountHash)
    const inWindow = previous && now.getTime() - previous.windowStart.getTime() < FAILURE_WINDOW_MS
    const failures = inWindow ? previous.failures + 1 : 1
    await attempts.save({
      accountHash,
      failures,
      windowStart: inWindow ? previous.windowStart : now,
      lockedUntil: failures >= FAILURES_BEFORE_LOCK ? new Date(now.getTime() + LOCK_MS) : null
    })
  }

  return {
    login: async (body: TLoginBody): Promise<LoginResult> => {
      const crypto = keys.get()
      const now = clock()
      const email = normaliseEmail(body.email)
      const accountHash = keyedHash(crypto.sodium, `account|${email}`, crypto.loginThrottleKey)
      const attempt = await attempts.find(accountHash)
      if (attempt?.lockedUntil && attempt.lockedUntil > now) {
        throw new AppError('RATE_LIMITED', 'Too many failed sign-ins for this account. Try again in 15 minutes.', {
          headers: { 'Retry-After': String(Math.ceil((attempt.lockedUntil.getTime() - now.getTime()) / 1000)) }
        })
      }

      const user = await users.findByEmail(email)
      const isPasswordRight = await verifyPassword(user?.passwordHash ?? (await dummyHash), body.password)
      let step: number | null = null
      if (user && isPasswordRight && !user.disabledAt) {
        const secret = openTotpSecret(crypto.sodium, crypto.totpKey, user.id, user.totpSecret)
        step = acceptTotp(secret, body.totp, Number(user.totpLastStep), now.getTime())
        crypto.sodium.memzero(secret)
        if (step !== null && !(await users.claimTotpStep(user.id, step))) {
          step = null
        }
      }
      if (!user || step === null) {
        await recordFailure(accountHash, now)
        throw new AppError('UNAUTHORIZED', WRONG)
      }
      await attempts.clear(accountHash)
      if (needsRehash(user.passwordHash)) {
        await users.updatePasswordHash(user.id, await hashPassword(body.password))
      }

      const token = newSessionToken()
      let teamKeyWrap: Uint8Array | null = null
      if (user.teamKeyWrap && user.teamKeyVersion !== null) {
        const wrapKey = await deriveWrapKey(body.password, user.wrapSalt)
        const context = userKeyContext(user.teamKeyVersion, user.id)
        const secretKey = openWithKey(crypto.sodium, user.teamKeyWrap, wrapKey, context)
        teamKeyWrap = sealWithKey(crypto.sodium, secretKey, sessionKeyFor(token), sessionKeyContext(user.id))
        crypto.sodium.memzero(secretKey)
        crypto.sodium.memzero(wrapKey)
      }
      await sessions.create({ tokenHash: hashSessionToken(token), userId: user.id, at: now, teamKeyWrap })

      return {
        token,
        userId: user.id,
        outcome: 'success',
        session: { email: user.email, role: user.role, canUnseal: teamKeyWrap !== null, csrfToken: csrfTokenFor(token) }
      }
    },

    /** Whoever fails sign-in is logged by this hash of the name they gave, never the name or the password. */
    accountReference: (email: string) => {
      const crypto = keys.get()
      return Buffer.from(keyedHash(crypto.sodium, `account|${normaliseEmail(email)}`, crypto.loginThrottleKey))
        .toString('base64url')
        .slice(0, 12)
    }
  }
}

export type AuthService = ReturnType<typeof createAuthService>
