import type { PrismaClient, Role } from '../../generated/prisma/client.js'

const bytes = (value: Uint8Array) => value as Uint8Array<ArrayBuffer>

export type NewUser = {
  id: string
  email: string
  role: Role
  passwordHash: string
  totpSecret: Uint8Array
  wrapSalt: Uint8Array
  teamKeyWrap: Uint8Array | null
  teamKeyVersion: number | null
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
        teamKeyWrap: user.teamKeyWrap && bytes(user.teamKeyWrap)
      },
      select: { id: true }
    }),

  /** Sets a new password (and key wrap) and ends every session of the user, in one transaction. */
  replacePassword: (id: string, change: Pick<NewUser, 'passwordHash' | 'wrapSalt' | 'teamKeyWrap' | 'teamKeyVersion'>) =>
    prisma.$transaction([
      prisma.user.update({
        where: { id },
        data: {
          ...change,
          wrapSalt: bytes(change.wrapSalt),
          teamKeyWrap: change.teamKeyWrap && bytes(change.teamKeyWrap)
        }
      }),
      prisma.session.deleteMany({ where: { userId: id } })
    ]),

  /** Disables the user and ends every session at once (ASVS 5.0 7.4.2). */
  disable: (id: string, at: Date) =>
    prisma.$transaction([
      prisma.user.update({ where: { id }, data: { disabledAt: at } }),
      prisma.session.deleteMany({ where: { userId: id } })
    ]),

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
      select: { email: true, role: true, disabledAt: true, teamKeyWrap: true, createdAt: true }
    })
})

export type UsersRepository = ReturnType<typeof createUsersRepository>
