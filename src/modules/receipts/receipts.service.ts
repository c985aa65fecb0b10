import { AppError } from '../../lib/errors.js'
import { parseReceipt } from '../../lib/crypto/secrets.js'
import type { KeyRing } from '../../plugins/crypto.js'
import { hashReceipt } from '../reports/reports.service.js'
import type { ReceiptsRepository } from './receipts.repository.js'
import type { TReceiptResponse } from './receipts.schemas.js'

const STATUS_FOR_REPORTER = {
  new: 'received',
  in_review: 'in_review',
  coded: 'reviewed',
  merged: 'reviewed',
  closed: 'closed',
  withdrawn: 'withdrawn'
} as const

export const createReceiptsService = ({
  repository,
  keys
}: {
  repository: ReceiptsRepository
  keys: Pick<KeyRing, 'get'>
}) => ({
  /**
   * A malformed receipt takes the same path as a well-formed unknown one (hash, one indexed lookup, 404), so
   * neither the answer nor its timing says which it was.
   */
  findStatus: async (receipt: string): Promise<TReceiptResponse> => {
    const bytes = parseReceipt(receipt) ?? new TextEncoder().encode(`malformed|${receipt}`)
    const status = await repository.findStatus(hashReceipt(keys.get(), bytes))
    if (!status) {
      throw new AppError('NOT_FOUND', 'No report has this receipt. Check it and try again.')
    }
    return { status: STATUS_FOR_REPORTER[status] }
  }
})

export type ReceiptsService = ReturnType<typeof createReceiptsService>
