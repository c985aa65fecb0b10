import {
  basicPasswordProblem,
  deriveWrapKey,
  hashPassword,
  needsRehash,
  passwordProblem,
  verifyPassword
} from '../../lib/auth/password.js'
import { csrfTokenFor, hashSessionToken, newSessionToken, sessionKeyFor } from '../../lib/auth/tokens.js'
import { acceptTotp } from '../../lib/auth/totp.js'
import { openWithKey, sealWithKey } from '../../lib/crypto/sealing.js'
import { randomBytes } from '../../lib/crypto/random.js'
import { keyedHash, userBoxKeyPair } from '../../lib/crypto/secrets.js'
import { AppError } from '../../lib/errors.js'
import type { KeyRing } from '../../plugins/crypto.js'
import type { RequestSession } from '../../plugins/sessions.js'
import { type TeamSecret, userKeyContext } from '../keys/keys.service.js'
import type { UsersRepository } from '../users/users.repository.js'
import { normaliseEmail, openTotpSecret, userKeyMaterial } from '../users/users.service.js'
import type { TLoginBody, TSessionResponse } from './auth.schemas.js'
import type { LoginAttemptsRepository, SessionsRepository } from './sessions.repository.js'

/**
 * Sign-in (R21, R22): password, then TOTP, each step on the same path whether or not the account exists, with
 * one answer for every failure. Failures slow guessing rather than lock anyone out (issue 17.7: a lock let anyone
 * keep a reviewer out with six wrong passwords). Two throttles, both kept as keyed hashes in the database so that
 * unknown names are throttled alike and every instance counts together:
 * - per account and client (the address the request came from): after three failures each further attempt from
 *   that client waits 5 s, doubling with every failure, up to 15 minutes;
 * - per account, across clients: after five failures the same doubling delay, which holds back only clients that
 *   have already failed on this account. A client with no failures on it — the reviewer at their own desk — is
 *   always checked, so the right password with a fresh code still signs in while someone else is guessing.
 * Each attempt is counted before its password is checked and forgiven only if it succeeds, so parallel attempts
 * cannot get more checks than the throttle allows.
 */

export const CLIENT_THROTTLE = { free: 3, baseMs: 5000, maxMs: 15 * 60 * 1000, forgetAfterMs: 24 * 3600 * 1000 }
export const ACCOUNT_THROTTLE = { free: 5, baseMs: 5000, maxMs: 15 * 60 * 1000, forgetAfterMs: 24 * 3600 * 1000 }

const WRONG = 'The e-mail address, password or code is wrong.'

export const sessionKeyContext = (userId: string) => `candid:session-team-key|user:${userId}`

export type AuthServiceDeps = {
  users: UsersRepository
  sessions: SessionsRepository
  attempts: LoginAttemptsRepository
  keys: Pick<KeyRing, 'get'>
  /** Opens the team key with the recovery key from setup (the keys service's). */
  openWithRecoveryKey: (recoveryKey: string) => Promise<TeamSecret>
  clock?: () => Date
}

type UserRow = NonNullable<Awaited<ReturnType<UsersRepository['findByEmail']>>>

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, i) => byte === b[i])

/**
 * A user's stored TOTP secret did not open under the server's TOTP key: the row is damaged, or the server secret is
 * not the one it was sealed under (which the fingerprint check at start should have refused). Carried as the cause
 * of the ordinary 401 so that the route can log it for operators; the client is told nothing more, since only a
 * right password gets this far and a distinct answer would confirm it.
 */
export class TotpSecretUnreadableError extends Error {
  override name = 'TotpSecretUnreadableError'
  constructor (readonly userId: string) {
    super('the stored TOTP secret cannot be opened with this server secret')
  }
}

export type LoginResult = { token: string; session: TSessionResponse; userId: string; outcome: 'success' }

