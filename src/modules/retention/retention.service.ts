import { toDateOnly } from '../../lib/dates.js'
import type { RetentionRepository } from './retention.repository.js'

const BATCH = 500

/**
 * Reports closed before this date are past retention: the same day `monthsAfterClosure` months before today,
 * or that month's last day when it is shorter (31 December less 10 months is 28 or 29 February, not 3 March).
 */
export const retentionCutoff = (today: Date, monthsAfterClosure: number) => {
  const firstOfMonth = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - monthsAfterClosure, 1))
  const daysInMonth = new Date(Date.UTC(firstOfMonth.getUTCFullYear(), firstOfMonth.getUTCMonth() + 1, 0)).getUTCDate()
  return new Date(
    Date.UTC(firstOfMonth.getUTCFullYear(), firstOfMonth.getUTCMonth(), Math.min(today.getUTCDate(), daysInMonth))
  )
}

/**
 * Retention (R13; DESIGN "Confidentiality design"): a report's narrative and conversation are destroyed once it has
 * been closed for the configured months; its coded record stays for learning. Idempotent, in batches, so any
 * instance can run it at any time.
 */
export const createRetentionService = ({
  repository,
  monthsAfterClosure,
  clock = () => new Date()
}: {
  repository: RetentionRepository
  monthsAfterClosure: number
  clock?: () => Date
}) => ({
  sweep: async (): Promise<number> => {
    const today = toDateOnly(clock())
    const cutoff = retentionCutoff(today, monthsAfterClosure)
    let destroyed = 0
    for (;;) {
      const due = await repository.findDue(cutoff, BATCH)
      if (due.length === 0) {
        return destroyed
      }
      const ids = due.map((report) => report.id)
      destroyed += await repository.destroy(ids, cutoff, today)
      if (due.length < BATCH) {
        return destroyed
      }
    }
  }
})

export type RetentionService = ReturnType<typeof createRetentionService>
