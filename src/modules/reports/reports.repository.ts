import type { PrismaClient } from '../../generated/prisma/client.js'
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

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === 'P2002'

export const createReportsRepository = (prisma: PrismaClient) => ({
  /**
   * Stores a report and, when the request carried an Idempotency-Key, its replay record — in one transaction,
   * so a report is never stored without its key nor a key without its report. Resolves only after COMMIT.
   */
  createReport: async (report: NewReport, idempotency?: IdempotencyEntry): Promise<void> => {
    try {
      await prisma.$transaction([
        prisma.report.create({
          data: {
            ...report,
            receiptHash: bytes(report.receiptHash),
            narrativeCiphertext: bytes(report.narrativeCiphertext),
            narrativeSealedKey: bytes(report.narrativeSealedKey)
          }
        }),
        ...(idempotency
          ? [
              prisma.idempotencyRecord.create({
                data: {
                  ...idempotency,
                  keyHash: bytes(idempotency.keyHash),
                  requestMac: bytes(idempotency.requestMac),
                  response: bytes(idempotency.response)
                }
              })
            ]
          : [])
      ])
    } catch (error) {
      if (idempotency && isUniqueViolation(error)) {
        throw new IdempotencyKeyTaken()
      }
      throw error
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
