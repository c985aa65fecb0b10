import type { PrismaClient } from '../../generated/prisma/client.js'

/**
 * Issue 17.6: the arrival order out of the database. Intake holds each report in report_held; this flush moves
 * every held report that is due into report in ONE transaction and in random order, then empties report_held with
 * TRUNCATE. So in a copy of the database (a physical copy, a replica, a pg_dump) every report of a batch carries the
 * same transaction id (xmin), later than every write of the window it arrived in, and sits in the table in an order
 * unrelated to its arrival: a report is placed only within its batch window, not between reviewers' actions.
 *
 * TRUNCATE rather than DELETE: it gives report_held a new, empty file, where a DELETE (even with VACUUM) leaves the
 * held rows' bytes, and their xmins, in the old pages. The ACCESS EXCLUSIVE lock makes intake, receipt look-ups
 * and other instances' flushes wait the few milliseconds a flush takes, so none of them sees a report in neither
 * table, and two instances flushing at the same moment move each report once.
 */

// Copied as they are; due_at and the replay record's columns stay behind (the record goes to idempotency_record).
const MOVED = `id, status, event_class, detection, setting, region, occurred_month, handover, consent_to_publish,
  received_on, receipt_hash, narrative_ciphertext, narrative_sealed_key, key_version, sealed_to_version,
  cipher_version, reporter_public_key, closed_on, destroyed_on`

// gen_random_uuid() draws from the operating system's strong random source (random() is a seeded generator).
const MOVE_REPORTS = `INSERT INTO report (${MOVED})
  SELECT ${MOVED} FROM report_held WHERE due_at <= now() ORDER BY gen_random_uuid()`
const MOVE_REPLAYS = `INSERT INTO idempotency_record (key_hash, request_mac, response, created_on)
  SELECT idempotency_key_hash, idempotency_request_mac, idempotency_response, idempotency_created_on
  FROM report_held WHERE due_at <= now() AND idempotency_key_hash IS NOT NULL ORDER BY gen_random_uuid()
  ON CONFLICT (key_hash) DO NOTHING`

/**
 * Moves the held reports that are due (now() is the transaction's start, by the database's clock) and returns how
 * many. Reports that arrived after the window's end (another instance's clock, a late timer) are kept: copied
 * aside, and put back after the TRUNCATE, so that they too leave no tuple in the old file.
 */
export const flushHeldReports = async (prisma: PrismaClient): Promise<number> => {
  const [due] = await prisma.$queryRaw<{ due: boolean }[]>`
    SELECT EXISTS (SELECT 1 FROM report_held WHERE due_at <= now()) AS due`
  if (!due?.due) {
    return 0
  }
  return prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe('LOCK TABLE report_held IN ACCESS EXCLUSIVE MODE')
    const moved = await tx.$executeRawUnsafe(MOVE_REPORTS)
    if (moved === 0) {
      return 0
    }
    await tx.$executeRawUnsafe(MOVE_REPLAYS)
    const [kept] = await tx.$queryRaw<{ kept: boolean }[]>`
      SELECT EXISTS (SELECT 1 FROM report_held WHERE due_at > now()) AS kept`
    if (kept?.kept) {
      await tx.$executeRawUnsafe(
        'CREATE TEMPORARY TABLE report_held_kept ON COMMIT DROP AS SELECT * FROM report_held WHERE due_at > now()'
      )
      await tx.$executeRawUnsafe('TRUNCATE report_held')
      await tx.$executeRawUnsafe('INSERT INTO report_held SELECT * FROM report_held_kept ORDER BY gen_random_uuid()')
    } else {
      await tx.$executeRawUnsafe('TRUNCATE report_held')
    }
    return moved
  })
}

// After the boundary, so that an instance whose clock runs a little ahead of the database's still finds the
// window's reports due (one running behind finds them due anyway).
const AFTER_BOUNDARY_MS = 2_000

/**
 * Flushes at every multiple of `seconds` on the clock (plus a margin), not a period after start or after an
 * arrival: every instance then flushes at the same moments, so two instances never cut a window short between
 * them, and a lone report waits for the boundary like any other. Never triggered by an arrival.
 */
export const scheduleFlushes = (
  flush: () => Promise<number>,
  seconds: number,
  onError: (error: unknown) => void,
  now: () => number = Date.now
) => {
  const periodMs = seconds * 1000
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()
  let stopped = false
  const next = () => {
    if (!stopped) {
      const at = now()
      const target = (Math.floor((at - AFTER_BOUNDARY_MS) / periodMs) + 1) * periodMs + AFTER_BOUNDARY_MS
      timer = setTimeout(tick, target - at).unref()
    }
  }
  const tick = () => {
    running = flush()
      .then(() => undefined, onError)
      .finally(next)
  }
  next()
  return {
    /** Stops the schedule and waits for a flush under way (the database closes after). */
    stop: async () => {
      stopped = true
      clearTimeout(timer)
      await running
    }
  }
}
