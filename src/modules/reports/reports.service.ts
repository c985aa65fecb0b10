import { randomUUID } from 'node:crypto'
import { monthStart, toDateOnly } from '../../lib/dates.js'
import { AppError } from '../../lib/errors.js'
import { applyMarks } from '../../lib/marks.js'
import { redact } from '../../lib/redaction/index.js'
import { CIPHER_VERSION, sealNarrative } from '../../lib/crypto/sealing.js'
import { keyedHash, newReceipt, parseReceipt, reporterKeyPair } from '../../lib/crypto/secrets.js'
import type { AppCrypto, KeyRing } from '../../plugins/crypto.js'
import { createIdempotency, type Idempotency } from './idempotency.js'
import { IdempotencyKeyTaken, type ReportsRepository } from './reports.repository.js'
import type { TCreateReportBody, TCreateReportResponse } from './reports.schemas.js'

export type ReportsServiceDeps = {
  repository: ReportsRepository
  keys: Pick<KeyRing, 'get'>
  clock?: () => Date
  /** Runs after a report is held (tests flush it at once; production leaves it to the schedule). */
  afterStore?: () => Promise<unknown>
}

export type SubmitResult = { response: TCreateReportResponse; isReplay: boolean }

/** The keyed hash a receipt is stored and looked up by. */
export const hashReceipt = (crypto: Pick<AppCrypto, 'sodium' | 'receiptKey'>, receiptBytes: Uint8Array) =>
  keyedHash(crypto.sodium, receiptBytes, crypto.receiptKey)

export const createReportsService = (deps: ReportsServiceDeps) => {
  const { repository, keys, clock = () => new Date(), afterStore } = deps
  const replay = async (
    idempotency: Idempotency,
    idempotencyKey: string,
    body: TCreateReportBody
  ): Promise<SubmitResult | null> => {
    const entry = await repository.findIdempotencyEntry(idempotency.keyHash(idempotencyKey))
    if (!entry) {
      return null
    }
    if (!idempotency.sameRequest(entry.requestMac, idempotency.requestMac(idempotencyKey, body))) {
      throw new AppError('UNPROCESSABLE', 'This Idempotency-Key was already used for a different report.')
    }
    return { response: idempotency.openResponse<TCreateReportResponse>(idempotencyKey, entry.response), isReplay: true }
  }

  return {
    /**
     * Files a report: redact, seal, hold (report and replay record in one row, until its batch is flushed), answer.
     * Only the redacted narrative is ever encrypted or stored; the original text goes no further than this function.
     */
    submit: async (body: TCreateReportBody, idempotencyKey?: string): Promise<SubmitResult> => {
      // A repeated key is rare, so the key is not looked up first: the insert itself refuses a key already used
      // (IdempotencyKeyTaken), and only then is the earlier answer read back.
      const crypto = keys.get()
      const idempotency = createIdempotency(crypto.sodium, {
        hashKey: crypto.idempotencyKey,
        sealKey: crypto.idempotencySealKey
      })
      const { marks = [], ...report } = body
      // The reporter's marks go after the pipeline's pass, over the same text the preview showed them. A mark
      // that matches nothing still shown is refused rather than ignored: the page and the server disagree, and the
      // reporter must see again what would be kept. The message names the mark's place, never its words.
      const { redacted, findings, found } = applyMarks(
        body.narrative,
        redact(body.narrative),
        marks.map((mark) => mark.phrase)
      )
      const unmatched = found.findIndex((count) => count === 0)
      if (unmatched !== -1) {
        throw new AppError(
          'VALIDATION_FAILED',
          `body.marks.${unmatched}.phrase: matches no words still shown in the redacted narrative; preview it again`
        )
      }
      const id = randomUUID()
      const receipt = newReceipt()
      const receiptBytes = parseReceipt(receipt) as Uint8Array
      const sealed = sealNarrative(crypto.sodium, new TextEncoder().encode(redacted), {
        reportId: id,
        keyVersion: crypto.teamKey.version,
        publicKey: crypto.teamKey.publicKey
      })
      const reporter = reporterKeyPair(crypto.sodium, crypto.reporterKey, receiptBytes)
      crypto.sodium.memzero(reporter.secretKey)
      const response: TCreateReportResponse = { receipt, redacted, findings }
      const today = toDateOnly(clock())
      const { narrative: _narrative, occurredMonth, ...fields } = report
      // The request a replay must match is the one as stored: with the redacted narrative, marks applied and the
      // marks themselves left out. A MAC over the original text or the marked words would let whoever holds the
      // database and the key test guesses of what was removed.
      const asStored = { ...report, narrative: redacted }

      try {
        await repository.createReport(
          {
            ...fields,
            id,
            occurredMonth: monthStart(occurredMonth),
            receivedOn: today,
            receiptHash: hashReceipt(crypto, receiptBytes),
            narrativeCiphertext: sealed.ciphertext,
            narrativeSealedKey: sealed.sealedKey,
            keyVersion: crypto.teamKey.version,
            cipherVersion: CIPHER_VERSION,
            reporterPublicKey: reporter.publicKey
          },
          idempotencyKey
            ? {
                keyHash: idempotency.keyHash(idempotencyKey),
                requestMac: idempotency.requestMac(idempotencyKey, asStored),
                response: idempotency.sealResponse(idempotencyKey, response),
                createdOn: today
              }
            : undefined
        )
      } catch (error) {
        if (error instanceof IdempotencyKeyTaken && idempotencyKey) {
          // A request with this key was stored before (or committed first): answer as it did, or 422 if different.
          const earlier = await replay(idempotency, idempotencyKey, asStored)
          if (earlier) {
            return earlier
          }
          throw new AppError('CONFLICT', 'A request with this Idempotency-Key is still being processed.')
        }
        throw error
      }
      await afterStore?.()

      return { response, isReplay: false }
    }
  }
}

export type ReportsService = ReturnType<typeof createReportsService>
