import type { Database } from '../../db/database.js'
import type { TCreateReportBody } from './reports.schemas.js'
import { bytes } from '../../db/bytes.js'

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

const REPORT_COLUMNS = `id, event_class, detection, setting, region, occurred_month, handover, consent_to_publish,
  received_on, receipt_hash, narrative_ciphertext, narrative_sealed_key, key_version, cipher_version,
  reporter_public_key`
const REPORT_VALUES = `$1::uuid, $2::event_class, $3::detection, $4::setting, $5, $6::date, $7, $8, $9::date, $10, $11,
  $12, $13, $14, $15`
const INSERT_REPORT = `INSERT INTO report (${REPORT_COLUMNS}) VALUES (${REPORT_VALUES})`
const INSERT_REPORT_WITH_REPLAY = `
  WITH replay AS (
    INSERT INTO idempotency_record (key_hash, request_mac, response, created_on)
    VALUES ($16, $17, $18, $19::date)
    ON CONFLICT (key_hash) DO NOTHING
    RETURNING key_hash
  )
  INSERT INTO report (${REPORT_COLUMNS}) SELECT ${REPORT_VALUES} WHERE EXISTS (SELECT 1 FROM replay)`

const dateOnly = (date: Date) => date.toISOString().slice(0, 10)

export const createReportsRepository = (db: Pick<Database, 'prisma' | 'execute'>) => ({
  /**
   * Stores a report and, when the request carried an Idempotency-Key, its replay record, in ONE statement: the
   * report row is inserted only if the key was new, so a report is never stored twice nor without its key, and
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
      await db.execute(INSERT_REPORT, values)
      return
    }
    const inserted = await db.execute(INSERT_REPORT_WITH_REPLAY, [
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

  findIdempotencyEntry: (keyHash: Uint8Array) =>
    db.prisma.idempotencyRecord.findUnique({
      where: { keyHash: bytes(keyHash) },
      select: { requestMac: true, response: true }
    }),

  /** Replays are kept a day: entries created before `before` go. */
  deleteIdempotencyEntriesBefore: (before: Date) =>
    db.prisma.idempotencyRecord.deleteMany({ where: { createdOn: { lt: before } } })
})

export type ReportsRepository = ReturnType<typeof createReportsRepository>