export const createAuthService = (deps: AuthServiceDeps) => {
  const { users, sessions, attempts, keys, openWithRecoveryKey, clock = () => new Date() } = deps
  // Spent on accounts that do not exist, so that they take as long as those that do (ASVS 5.0 6.3.8).
  const dummyHash = hashPassword('candid-no-such-account-padding-0000')

  /**
   * Counts this attempt against the account and client before any password is checked (R22), and refuses it while
   * a delay earned by earlier failures runs: atomic statements, so a burst of parallel attempts cannot all slip in
   * before the first failure is written, and several instances count together. The attempt stays counted as a
   * failure unless the caller clears the returned keys on success.
   */
  const reserveAttempt = async (email: string, client: string, now: Date): Promise<Uint8Array[]> => {
    const { sodium, loginThrottleKey } = keys.get()
    const accountKey = keyedHash(sodium, `account|${email}`, loginThrottleKey)
    const clientKey = keyedHash(sodium, `account|${email}|client|${client}`, loginThrottleKey)
    const byClient = await attempts.reserve(clientKey, { now, enforce: true, policy: CLIENT_THROTTLE })
    // Others' failures hold back only a client that has failed on this account itself.
    const byAccount = byClient.allowed
      ? await attempts.reserve(accountKey, { now, enforce: byClient.failures > 1, policy: ACCOUNT_THROTTLE })
      : byClient
    if (!byAccount.allowed) {
      const until = byAccount.delayedUntil?.getTime() ?? now.getTime()
      throw new AppError('RATE_LIMITED', 'Too many failed attempts for this account. Wait before trying again.', {
        headers: { 'Retry-After': String(Math.max(1, Math.ceil((until - now.getTime()) / 1000))) }
      })
    }
    return [clientKey, accountKey]
  }

  /**
   * At sign-in, with the password in hand: opens the team secret key from the user's wrap; turns an admin's
   * pending grant into a wrap (checking it really is the team key); and creates the grant box of a user who has
   * none yet. Returns the team secret key (the caller wipes it), or null if the user cannot unseal.
   */
  /** The team secret key from a grant, if the box opens it and it really is the current team key; else null. */
  const openGrant = (grant: Uint8Array, box: { publicKey: Uint8Array; secretKey: Uint8Array }) => {
    const { sodium, teamKey } = keys.get()
    let secretKey: Uint8Array
    try {
      secretKey = sodium.crypto_box_seal_open(grant, box.publicKey, box.secretKey)
    } catch {
      return null
    }
    if (!sameBytes(sodium.crypto_scalarmult_base(secretKey), teamKey.publicKey)) {
      sodium.memzero(secretKey)
      return null
    }
    return secretKey
  }

  const unlockTeamKey = async (user: UserRow, password: string): Promise<Uint8Array | null> => {
    const crypto = keys.get()
    const { sodium } = crypto
    const hasGrant = user.pendingGrant !== null && user.pendingGrantVersion === crypto.teamKey.version
    const hasCurrentWrap = user.teamKeyWrap !== null && user.teamKeyVersion === crypto.teamKey.version
    if (!hasCurrentWrap && !hasGrant && user.boxPublicKey) {
      return null
    }
    const wrapKey = await deriveWrapKey(password, user.wrapSalt)
    try {
      const box = userBoxKeyPair(sodium, wrapKey, user.id)
      try {
        // A wrap of an older team key (before a rotation) is no use: the grant of the new one replaces it.
        if (user.teamKeyWrap && user.teamKeyVersion === crypto.teamKey.version) {
          if (!user.boxPublicKey) {
            await users.updateKeys(user.id, { boxPublicKey: box.publicKey })
          }
          return openWithKey(sodium, user.teamKeyWrap, wrapKey, userKeyContext(user.teamKeyVersion, user.id))
        }
        if (hasGrant && user.pendingGrant) {
          const secretKey = openGrant(user.pendingGrant, box)
          if (!secretKey) {
            // Sealed to a grant box this password no longer derives (the password changed after the grant), or
            // not the team key at all: drop it rather than fail every sign-in; an admin can grant again.
            const cleared = { boxPublicKey: box.publicKey, pendingGrant: null, pendingGrantVersion: null }
            await users.updateKeys(user.id, cleared)
            return null
          }
          await users.updateKeys(user.id, {
            teamKeyWrap: sealWithKey(sodium, secretKey, wrapKey, userKeyContext(crypto.teamKey.version, user.id)),
            teamKeyVersion: crypto.teamKey.version,
            boxPublicKey: box.publicKey,
            pendingGrant: null,
            pendingGrantVersion: null
          })
          return secretKey
        }
        await users.updateKeys(user.id, { boxPublicKey: box.publicKey })
        return null
      } finally {
        sodium.memzero(box.secretKey)
      }
    } finally {
      sodium.memzero(wrapKey)
    }
  }

  /** A signed-in user's password check (password change, recovery): failures count as sign-in failures. */
  const checkOwnPassword = async (userId: string, password: string, client: string) => {
    const now = clock()
    const user = await users.findById(userId)
    if (!user) {
      throw new AppError('UNAUTHORIZED', 'Sign in first.')
    }
    const throttleKeys = await reserveAttempt(user.email, client, now)
    if (!(await verifyPassword(user.passwordHash, password))) {
      throw new AppError('FORBIDDEN', 'The current password is wrong.')
    }
    await attempts.clear(...throttleKeys)
    return user
  }

  return {
    /**
     * A signed-in user changes their password: the team key is re-wrapped under the new one (from this session's
     * copy), the grant box re-derived, and every other session of theirs ended.
     */
    changePassword: async (session: RequestSession, currentPassword: string, newPassword: string, client: string) => {
      // The quick rules first (no password check for "short"); the strength estimate only for the account's
      // holder, once the current password is proved, so that no one else can keep the estimator busy.
      const basic = basicPasswordProblem(newPassword)
      if (basic) {
        throw new AppError('VALIDATION_FAILED', `newPassword: ${basic}`)
      }
      const user = await checkOwnPassword(session.userId, currentPassword, client)
      const problem = await passwordProblem(newPassword, { email: user.email })
      if (problem) {
        throw new AppError('VALIDATION_FAILED', `newPassword: ${problem}`)
      }
      const crypto = keys.get()
      const salt = randomBytes(16)
      // The team key comes from what the current password opens (the user's wrap, or a grant waiting for them),
      // not from this session, which may predate a grant.
      const secretKey = await unlockTeamKey(user, currentPassword)
      const team = secretKey
        ? { version: crypto.teamKey.version, publicKey: crypto.teamKey.publicKey, secretKey }
        : undefined
      try {
        const material = await userKeyMaterial(crypto.sodium, { userId: user.id, password: newPassword, salt, team })
        await users.replacePassword(
          user.id,
          { passwordHash: await hashPassword(newPassword), wrapSalt: salt, ...material },
          session.tokenHash
        )
      } finally {
        if (team) {
          crypto.sodium.memzero(team.secretKey)
        }
      }
    },

    /**
     * Restores unsealing with the recovery key from setup: the team key is opened with it and wrapped under the
     * user's password (checked here), and this session can unseal at once.
     */
    recover: async (session: RequestSession, password: string, recoveryKey: string, client: string) => {
      const user = await checkOwnPassword(session.userId, password, client)
      const crypto = keys.get()
      let team: TeamSecret
      try {
        team = await openWithRecoveryKey(recoveryKey)
      } catch {
        throw new AppError('FORBIDDEN', 'That is not the recovery key of this team key.')
      }
      try {
        const material = await userKeyMaterial(crypto.sodium, { userId: user.id, password, salt: user.wrapSalt, team })
        await users.updateKeys(user.id, { ...material, pendingGrant: null, pendingGrantVersion: null })
        await sessions.setTeamKeyWrap(
          session.tokenHash,
          sealWithKey(crypto.sodium, team.secretKey, sessionKeyFor(session.token), sessionKeyContext(user.id))
        )
      } finally {
        crypto.sodium.memzero(team.secretKey)
      }
    },

    /** `client` names where the attempt came from (the request's address; only a keyed hash of it is kept). */
    login: async (body: TLoginBody, client: string): Promise<LoginResult> => {
      const crypto = keys.get()
      const now = clock()
      const email = normaliseEmail(body.email)
      const throttleKeys = await reserveAttempt(email, client, now)

      const user = await users.findByEmail(email)
      const isPasswordRight = await verifyPassword(user?.passwordHash ?? (await dummyHash), body.password)
      let step: number | null = null
      if (user && isPasswordRight && !user.disabledAt) {
        let secret: Uint8Array
        try {
          secret = openTotpSecret(crypto.sodium, crypto.totpKey, user.id, user.totpSecret)
        } catch {
          // The reservation stands as a failure, as for a wrong code.
          throw new AppError('UNAUTHORIZED', WRONG, { cause: new TotpSecretUnreadableError(user.id) })
        }
        step = acceptTotp(secret, body.totp, Number(user.totpLastStep), now.getTime())
        crypto.sodium.memzero(secret)
        if (step !== null && !(await users.claimTotpStep(user.id, step))) {
          step = null
        }
      }
      if (!user || step === null) {
        // The reservation stands as this failure.
        throw new AppError('UNAUTHORIZED', WRONG)
      }
      await attempts.clear(...throttleKeys)
      if (needsRehash(user.passwordHash)) {
        await users.updatePasswordHash(user.id, await hashPassword(body.password))
      }

      const token = newSessionToken()
      const secretKey = await unlockTeamKey(user, body.password)
      let teamKeyWrap: Uint8Array | null = null
      if (secretKey) {
        teamKeyWrap = sealWithKey(crypto.sodium, secretKey, sessionKeyFor(token), sessionKeyContext(user.id))
        crypto.sodium.memzero(secretKey)
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
