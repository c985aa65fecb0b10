import type { ReportStatus } from '../../generated/prisma/client.js'
import { openNarrative } from '../../lib/crypto/sealing.js'
import { codeSimilarity, sharedCodes } from '../../lib/code-similarity.js'
import { toDateOnly, toMonthString } from '../../lib/dates.js'
import { AppError } from '../../lib/errors.js'
import type { KeyRing } from '../../plugins/crypto.js'
import type { RequestSession } from '../../plugins/sessions.js'
import type { AuditRepository } from '../audit/audit.repository.js'
import { withTeamKey } from '../auth/session-keys.js'
import type { CodingsService } from '../codings/codings.service.js'
import type { MessagesService } from '../messages/messages.service.js'
import type { ReportRow, ReviewRepository } from './review.repository.js'
import type { TQueueQuery, TReportSummary } from './review.schemas.js'

export type ReviewServiceDeps = {
  repository: ReviewRepository
  audit: AuditRepository
  keys: Pick<KeyRing, 'get'>
  codings: Pick<CodingsService, 'visibleTo'>
  messages: Pick<MessagesService, 'forTeam'>
  clock?: () => Date
}

/** Only the listed fields: a row read for unsealing also carries its ciphertext and sealed key. */
const summarise = (row: ReportRow): TReportSummary => ({
  id: row.id,
  status: row.status,
  eventClass: row.eventClass,
  detection: row.detection,
  setting: row.setting,
  region: row.region,
  occurredMonth: toMonthString(row.occurredMonth),
  receivedOn: row.receivedOn.toISOString().slice(0, 10),
  handover: row.handover,
  consentToPublish: row.consentToPublish,
  mergedIntoId: row.mergedIntoId,
  unreadAnswers: row.answersUnread
})

/** Which statuses a reviewer may move a report to, and from where (withdrawn and merged have their own routes). */
const MOVES: Record<'in_review' | 'closed', ReportStatus[]> = {
  in_review: ['new', 'closed'],
  closed: ['in_review', 'coded']
}

/** At most this many possible duplicates are listed. */
const DUPLICATES_LIMIT = 20

type CodedRow = { status: ReportStatus; codings: { coderId: string; codes: { code: string }[] }[] }

/**
 * The leaf codes of a report that `userId` may see, by the rule the codings follow (codings.visibleTo): all of
 * them once the user has coded the report or it is settled, none before — a duplicate list must not tell a blind
 * coder what others coded.
 */
const visibleCodes = (row: CodedRow, userId: string) => {
  const settled = row.status === 'closed' || row.status === 'merged' || row.status === 'withdrawn'
  const hasOwn = row.codings.some((coding) => coding.coderId === userId)
  return settled || hasOwn ? row.codings.flatMap((coding) => coding.codes.map((c) => c.code)) : []
}

const notFound = () => new AppError('NOT_FOUND', 'There is no such report.')

export const createReviewService = ({
  repository,
  audit,
  keys,
  codings,
  messages,
  clock = () => new Date()
}: ReviewServiceDeps) => ({
  queue: async (query: TQueueQuery) => {
    const { items, total } = await repository.list(query)
    return { items: items.map(summarise), page: query.page, pageSize: query.pageSize, total }
  },

  /**
   * Unseals one narrative and its conversation for a reviewer whose session holds the team key (opened with the
   * key derived from the session token). The read is audited in the same transaction that (on first read) moves
   * the report from new to in review.
   */
  read: async (session: RequestSession, id: string) => {
    const crypto = keys.get()
    const report = await repository.findSealed(id)
    if (!report) {
      throw notFound()
    }
    if ((report.sealedToVersion ?? report.keyVersion) !== crypto.teamKey.version) {
      throw new AppError('CONFLICT', 'This report is sealed to another team key: run `admin reseal`, or sign in again.')
    }
    const { narrative, conversation } = await withTeamKey(crypto, session, async (keyPair) => {
      let text: string | null = null
      if (report.narrativeCiphertext && report.narrativeSealedKey) {
        const plaintext = openNarrative(
          crypto.sodium,
          { ciphertext: report.narrativeCiphertext, sealedKey: report.narrativeSealedKey },
          { reportId: report.id, keyVersion: report.keyVersion, keyPair }
        )
        text = new TextDecoder().decode(plaintext)
        crypto.sodium.memzero(plaintext)
      }
      return { narrative: text, conversation: await messages.forTeam(id, keyPair) }
    })
    const now = clock()
    // Reading changes no status (issue 14.5): a review starts explicitly, with PATCH {status: "in_review"}.
    await repository.transaction(async (tx) => {
      await audit.record({ actorId: session.userId, action: 'report.read', reportId: id }, now, tx)
      await repository.markAnswersRead(id, tx)
    })
    return {
      ...summarise({ ...report, answersUnread: false }),
      narrative,
      codings: await codings.visibleTo(session, id, report.status),
      messages: conversation
    }
  },

  moveStatus: async (session: RequestSession, id: string, to: 'in_review' | 'closed') => {
    const now = clock()
    const moved = await repository.transaction(async (tx) => {
      const result = await repository.moveStatus(id, MOVES[to], to, tx, toDateOnly(now))
      if (result.count === 1) {
        await audit.record({ actorId: session.userId, action: `report.status.${to}`, reportId: id }, now, tx)
      }
      return result.count === 1
    })
    const report = await repository.findSummary(id)
    if (!report) {
      throw notFound()
    }
    if (!moved) {
      const from = report.status.replace('_', ' ')
      throw new AppError('CONFLICT', `A report that is ${from} cannot be moved to ${to.replace('_', ' ')}.`)
    }
    return summarise(report)
  },

  /** Possible duplicates of a report, most similar first (no narrative, no audit: nothing is unsealed). */
  duplicates: async (session: RequestSession, id: string) => {
    const found = await repository.findDuplicateCandidates(id, DUPLICATES_LIMIT * 5)
    if (!found) {
      throw notFound()
    }
    const mine = visibleCodes(found.report, session.userId)
    const items = found.candidates.map(({ codings, ...row }) => {
      const theirs = visibleCodes({ status: row.status, codings }, session.userId)
      return { ...summarise(row), similarity: codeSimilarity(mine, theirs), sharedCodes: sharedCodes(mine, theirs) }
    })
    // Most similar first; reports with nothing to compare after every scored one; oldest first within (stable sort).
    items.sort((a, b) => (b.similarity ?? -1) - (a.similarity ?? -1))
    return { items: items.slice(0, DUPLICATES_LIMIT) }
  },

  /** Merges a duplicate into its primary: from then on it is counted only there (DESIGN "counts never double"). */
  merge: async (session: RequestSession, id: string, into: string) => {
    if (id === into) {
      throw new AppError('VALIDATION_FAILED', 'into: a report cannot be merged into itself.')
    }
    const now = clock()
    const refused = await repository.merge(id, into, toDateOnly(now), (tx) =>
      audit.record({ actorId: session.userId, action: 'report.merged', reportId: id, detail: { into } }, now, tx)
    )
    if (refused) {
      if (refused.source === null || refused.target === null) {
        throw new AppError('NOT_FOUND', refused.source === null ? 'There is no such report.' : 'into: there is no such report.')
      }
      const which = refused.source === 'merged' || refused.source === 'withdrawn' ? 'This report' : 'The primary report'
      throw new AppError('CONFLICT', `${which} is already merged or withdrawn.`)
    }
    const report = await repository.findSummary(id)
    if (!report) {
      throw notFound()
    }
    return summarise(report)
  }
})

export type ReviewService = ReturnType<typeof createReviewService>
