import { createHash } from 'node:crypto'
import { Prisma, type PrismaClient } from '../../generated/prisma/client.js'

/** How many people other than its coder must approve a learning point before it is published (issue 18.1). */
export const REQUIRED_APPROVALS = 2

/** What an approval is of: the text as it was approved, so an edit afterwards needs approving again. */
export const textHash = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex')

type Approvable = { coderId: string; text: string; approvals: readonly { approverId: string; textHash: string }[] }

/** The approvals that count: of this text, by people other than the coder (each once). */
export const validApprovers = (point: Approvable): string[] => {
  const hash = textHash(point.text)
  const counted = point.approvals.filter((one) => one.textHash === hash && one.approverId !== point.coderId)
  return [...new Set(counted.map((one) => one.approverId))]
}

export const isApproved = (point: Approvable): boolean => validApprovers(point).length >= REQUIRED_APPROVALS

export type PointRow = { codingId: string; region: string; month: Date; coderId: string; text: string }

/** A point as stored: its text sealed to the team key (or, from before sealing, not yet sealed). */
export type SealedPointRow = Omit<PointRow, 'text'> & {
  learningPointSealed: Uint8Array | null
  sealedKey: Uint8Array | null
  keyVersion: number | null
  unsealed: string | null
}

const POINT_COLUMNS = Prisma.sql`c.id AS "codingId", f.region, f.month, c.coder_id AS "coderId",
  c.learning_point_sealed AS "learningPointSealed", c.sealed_key AS "sealedKey", c.key_version AS "keyVersion",
  c.unsealed_learning_point AS unsealed`

/**
 * A report a lead may still code (open, and not coded by them) is left out, as in every analysis answer: its
 * learning point is part of another reviewer's coding, which a blind coder must not read first (issue 17.9).
 */
const visibleTo = (userId: string) => Prisma.sql`(r.status::text IN ('closed', 'withdrawn', 'merged')
  OR EXISTS (SELECT 1 FROM coding m WHERE m.report_id = f.report_id AND m.coder_id = ${userId}::uuid))`

export const createLearningPointsRepository = (prisma: PrismaClient) => ({
  /** Consented learning points of reports counted in analysis that this lead may read, newest months first. */
  list: (userId: string, limit: number) =>
    prisma.$queryRaw<SealedPointRow[]>`
      SELECT ${POINT_COLUMNS}
      FROM analysis_report f JOIN coding c ON c.id = f.coding_id JOIN report r ON r.id = f.report_id
      WHERE f.consent AND f.has_point AND c.has_point AND ${visibleTo(userId)}
      ORDER BY f.month DESC, c.id LIMIT ${limit}`,

  one: async (userId: string, codingId: string): Promise<SealedPointRow | undefined> => {
    const [row] = await prisma.$queryRaw<SealedPointRow[]>`
      SELECT ${POINT_COLUMNS}
      FROM analysis_report f JOIN coding c ON c.id = f.coding_id JOIN report r ON r.id = f.report_id
      WHERE c.id = ${codingId}::uuid AND f.consent AND f.has_point AND c.has_point AND ${visibleTo(userId)}`
    return row
  },

  /**
   * Makes an approved point readable to the server for publication (issue 17.5): the one plaintext copy, written
   * only once two people other than its coder approved exactly this text.
   */
  publish: (codingId: string, text: string) =>
    prisma.coding.updateMany({ where: { id: codingId, hasPoint: true }, data: { learningPoint: text } }),

  approvals: (codingIds: readonly string[]) =>
    codingIds.length === 0
      ? Promise.resolve([])
      : prisma.learningPointApproval.findMany({
        where: { codingId: { in: [...codingIds] } },
        select: { codingId: true, approverId: true, textHash: true }
      }),

  approve: (codingId: string, approverId: string, hash: string, on: Date) =>
    prisma.learningPointApproval.upsert({
      where: { codingId_approverId: { codingId, approverId } },
      create: { codingId, approverId, textHash: hash, approvedOn: on },
      update: { textHash: hash, approvedOn: on }
    })
})

export type LearningPointsRepository = ReturnType<typeof createLearningPointsRepository>
