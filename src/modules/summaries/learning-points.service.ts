import { toDateOnly } from '../../lib/dates.js'
import { quasiIdentifiers } from '../../lib/disclosure/quasi-identifiers.js'
import { AppError } from '../../lib/errors.js'
import { monthIndexOfDate, quarterLabel } from '../../lib/periods.js'
import type { RequestSession } from '../../plugins/sessions.js'
import type { AuditRepository } from '../audit/audit.repository.js'
import {
  type LearningPointsRepository,
  type PointRow,
  REQUIRED_APPROVALS,
  textHash,
  validApprovers
} from './learning-points.js'
import type { TLearningPoint } from './learning-points.schemas.js'

const LIST_LIMIT = 500

export const createLearningPointsService = ({ repository, audit, clock = () => new Date() }: {
  repository: LearningPointsRepository
  audit: AuditRepository
  clock?: () => Date
}) => {
  const describe = (
    row: PointRow,
    approvals: readonly { approverId: string; textHash: string }[],
    userId: string
  ): TLearningPoint => {
    const approvers = validApprovers({ ...row, approvals })
    return {
      codingId: row.codingId,
      region: row.region,
      quarter: quarterLabel(monthIndexOfDate(row.month)),
      text: row.text,
      flags: quasiIdentifiers(row.text),
      approvals: approvers.length,
      approvedByYou: approvers.includes(userId),
      codedByYou: row.coderId === userId,
      status: approvers.length >= REQUIRED_APPROVALS ? 'approved' : 'awaiting_approval'
    }
  }

  return {
    list: async (session: RequestSession) => {
      const rows = await repository.list(session.userId, LIST_LIMIT)
      const approvals = await repository.approvals(rows.map((row) => row.codingId))
      return {
        points: rows.map((row) =>
          describe(row, approvals.filter((one) => one.codingId === row.codingId), session.userId))
      }
    },

    approve: async (session: RequestSession, codingId: string, body: { flagsReviewed: boolean }) => {
      const row = await repository.one(session.userId, codingId)
      if (!row) throw new AppError('NOT_FOUND', 'There is no consented learning point of that coding you may read.')
      if (row.coderId === session.userId) {
        throw new AppError('CONFLICT', 'You wrote this learning point: two other people must approve it.')
      }
      const flags = quasiIdentifiers(row.text)
      if (flags.length > 0 && !body.flagsReviewed) {
        throw new AppError(
          'CONFLICT',
          `This learning point is held: it may single out a family (${flags.map((flag) => `"${flag.phrase}"`).join(', ')}). ` +
            'Ask its coder to reword it, or approve it with flagsReviewed: true.'
        )
      }
      await repository.approve(codingId, session.userId, textHash(row.text), toDateOnly(clock()))
      await audit.record(
        { actorId: session.userId, action: 'learning_point.approve', detail: { codingId, flags: flags.length } },
        clock()
      )
      return describe(row, await repository.approvals([codingId]), session.userId)
    }
  }
}

export type LearningPointsService = ReturnType<typeof createLearningPointsService>
