import { AppError } from '../../lib/errors.js'
import { parseReceipt, reporterKeyPair } from '../../lib/crypto/secrets.js'
import type { KeyRing } from '../../plugins/crypto.js'
import type { MessagesService } from '../messages/messages.service.js'
import { hashReceipt } from '../reports/reports.service.js'
import type { ReceiptsRepository } from './receipts.repository.js'
import type { TReceiptResponse } from './receipts.schemas.js'

// The queue's names (issue 14.5: one vocabulary); a merged duplicate shows as coded, since telling the reporter
// that another report like theirs exists would say something about someone else's report.
const STATUS_FOR_REPORTER = {
  new: 'new',
  in_review: 'in_review',
  coded: 'coded',
  merged: 'coded',
  closed: 'closed',
  withdrawn: 'withdrawn'
} as const

export type ReceiptsServiceDeps = {
  repository: ReceiptsRepository
  messages: MessagesService
  keys: Pick<KeyRing, 'get'>
  clock?: () => Date
}

/** The reporter's way back, with nothing but the receipt: status, the conversation, answers, withdrawal. */
export const createReceiptsService = (deps: ReceiptsServiceDeps) => {
  const { repository, messages, keys, clock = () => new Date() } = deps
  /**
   * A malformed receipt takes the same path as a well-formed unknown one (hash, one indexed lookup, 404), so
   * neither the answer nor its timing says which it was.
   */
  const find = async (receipt: string) => {
    const parsed = parseReceipt(receipt)
    const bytes = parsed ?? new TextEncoder().encode(`malformed|${receipt}`)
    const report = await repository.findByReceipt(hashReceipt(keys.get(), bytes))
    if (!report || !parsed) {
      throw new AppError('NOT_FOUND', 'No report has this receipt. Check it and try again.')
    }
    return { report, receiptBytes: parsed }
  }

  return {
    findStatus: async (receipt: string): Promise<TReceiptResponse> => {
      const { report, receiptBytes } = await find(receipt)
      const status = STATUS_FOR_REPORTER[report.status]
      const { alerts, actions } = report
      if (report.messages.length === 0) {
        return { status, messages: [], alerts, actions }
      }
      const crypto = keys.get()
      const keyPair = reporterKeyPair(crypto.sodium, crypto.reporterKey, receiptBytes)
      try {
        const conversation = messages.forReporter(report.id, keyPair, report.messages)
        const shown = conversation.map(({ kind, text, sentOn }) => ({ kind, text, sentOn }))
        return { status, messages: shown, alerts, actions }
      } finally {
        crypto.sodium.memzero(keyPair.secretKey)
      }
    },

    answer: async (receipt: string, text: string) => {
      const { report } = await find(receipt)
      if (report.held) {
        // Its conversation would be stored beside a report the review table does not have yet (and would date it).
        throw new AppError(
          'CONFLICT',
          'Your report has not reached the reviewers yet: new reports reach them together, at regular intervals. ' +
            'You can add to it once it has; check back later.'
        )
      }
      const { message, findings } = await messages.post(report.id, 'answer', text)
      return { message: { kind: message.kind, text: message.text, sentOn: message.sentOn }, findings }
    },

    /** Withdraws the report: its narrative and conversation are destroyed at once; a coding made already stays. */
    withdraw: async (receipt: string) => {
      const { report } = await find(receipt)
      await repository.withdraw(report.id, clock())
      return { status: 'withdrawn' as const }
    }
  }
}

export type ReceiptsService = ReturnType<typeof createReceiptsService>
