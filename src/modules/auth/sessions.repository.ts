import type { PrismaClient } from '../../generated/prisma/client.js'
import { bytes } from '../../db/bytes.js'

export const createSessionsRepository = (prisma: PrismaClient) => ({
  create: (session: { tokenHash: Uint8Array; userId: string; at: Date; teamKeyWrap: Uint8Array | null }) =>
    prisma.session.create({
      data: {
        tokenHash: bytes(session.tokenHash),
        userId: session.userId,
        createdAt: session.at,
        lastSeenAt: session.at,
        teamKeyWrap: session.teamKeyWrap && bytes(session.teamKeyWrap)
      },
      select: { tokenHash: true }
    }),

  /** The session with what a request needs of its user. */
  find: (tokenHash: Uint8Array) =>
    prisma.session.findUnique({
      where: { tokenHash: bytes(tokenHash) },
      select: {
        createdAt: true,
        lastSeenAt: true,
        teamKeyWrap: true,
        user: { select: { id: true, email: true, role: true, disabledAt: true, teamKeyVersion: true } }
      }
    }),

  setTeamKeyWrap: (tokenHash: Uint8Array, teamKeyWrap: Uint8Array) =>
    prisma.session.updateMany({ where: { tokenHash: bytes(tokenHash) }, data: { teamKeyWrap: bytes(teamKeyWrap) } }),

  touch: (tokenHash: Uint8Array, at: Date) =>
    prisma.session.updateMany({ where: { tokenHash: bytes(tokenHash) }, data: { lastSeenAt: at } }),

  delete: (tokenHash: Uint8Array) => prisma.session.deleteMany({ where: { tokenHash: bytes(tokenHash) } }),

  /** Sessions past their idle or absolute limit: gone for good. */
  deleteExpired: (idleBefore: Date, createdBefore: Date) =>
    prisma.session.deleteMany({
      where: { OR: [{ lastSeenAt: { lt: idleBefore } }, { createdAt: { lt: createdBefore } }] }
    })
})

export type SessionsRepository = ReturnType<typeof createSessionsRepository>

export const createLoginAttemptsRepository = (prisma: PrismaClient) => ({
  find: (accountHash: Uint8Array) => prisma.loginAttempt.findUnique({ where: { accountHash: bytes(accountHash) } }),

  save: (attempt: { accountHash: Uint8Array; failures: number; windowStart: Date; lockedUntil: Date | null }) =>
    prisma.loginAttempt.upsert({
      where: { accountHash: bytes(attempt.accountHash) },
      create: { ...attempt, accountHash: bytes(attempt.accountHash) },
      update: { failures: attempt.failures, windowStart: attempt.windowStart, lockedUntil: attempt.lockedUntil }
    }),

  clear: (accountHash: Uint8Array) => prisma.loginAttempt.deleteMany({ where: { accountHash: bytes(accountHash) } })
})

export type LoginAttemptsRepository = ReturnType<typeof createLoginAttemptsRepository>
