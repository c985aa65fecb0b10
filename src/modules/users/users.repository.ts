import type { PrismaClient, Role } from '../../generated/prisma/client.js'
import { bytes } from '../../db/bytes.js'

export type NewUser = {
  id: string
  email: string
  role: Role
  passwordHash: string
  totpSecret: Uint8Array
  wrapSalt: Uint8Array
  teamKeyWrap: Uint8Array | null
  teamKeyVersion: number | null
  boxPublicKey: Uint8Array
  createdAt: Date
}

export const createUsersRepository = (prisma: PrismaClient) => ({
  findByEmail: (email: string) => prisma.user.findUnique({ where: { email } }),

  findById: (id: string) => prisma.user.findUnique({ where: { id } }),

  create: (user: NewUser) =>
    prisma.user.create({
      data: {
        ...user,
        totpSecret: bytes(user.totpSecret),
        wrapSalt: bytes(user.wrapSalt),
        teamKeyWrap: user.teamKeyWrap && bytes(user.teamKeyWrap),
        boxPublicKey: bytes(user.boxPublicKey)
      },
      select: { id: true }
    }),

  /**
   * Sets a new password (and key wrap and grant box) and ends the user's sessions — all of them, or all but
   * `keepSession` when users change their own — in one transaction. A pending grant, sealed to the old box, goes.
   */
  replacePassword: (
    id: string,
    change: Pick<NewUser, 'passwordHash' | 'wrapSalt' | 'teamKeyWrap' | 'teamKeyVersion' | 'boxPublicKey'>,
    keepSession?: Uint8Array
  ) =>
    prisma.$transaction([
      prisma.user.update({
        where: { id },
        data: {
          ...change,
          wrapSalt: bytes(change.wrapSalt),
          teamKeyWrap: change.teamKeyWrap && bytes(change.teamKeyWrap),
          boxPublicKey: bytes(change.boxPublicKey),
          pendingGrant: null,
          pendingGrantVersion: null
        }
      }),
      prisma.session.deleteMany({
        where: { userId: id, ...(keepSession ? { tokenHash: { not: bytes(keepSession) } } : {}) }
      })
    ]),

  /** Sets what the user's next sign-in needs: the team key wrap, the grant box, a pending grant (or none). */
  updateKeys: (
    id: string,
    keys: {
      teamKeyWrap?: Uint8Array | null
      teamKeyVersion?: number | null
      boxPublicKey?: Uint8Array
      pendingGrant?: Uint8Array | null
      pendingGrantVersion?: number | null
    }
  ) =>
    prisma.user.update({
      where: { id },
      data: {
        ...keys,
        teamKeyWrap: keys.teamKeyWrap && bytes(keys.teamKeyWrap),
        boxPublicKey: keys.boxPublicKey && bytes(keys.boxPublicKey),
        pendingGrant: keys.pendingGrant && bytes(keys.pendingGrant)
      },
      select: { id: true }
    }),

  /** Disables the user and ends every session at once (ASVS 5.0 7.4.2). */
  disable: (id: string, at: Date) =>
    prisma.$transaction([
      prisma.user.update({ where: { id }, data: { disabledAt: at } }),
      prisma.session.deleteMany({ where: { userId: id } })
    ]),

  /** Lets a disabled user sign in again (with the password and authenticator they had); no session comes back. */
  enable: (id: string) => prisma.user.update({ where: { id }, data: { disabledAt: null }, select: { id: true } }),

  /** Stores a grant only if the user's grant box is still the one it was sealed to (no password change between). */
  setGrant: async (id: string, boxPublicKey: Uint8Array, pendingGrant: Uint8Array, version: number) =>
    (
      await prisma.user.updateMany({
        where: { id, boxPublicKey: bytes(boxPublicKey) },
        data: { pendingGrant: bytes(pendingGrant), pendingGrantVersion: version }
      })
    ).count === 1,

  updatePasswordHash: (id: string, passwordHash: string) =>
    prisma.user.update({ where: { id }, data: { passwordHash } }),

  /** Records the TOTP step just used, only if it is later than the last: false means a replay lost the race. */
  claimTotpStep: async (id: string, step: number): Promise<boolean> => {
    const claimed = await prisma.user.updateMany({
      where: { id, totpLastStep: { lt: BigInt(step) } },
      data: { totpLastStep: BigInt(step) }
    })
    return claimed.count === 1
  },

  list: () =>
    prisma.user.findMany({
      orderBy: { email: 'asc' },
      select: {
        id: true,
        email: true,
        role: true,
        disabledAt: true,
        teamKeyWrap: true,
        pendingGrant: true,
        createdAt: true
      }
    })
})

export type UsersRepository = ReturnType<typeof createUsersRepository>
