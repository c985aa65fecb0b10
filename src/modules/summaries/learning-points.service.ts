import { toDateOnly } from '../../lib/dates.js'
import { quasiIdentifiers } from '../../lib/disclosure/quasi-identifiers.js'
import { AppError } from '../../lib/errors.js'
import { monthIndexOfDate, quarterLabel } from '../../lib/periods.js'
import type { TeamKeyPair } from '../../lib/crypto/sealing.js'
import type { KeyRing } from '../../plugins/crypto.js'
import type { RequestSession } from '../../plugins/sessions.js'
import type { AuditRepository } from '../audit/audit.repository.js'
import { withTeamKey } from '../auth/session-keys.js'
import { openCoding } from '../codings/coding-seal.js'
import {
  type LearningPointsRepository,
  type PointRow,
  REQUIRED_APPROVALS,
  type SealedPointRow,
  textHash,
  validApprovers
} from './learning-points.js'
import type { TLearningPoint } from './learning-points.schemas.js'

const LIST_LIMIT = 500

export const createLearningPointsService = ({ repository, audit, keys, clock = () => new Date() }: {
  repository: LearningPointsRepository
  audit: AuditRepository
  keys: Pick<KeyRing, 'get'>
  clock?: () => Date
}) => {
  /**
   * Points are sealed to the team key until published (issue 17.5): a lead reads them through the team key their
   * session holds, as a narrative; a lead whose account cannot unseal yet is told so (403), not shown a list of
   * blanks.
   */
  const opened = <T>(session: RequestSession, work: (open: (row: SealedPointRow) => PointRow) => T) => {
    const crypto = keys.get()
    return withTeamKey(crypto, session, (keyPair: TeamKeyPair) =>
      work(({ learningPointSealed, sealedKey, keyVersion, unsealed, ...row }) => {
        if (unsealed !== null) return { ...row, text: unsealed }
        try {
          const stored = { id: row.codingId, summarySealed: null, learningPointSealed, sealedKey, keyVersion }
          return { ...row, text: openCoding(crypto.sodium, stored, keyPair).learningPoint }
        } catch (error) {
          throw new AppError('CONFLICT', 'A learning point is sealed to another team key: run `admin reseal`, or ' +
            'sign in again.', { cause: error })
        }
      }))
  }

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
      const sealed = await repository.list(session.userId, LIST_LIMIT)
      const rows = await opened(session, (open) => sealed.map(open))
      const approvals = await repository.approvals(rows.map((row) => row.codingId))
      return {
        points: rows.map((row) =>
          describe(row, approvals.filter((one) => one.codingId === row.codingId), session.userId))
      }
    },

    approve: async (session: RequestSession, codingId: string, body: { flagsReviewed: boolean }) => {
      const sealed = await repository.one(session.userId, codingId)
      if (!sealed) throw new AppError('NOT_FOUND', 'There is no consented learning point of that coding you may read.')
      const row = await opened(session, (open) => open(sealed))
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
      const approvals = await repository.approvals([codingId])
      const point = describe(row, approvals, session.userId)
      // Approved by two: from now on the server may read it, to publish it with the quarter's summary.
      if (point.status === 'approved') await repository.publish(codingId, row.text)
      return point
    }
  }
}

export type LearningPointsService = ReturnType<typeof createLearningPointsService>
