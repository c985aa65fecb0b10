import { Prisma, type PrismaClient } from '../../generated/prisma/client.js'
import type { TCreateReportBody } from './reports.schemas.js'

export type NewReport = Omit<TCreateReportBody, 'narrative' | 'occurredMonth'> & {
  id: string
  occurredMonth: Date
  receivedOn: Date
  receiptHash: Uint8Array
  narrativeCiphertext: Uint8Array
  narrativeSealedKey: Uint8Array
  keyVersion: number
  cipherVersion: number
}

export type IdempotencyEntry = { keyHash: Uint8Array; requestMac: Uint8Array; response: Uint8Array; createdOn: Date }

export class IdempotencyKeyTaken extends Error {}

// libsodium's buffers are typed on ArrayBufferLike, Prisma's Bytes on ArrayBuffer; they are plain ArrayBuffers.
const bytes = (value: Uint8Array) => value as Uint8Array<ArrayBuffer>

export const createReportsRepository = (prisma: PrismaClient) => ({
  /**
   * Stores a report and, when the request carried an Idempotency-Key, its replay record, in ONE statement: the
   * report row is inserted only if the key was new, so a report is never stored twice nor without its key, and
   * a new report costs a single round trip (and one commit) to the database. Resolves only after COMMIT.
   * Throws IdempotencyKeyTaken when the key was already used; the caller then replays or refuses.
   */
  createReport: async (report: NewReport, idempotency?: IdempotencyEntry): Promise<void> => {
    const values = Prisma.sql`
      ${report.id}::uuid, ${report.eventClass}::event_class, ${report.detection}::detection,
      ${report.setting}::setting, ${report.region}, ${report.occurredMonth}::date, ${report.handover},
      ${report.consentToPublish}, ${report.receivedOn}::date, ${bytes(report.receiptHash)},
      ${bytes(report.narrativeCiphertext)}, ${bytes(report.narrativeSealedKey)}, ${report.keyVersion},
      ${report.cipherVersion}`
    const columns = Prisma.sql`(id, event_class, detection, setting, region, occurred_month, handover,
      consent_to_publish, received_on, receipt_hash, narrative_ciphertext, narrative_sealed_key, key_version,
      cipher_version)`
    if (!idempotency) {
      await prisma.$executeRaw`INSERT INTO report ${columns} VALUES (${values})`
      return
    }
    const inserted = await prisma.$executeRaw`
      WITH replay AS (
        INSERT INTO idempotency_record (key_hash, request_mac, response, created_on)
        VALUES (${bytes(idempotency.keyHash)}, ${bytes(idempotency.requestMac)}, ${bytes(idempotency.response)},
                ${idempotency.createdOn}::date)
        ON CONFLICT (key_hash) DO NOTHING
        RETURNING key_hash
      )
      INSERT INTO report ${columns} SELECT ${values} WHERE EXISTS (SELECT 1 FROM replay)`
    if (inserted === 0) {
      throw new IdempotencyKeyTaken()
    }
  },

  findIdempotencyEntry: (keyHash: Uint8Array) =>
    prisma.idempotencyRecord.findUnique({
      where: { keyHash: bytes(keyHash) },
      select: { requestMac: true, response: true }
    }),

  /** Replays are kept a day: entries created before `before` go. */
  deleteIdempotencyEntriesBefore: (before: Date) =>
    prisma.idempotencyRecord.deleteMany({ where: { createdOn: { lt: before } } })
})

export type ReportsRepository = ReturnType<typeof createReportsRepository>
