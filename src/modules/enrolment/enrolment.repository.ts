import type { PrismaClient } from '../../generated/prisma/client.js'

export type EnrolmentPurpose = 'account' | 'authenticator'
type NewEnrolment = {
  id: string
  userId: string
  tokenHash: Uint8Array
  purpose: EnrolmentPurpose
  expiresAt: Date
  createdAt: Date
}

/** Enrolment links, kept by the hash of their token; and what completing one writes to the account. */
export const createEnrolmentRepository = (prisma: PrismaClient) => ({
  create: (row: NewEnrolment) =>
    prisma.$transaction([
      // One live link per account: a new one replaces any earlier.
      prisma.enrolment.deleteMany({ where: { userId: row.userId } }),
      prisma.enrolment.create({ data: { ...row, tokenHash: new Uint8Array(row.tokenHash) } })
    ]),

  findLive: (tokenHash: Uint8Array, now: Date) =>
    prisma.enrolment.findFirst({
      where: { tokenHash: new Uint8Array(tokenHash), expiresAt: { gt: now } },
      include: { user: { select: { id: true, email: true, disabledAt: true } } }
    }),

  setPending: (id: string, pendingTotpSecret: Uint8Array) =>
    prisma.enrolment.update({ where: { id }, data: { pendingTotpSecret: new Uint8Array(pendingTotpSecret) } }),

  /**
   * Uses the link once: deletes it (only if it is still there, so two completions cannot both win), writes the
   * account's new authenticator (and password), and ends the account's sessions.
   */
  complete: (id: string, userId: string, account: Record<string, unknown>) =>
    prisma.$transaction(async (tx) => {
      const { count } = await tx.enrolment.deleteMany({ where: { id } })
      if (count !== 1) {
        return false
      }
      await tx.user.update({ where: { id: userId }, data: account })
      await tx.session.deleteMany({ where: { userId } })
      return true
    }),

  /** A lost authenticator stops working at once: the stored secret is replaced and the sessions end. */
  replaceTotpSecret: (userId: string, totpSecret: Uint8Array) =>
    prisma.$transaction([
      prisma.user.update({ where: { id: userId }, data: { totpSecret: new Uint8Array(totpSecret), totpLastStep: 0 } }),
      prisma.session.deleteMany({ where: { userId } })
    ]),

  deleteExpired: (now: Date) => prisma.enrolment.deleteMany({ where: { expiresAt: { lte: now } } })
})

export type EnrolmentRepository = ReturnType<typeof createEnrolmentRepository>
