import type { Database } from '../../db/database.js'
import type { TCreateReportBody } from './reports.schemas.js'

export type NewReport = Omit<TCreateReportBody, 'narrative' | 'occurredMonth' | 'marks'> & {
  id: string
  occurredMonth: Date
  receivedOn: Date
  receiptHash: Uint8Array
  narrativeCiphertext: Uint8Array
  narrativeSealedKey: Uint8Array
  keyVersion: number
  cipherVersion: number
  reporterPublicKey: Uint8Array
}

export type IdempotencyEntry = { keyHash: Uint8Array; requestMac: Uint8Array; response: Uint8Array; createdOn: Date }

export class IdempotencyKeyTaken extends Error {}

// Intake writes to report_held, never to report: a scheduled flush (intake-batch.ts) moves held reports into report
// together, in random order, so the table's transaction ids and physical order say nothing of arrival order.
const HELD_COLUMNS = `id, event_class, detection, setting, region, occurred_month, handover, consent_to_publish,
  received_on, receipt_hash, narrative_ciphertext, narrative_sealed_key, key_version, cipher_version,
  reporter_public_key`
const HELD_VALUES = `$1::uuid, $2::event_class, $3::detection, $4::setting, $5, $6::date, $7, $8, $9::date, $10, $11,
  $12, $13, $14, $15`
const INSERT_HELD = `INSERT INTO report_held (${HELD_COLUMNS}) VALUES (${HELD_VALUES})`
// The replay record is held in the report's own row (moved with it), and only if no record, held or moved, has the
// key: the unique index covers held rows; the NOT EXISTS covers moved ones. A flush moving a row with this key holds
// report_held's lock, so this statement waits for it and then reads the moved record.
const INSERT_HELD_WITH_REPLAY = `
  INSERT INTO report_held (${HELD_COLUMNS}, idempotency_key_hash, idempotency_request_mac, idempotency_response,
    idempotency_created_on)
  SELECT ${HELD_VALUES}, $16, $17, $18, $19::date
  WHERE NOT EXISTS (SELECT 1 FROM idempotency_record WHERE key_hash = $16)
  ON CONFLICT (idempotency_key_hash) DO NOTHING`

const dateOnly = (date: Date) => date.toISOString().slice(0, 10)

export const createReportsRepository = (db: Pick<Database, 'prisma' | 'execute'>) => ({
  /**
   * Holds a report and, when the request carried an Idempotency-Key, its replay record, in ONE statement (one row):
   * the row is inserted only if the key was new, so a report is never stored twice nor without its key, and
   * a new report costs a single round trip (and one commit) to the database. Resolves only after COMMIT.
   * Throws IdempotencyKeyTaken when the key was already used; the caller then replays or refuses.
   * (The one query of the service that goes straight to the driver: see Database.execute.)
   */
  createReport: async (report: NewReport, idempotency?: IdempotencyEntry): Promise<void> => {
    const values: unknown[] = [
      report.id,
      report.eventClass,
      report.detection,
      report.setting,
      report.region,
      dateOnly(report.occurredMonth),
      report.handover,
      report.consentToPublish,
      dateOnly(report.receivedOn),
      report.receiptHash,
      report.narrativeCiphertext,
      report.narrativeSealedKey,
      report.keyVersion,
      report.cipherVersion,
      report.reporterPublicKey
    ]
    if (!idempotency) {
      await db.execute(INSERT_HELD, values)
      return
    }
    const inserted = await db.execute(INSERT_HELD_WITH_REPLAY, [
      ...values,
      idempotency.keyHash,
      idempotency.requestMac,
      idempotency.response,
      dateOnly(idempotency.createdOn)
    ])
    if (inserted === 0) {
      throw new IdempotencyKeyTaken()
    }
  },

  /** The replay record, moved or still held with its report (one statement: a flush between two could hide it). */
  findIdempotencyEntry: async (keyHash: Uint8Array) => {
    const [entry] = await db.prisma.$queryRaw<{ requestMac: Uint8Array; response: Uint8Array }[]>`
      SELECT request_mac AS "requestMac", response FROM idempotency_record WHERE key_hash = ${keyHash}
      UNION ALL
      SELECT idempotency_request_mac, idempotency_response FROM report_held WHERE idempotency_key_hash = ${keyHash}`
    return entry ?? null
  },

  /** Replays are kept a day: entries created before `before` go. */
  deleteIdempotencyEntriesBefore: (before: Date) =>
    db.prisma.idempotencyRecord.deleteMany({ where: { createdOn: { lt: before } } })
})

export type ReportsRepository = ReturnType<typeof createReportsRepository>
