import { randomUUID } from 'node:crypto'
import type { Role } from '../../generated/prisma/client.js'
import { hashPassword, passwordProblem } from '../../lib/auth/password.js'
import { hashSessionToken, newSessionToken } from '../../lib/auth/tokens.js'
import { acceptTotp, newTotpSecret, totpUri } from '../../lib/auth/totp.js'
import { randomBytes } from '../../lib/crypto/random.js'
import { sealWithKey } from '../../lib/crypto/sealing.js'
import type { Sodium } from '../../lib/crypto/sodium.js'
import { AppError } from '../../lib/errors.js'
import type { UsersRepository } from '../users/users.repository.js'
import { createUsersService, openTotpSecret, TOTP_CONTEXT, userKeyMaterial } from '../users/users.service.js'
import type { EnrolmentPurpose, EnrolmentRepository } from './enrolment.repository.js'

/**
 * Enrolment without a terminal (issue 12): an admin creates an account, or resets a lost authenticator, and gets a
 * one-time link (72 hours). Through it the user sets a password (new accounts), scans a QR code of a new TOTP secret
 * and confirms a code from it; only then does the account work. Until then a new account's password is a random
 * one nobody knows, and a reset account's old authenticator is already void.
 */

export const ENROLMENT_HOURS = 72
const GONE = 'This enrolment link has expired or has been used. Ask an admin for a new one.'

export type EnrolmentServiceDeps = {
  repository: EnrolmentRepository
  users: UsersRepository
  /** The key ring (read when used: the keys may be created after start). */
  keys: { get(): { sodium: Sodium; totpKey: Uint8Array } }
  clock?: () => Date
}

export const createEnrolmentService = ({ repository, users, keys, clock = () => new Date() }: EnrolmentServiceDeps) => {
  const issue = async (userId: string, purpose: EnrolmentPurpose) => {
    const token = newSessionToken()
    const now = clock()
    const expiresAt = new Date(now.getTime() + ENROLMENT_HOURS * 3600_000)
    const tokenHash = hashSessionToken(token)
    await repository.create({ id: randomUUID(), userId, tokenHash, purpose, expiresAt, createdAt: now })
    // In the fragment: a browser never sends it to a server, so it reaches no access log.
    return { enrolmentLink: `/console#enrol=${token}`, expiresOn: expiresAt.toISOString().slice(0, 10) }
  }

  const live = async (token: string) => {
    const found = await repository.findLive(hashSessionToken(token), clock())
    if (!found || found.user.disabledAt) {
      throw new AppError('NOT_FOUND', GONE)
    }
    return found
  }

  return {
    invite: async (email: string, role: Role) => {
      // A random password nobody is told: the account cannot sign in until the link sets a real one.
      const unusable = Buffer.from(randomBytes(32)).toString('base64url')
      const { sodium, totpKey } = keys.get()
      const usersService = createUsersService({ repository: users, sodium, totpKey, clock })
      const { id } = await usersService.create({ email, role, password: unusable })
      return { userId: id, ...(await issue(id, 'account')) }
    },

    resetAuthenticator: async (userId: string) => {
      const user = await users.findById(userId)
      if (!user) {
        throw new AppError('NOT_FOUND', 'There is no such user.')
      }
      const { sodium, totpKey } = keys.get()
      const secret = newTotpSecret()
      await repository.replaceTotpSecret(userId, sealWithKey(sodium, secret, totpKey, TOTP_CONTEXT(userId)))
      sodium.memzero(secret)
      return issue(userId, 'authenticator')
    },

    /** Opens the link: a new TOTP secret for the QR code (a second visit gets a new one). */
    start: async (token: string) => {
      const found = await live(token)
      const { sodium, totpKey } = keys.get()
      const secret = newTotpSecret()
      try {
        await repository.setPending(found.id, sealWithKey(sodium, secret, totpKey, TOTP_CONTEXT(found.userId)))
        const purpose = found.purpose as EnrolmentPurpose
        return { email: found.user.email, purpose, totpUri: totpUri(secret, found.user.email) }
      } finally {
        sodium.memzero(secret)
      }
    },

    complete: async (token: string, body: { password?: string | undefined; totp: string }) => {
      const found = await live(token)
      if (!found.pendingTotpSecret) {
        throw new AppError('CONFLICT', 'Open the enrolment link first, to get the QR code.')
      }
      const { sodium, totpKey } = keys.get()
      const secret = openTotpSecret(sodium, totpKey, found.userId, found.pendingTotpSecret)
      const step = acceptTotp(secret, body.totp, 0, clock().getTime())
      sodium.memzero(secret)
      if (step === null) {
        throw new AppError('VALIDATION_FAILED', 'totp: that code is not the one the authenticator shows now.')
      }
      const account: Record<string, unknown> = { totpSecret: found.pendingTotpSecret, totpLastStep: step }
      if (found.purpose === 'account') {
        const password = body.password ?? ''
        const problem = await passwordProblem(password, { email: found.user.email })
        if (problem) {
          throw new AppError('VALIDATION_FAILED', `password: ${problem}`)
        }
        const salt = randomBytes(16)
        Object.assign(account, {
          passwordHash: await hashPassword(password),
          wrapSalt: salt,
          // Unsealing comes later, by an admin's grant, which the first sign-in takes up.
          ...(await userKeyMaterial(sodium, { userId: found.userId, password, salt }))
        })
      }
      if (!(await repository.complete(found.id, found.userId, account))) {
        throw new AppError('NOT_FOUND', GONE)
      }
      return { email: found.user.email }
    }
  }
}

export type EnrolmentService = ReturnType<typeof createEnrolmentService>
