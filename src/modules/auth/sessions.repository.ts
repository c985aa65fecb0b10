import { Prisma, type PrismaClient, type Role } from '../../generated/prisma/client.js'
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

/** What an attempt's reservation found: whether it may go on to a check, the failures counted, and the delay. */
export type AttemptReservation = { allowed: boolean; failures: number; delayedUntil: Date | null }

/** How failures slow the next attempt: none for the first `free`, then `baseMs` doubling up to `maxMs`. */
export type ThrottlePolicy = { free: number; baseMs: number; maxMs: number; forgetAfterMs: number }

/** The delay after the n-th failure in a row (milliseconds; 0 for none). Pure, for the docs and tests. */
export const throttleDelayMs = (failures: number, { free, baseMs, maxMs }: ThrottlePolicy) =>
  failures < free ? 0 : Math.min(maxMs, baseMs * 2 ** Math.min(failures - free, 30))

/**
 * Failed sign-ins (R22, issue 17.7), in the database so that every instance counts together. Each row is one
 * throttle key (an account name, or an account name with one client: see the auth service) holding the failures
 * in a row, the last one's time (`window_start`) and the time before which no further attempt is checked
 * (`locked_until`). An attempt is reserved (counted as a failure) before the password is checked, by one atomic
 * statement: parallel attempts queue on the row, and once one of them has set a delay the rest are refused.
 */
export const createLoginAttemptsRepository = (prisma: PrismaClient) => ({
  /**
   * Counts one attempt under the key and sets the delay its failure count earns, unless `enforce` is on and an
   * earlier failure's delay has not run out: then nothing changes and the attempt is not allowed. Failures are
   * forgotten `forgetAfterMs` after the last one.
   */
  reserve: async (
    key: Uint8Array,
    { now, enforce, policy }: { now: Date; enforce: boolean; policy: ThrottlePolicy }
  ): Promise<AttemptReservation> => {
    const at = now.toISOString()
    const forgottenBefore = new Date(now.getTime() - policy.forgetAfterMs).toISOString()
    const failures = Prisma.sql`CASE WHEN a.window_start <= ${forgottenBefore}::timestamptz THEN 1
      ELSE LEAST(a.failures, 1000000) + 1 END`
    const delayAfter = (count: Prisma.Sql) => Prisma.sql`CASE WHEN ${count} >= ${policy.free}::int
      THEN ${at}::timestamptz + make_interval(secs => LEAST(${policy.maxMs}::float8,
        ${policy.baseMs}::float8 * power(2, LEAST(${count} - ${policy.free}::int, 30))) / 1000) END`
    const rows = await prisma.$queryRaw<{ failures: number; delayedUntil: Date | null }[]>`
      INSERT INTO login_attempt AS a (account_hash, failures, window_start, locked_until)
      VALUES (${Buffer.from(key)}, 1, ${at}::timestamptz, ${delayAfter(Prisma.sql`1`)})
      ON CONFLICT (account_hash) DO UPDATE SET
        failures = ${failures},
        window_start = ${at}::timestamptz,
        locked_until = ${delayAfter(failures)}
      WHERE NOT ${enforce}::boolean
        OR a.locked_until IS NULL
        OR a.locked_until <= ${at}::timestamptz
        OR a.window_start <= ${forgottenBefore}::timestamptz
      RETURNING failures, locked_until AS "delayedUntil"`
    const row = rows[0]
    if (row) {
      return {
        allowed: true,
        failures: Number(row.failures),
        delayedUntil: row.delayedUntil === null ? null : new Date(row.delayedUntil)
      }
    }
    // Refused: the delay still running, read after the fact (the statement above changed nothing).
    const held = await prisma.loginAttempt.findUnique({ where: { accountHash: bytes(key) } })
    return { allowed: false, failures: held?.failures ?? 0, delayedUntil: held?.lockedUntil ?? now }
  },

  /** The account proved itself (right password, and code at sign-in): its failures are forgiven. */
  clear: (...keys: Uint8Array[]) =>
    prisma.loginAttempt.deleteMany({ where: { accountHash: { in: keys.map((key) => bytes(key)) } } })
})

export type LoginAttemptsRepository = ReturnType<typeof createLoginAttemptsRepository>
