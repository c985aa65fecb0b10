import type { PrismaClient } from '../../generated/prisma/client.js'

/**
 * Issue 17.6: the arrival order out of the database. Intake holds each report in report_held; this flush moves
 * every held report into report in ONE transaction and in random order, then empties report_held with
 * TRUNCATE. So in a copy of the database (a physical copy, a replica, a pg_dump) every report of a batch carries the
 * same transaction id (xmin), later than every write of the window it arrived in, and sits in the table in an order
 * unrelated to its arrival: a report is placed only within its batch window, not between reviewers' actions.
 *
 * TRUNCATE rather than DELETE: it gives report_held a new, empty file, where a DELETE (even with VACUUM) leaves the
 * held rows' bytes, and their xmins, in the old pages. The ACCESS EXCLUSIVE lock makes intake, receipt look-ups
 * and other instances' flushes wait the few milliseconds a flush takes, so none of them sees a report in neither
 * table, and two instances flushing at the same moment move each report once.
 */

// Copied as they are; the replay record's columns go to idempotency_record.
const MOVED = `id, status, event_class, detection, setting, region, occurred_month, handover, consent_to_publish,
  received_on, receipt_hash, narrative_ciphertext, narrative_sealed_key, key_version, sealed_to_version,
  cipher_version, reporter_public_key, closed_on, destroyed_on`

// gen_random_uuid() draws from the operating system's strong random source (random() is a seeded generator). $1 is
// the last date a report of this batch may carry (null: any).
const MOVE_REPORTS = `INSERT INTO report (${MOVED})
  SELECT ${MOVED} FROM report_held WHERE $1::date IS NULL OR received_on <= $1::date ORDER BY gen_random_uuid()`
const MOVE_REPLAYS = `INSERT INTO idempotency_record (key_hash, request_mac, response, created_on)
  SELECT idempotency_key_hash, idempotency_request_mac, idempotency_response, idempotency_created_on
  FROM report_held WHERE idempotency_key_hash IS NOT NULL AND ($1::date IS NULL OR received_on <= $1::date)
  ORDER BY gen_random_uuid()
  ON CONFLICT (key_hash) DO NOTHING`

/** The batch boundary last flushed (epoch seconds, a multiple of INTAKE_BATCH_SECONDS): the schedule's time. */
export const FLUSHED_SETTING = 'intake_flushed_until'

/**
 * Moves the held reports of the batch that ended at the last boundary into report and returns how many.
 *
 * With a schedule (`batchSeconds` > 0), only the first flush after each boundary of the database's clock moves
 * anything: the others (other instances, whose timers fire a moment later, or whose clocks differ) find the boundary
 * recorded and leave the reports that arrived since for the next one, so that no batch is a few milliseconds wide.
 * The boundary is recorded even when nothing is held. And a report dated after the boundary's day (it arrived in the
 * seconds between midnight and this flush) waits for the next batch: moved with the day before's, its received_on
 * would place it within those seconds. Such reports are copied aside and put back after the TRUNCATE, so that they
 * too leave nothing in the old file. (Batches never straddle midnight: the setting divides a day.)
 */
export const flushHeldReports = (prisma: PrismaClient, batchSeconds: number): Promise<number> =>
  prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe('LOCK TABLE report_held IN ACCESS EXCLUSIVE MODE')
    let lastDate: string | null = null
    if (batchSeconds > 0) {
      const [recorded] = await tx.$queryRaw<{ at: bigint | number }[]>`
        INSERT INTO app_setting (key, value, updated_on)
        SELECT ${FLUSHED_SETTING}, to_jsonb(b.at), current_date
        FROM (SELECT (floor(extract(epoch FROM now()) / ${batchSeconds}::int) * ${batchSeconds}::int)::bigint AS at) b
        ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_on = excluded.updated_on
        WHERE (app_setting.value #>> '{}')::bigint < (excluded.value #>> '{}')::bigint
        RETURNING (value #>> '{}')::bigint AS at`
      if (!recorded) {
        return 0
      }
      lastDate = new Date((Number(recorded.at) - 1) * 1000).toISOString().slice(0, 10)
    }
    const moved = await tx.$executeRawUnsafe(MOVE_REPORTS, lastDate)
    if (moved === 0) {
      return 0
    }
    await tx.$executeRawUnsafe(MOVE_REPLAYS, lastDate)
    const [kept] = await tx.$queryRaw<{ kept: boolean }[]>`
      SELECT EXISTS (SELECT 1 FROM report_held WHERE received_on > ${lastDate}::date) AS kept`
    if (kept?.kept) {
      await tx.$executeRawUnsafe('CREATE TEMPORARY TABLE report_held_kept (LIKE report_held) ON COMMIT DROP')
      await tx.$executeRawUnsafe('INSERT INTO report_held_kept SELECT * FROM report_held WHERE received_on > $1::date', lastDate)
      await tx.$executeRawUnsafe('TRUNCATE report_held')
      await tx.$executeRawUnsafe('INSERT INTO report_held SELECT * FROM report_held_kept ORDER BY gen_random_uuid()')
    } else {
      await tx.$executeRawUnsafe('TRUNCATE report_held')
    }
    return moved
  })

// After the boundary, so that an instance whose clock runs a little ahead of the database's still finds the boundary
// passed (one that finds it not yet passed moves nothing, and the next boundary's flush moves its reports).
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
