import type { PrismaClient, Role } from '../../generated/prisma/client.js'
import { bytes } from '../../db/bytes.js'

type FoundSession = {
  createdAt: Date
  lastSeenAt: Date
  teamKeyWrap: Uint8Array | null
  id: string
  email: string
  role: Role
  disabledAt: Date | null
  teamKeyVersion: number | null
}

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

  /**
   * The session with what a request needs of its user: one round trip (every signed-in request makes it; Prisma's
   * relation select made it two, a millisecond a request).
   */
  find: async (tokenHash: Uint8Array) => {
    const [row] = await prisma.$queryRaw<FoundSession[]>`
      SELECT s.created_at AS "createdAt", s.last_seen_at AS "lastSeenAt", s.team_key_wrap AS "teamKeyWrap",
             u.id, u.email, u.role::text AS role, u.disabled_at AS "disabledAt", u.team_key_version AS "teamKeyVersion"
      FROM session s JOIN app_user u ON u.id = s.user_id
      WHERE s.token_hash = ${bytes(tokenHash)}`
    if (!row) return null
    const { createdAt, lastSeenAt, teamKeyWrap, ...user } = row
    return { createdAt, lastSeenAt, teamKeyWrap, user }
  },

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

/** What an attempt's reservation found: the failures counted in the window with this one, and the lock if any. */
export type AttemptReservation = { failures: number; lockedUntil: Date | null }

/**
 * Failed sign-ins per account name (R22), in the database so that every instance counts together. An attempt is
 * reserved (counted as a failure) before the password is checked, by one atomic statement: parallel attempts
 * queue on the row, each sees the count with its own, and only the first `limit` in a window go on to a check.
 */
export const createLoginAttemptsRepository = (prisma: PrismaClient) => ({
  /**
   * Counts one attempt against the account and returns the count with it. A new window starts when the last one
   * is over (`windowMs` from its first failure, or its lock has run out); the attempt that reaches `limit` locks
   * the name for `lockMs`. While locked, attempts are still counted (so they come back above `limit`, refused) but
   * neither extend the lock nor open a window.
   */
  reserve: async (
    accountHash: Uint8Array,
    { now, limit, windowMs, lockMs }: { now: Date; limit: number; windowMs: number; lockMs: number }
  ): Promise<AttemptReservation> => {
    const at = now.toISOString()
    const windowOpenedAfter = new Date(now.getTime() - windowMs).toISOString()
    const lockUntil = new Date(now.getTime() + lockMs).toISOString()
    // "Fresh": the stored window no longer counts (its lock has run out, or it was never locked and is over).
    const rows = await prisma.$queryRaw<{ failures: number; lockedUntil: Date | null }[]>`
      INSERT INTO login_attempt AS a (account_hash, failures, window_start, locked_until)
      VALUES (
        ${Buffer.from(accountHash)}, 1, ${at}::timestamptz,
        CASE WHEN ${limit}::int <= 1 THEN ${lockUntil}::timestamptz END
      )
      ON CONFLICT (account_hash) DO UPDATE SET
        failures = CASE
          WHEN a.locked_until <= ${at}::timestamptz
            OR (a.locked_until IS NULL AND a.window_start <= ${windowOpenedAfter}::timestamptz) THEN 1
          ELSE LEAST(a.failures, 1000000) + 1
        END,
        window_start = CASE
          WHEN a.locked_until <= ${at}::timestamptz
            OR (a.locked_until IS NULL AND a.window_start <= ${windowOpenedAfter}::timestamptz) THEN ${at}::timestamptz
          ELSE a.window_start
        END,
        locked_until = CASE
          WHEN a.locked_until <= ${at}::timestamptz
            OR (a.locked_until IS NULL AND a.window_start <= ${windowOpenedAfter}::timestamptz)
            THEN CASE WHEN ${limit}::int <= 1 THEN ${lockUntil}::timestamptz END
          WHEN a.locked_until IS NOT NULL THEN a.locked_until
          WHEN a.failures + 1 >= ${limit}::int THEN ${lockUntil}::timestamptz
        END
      RETURNING failures, locked_until AS "lockedUntil"`
    const row = rows[0]
    if (!row) {
      throw new Error('login_attempt: the upsert returned no row')
    }
    return { failures: Number(row.failures), lockedUntil: row.lockedUntil === null ? null : new Date(row.lockedUntil) }
  },

  /** The account proved itself (right password, and code at sign-in): its failures are forgiven. */
  clear: (accountHash: Uint8Array) => prisma.loginAttempt.deleteMany({ where: { accountHash: bytes(accountHash) } })
})

export type LoginAttemptsRepository = ReturnType<typeof createLoginAttemptsRepository>
