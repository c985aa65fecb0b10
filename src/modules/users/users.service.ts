import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import type { Role } from '../../generated/prisma/client.js'
import { deriveWrapKey, hashPassword, passwordProblem } from '../../lib/auth/password.js'
import { newTotpSecret, totpUri } from '../../lib/auth/totp.js'
import { randomBytes } from '../../lib/crypto/random.js'
import { userBoxKeyPair } from '../../lib/crypto/secrets.js'
import { sealWithKey } from '../../lib/crypto/sealing.js'
import type { Sodium } from '../../lib/crypto/sodium.js'
import { AppError } from '../../lib/errors.js'
import { type TeamSecret, userKeyContext } from '../keys/keys.service.js'
import type { UsersRepository } from './users.repository.js'

/**
 * Reviewer accounts: creation (with a TOTP secret and, given the team secret, the ability to unseal), password
 * resets, disabling and listing. Used by the admin CLI and, later, the admin API.
 */

export const ROLES = ['reviewer', 'lead', 'admin'] as const

const ZEmail = z.email().max(254)
export const normaliseEmail = (email: string) => email.trim().toLowerCase()

export type UsersServiceDeps = {
  repository: UsersRepository
  sodium: Sodium
  /** Seals TOTP secrets at rest (a subkey of the server secret). */
  totpKey: Uint8Array
  clock?: () => Date
}

export const TOTP_CONTEXT = (userId: string) => `candid:totp|${userId}`

export const openTotpSecret = (sodium: Sodium, totpKey: Uint8Array, userId: string, sealed: Uint8Array) =>
  sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
    null,
    sealed.subarray(24),
    TOTP_CONTEXT(userId),
    sealed.subarray(0, 24),
    totpKey
  )

/**
 * What a user's password protects, derived once: the team secret sealed under the password-derived wrap key (when
 * `team` is given) and the public half of the user's grant box (an admin seals grants to it).
 */
export const userKeyMaterial = async (
  sodium: Sodium,
  { userId, password, salt, team }: { userId: string; password: string; salt: Uint8Array; team?: TeamSecret }
) => {
  const wrapKey = await deriveWrapKey(password, salt)
  try {
    const box = userBoxKeyPair(sodium, wrapKey, userId)
    sodium.memzero(box.secretKey)
    return {
      teamKeyWrap: team ? sealWithKey(sodium, team.secretKey, wrapKey, userKeyContext(team.version, userId)) : null,
      teamKeyVersion: team?.version ?? null,
      boxPublicKey: box.publicKey
    }
  } finally {
    sodium.memzero(wrapKey)
  }
}

/** What may be said of an account: never its hashes, secrets or wraps, only whether they exist. */
export const toUserSummary = (user: {
  id: string
  email: string
  role: Role
  disabledAt: Date | null
  teamKeyWrap: Uint8Array | null
  pendingGrant: Uint8Array | null
  createdAt: Date
}) => ({
  id: user.id,
  email: user.email,
  role: user.role,
  status: user.disabledAt ? ('disabled' as const) : ('active' as const),
  canUnseal: user.teamKeyWrap !== null,
  hasPendingGrant: user.pendingGrant !== null,
  createdOn: user.createdAt.toISOString().slice(0, 10)
})

export const createUsersService = ({ repository, sodium, totpKey, clock = () => new Date() }: UsersServiceDeps) => {
  const requireUser = async (email: string) => {
    const user = await repository.findByEmail(normaliseEmail(email))
    if (!user) {
      throw new AppError('NOT_FOUND', `There is no user ${normaliseEmail(email)}.`)
    }
    return user
  }
  const checkPassword = async (password: string, email: string) => {
    const problem = await passwordProblem(password, { email })
    if (problem) {
      throw new AppError('VALIDATION_FAILED', problem)
    }
  }

  return {
    /** Creates a user; with `team`, they can unseal narratives from their first sign-in. Returns the TOTP URI. */
    create: async ({
      email,
      role,
      password,
      team
    }: {
      email: string
      role: Role
      password: string
      team?: TeamSecret
    }): Promise<{ id: string; totpUri: string }> => {
      const address = normaliseEmail(email)
      if (!ZEmail.safeParse(address).success) {
        throw new AppError('VALIDATION_FAILED', `"${email}" is not an e-mail address.`)
      }
      if (!ROLES.includes(role)) {
        throw new AppError('VALIDATION_FAILED', `The role must be one of ${ROLES.join(', ')}.`)
      }
      await checkPassword(password, address)
      if (await repository.findByEmail(address)) {
        throw new AppError('CONFLICT', `There is already a user ${address}.`)
      }
      const id = randomUUID()
      const salt = randomBytes(16)
      const secret = newTotpSecret()
      try {
        await repository.create({
          id,
          email: address,
          role,
          passwordHash: await hashPassword(password),
          totpSecret: sealWithKey(sodium, secret, totpKey, TOTP_CONTEXT(id)),
          wrapSalt: salt,
          ...(await userKeyMaterial(sodium, { userId: id, password, salt, team })),
          createdAt: clock()
        })
        return { id, totpUri: totpUri(secret, address) }
      } finally {
        sodium.memzero(secret)
      }
    },

    /**
     * Sets a new password and ends the user's sessions. The old key wrap cannot be carried over (it needs the old
     * password), so unsealing is granted again only with `team` (from the recovery key or an admin's session).
     */
    resetPassword: async ({ email, password, team }: { email: string; password: string; team?: TeamSecret }) => {
      await checkPassword(password, email)
      const user = await requireUser(email)
      const salt = randomBytes(16)
      await repository.replacePassword(user.id, {
        passwordHash: await hashPassword(password),
        wrapSalt: salt,
        ...(await userKeyMaterial(sodium, { userId: user.id, password, salt, team }))
      })
    },

    disable: async (email: string) => {
      const user = await requireUser(email)
      await repository.disable(user.id, clock())
    },

    list: async () => (await repository.list()).map(toUserSummary)
  }
}

export type UsersService = ReturnType<typeof createUsersService>
