import type { CodeRole, Prisma, PrismaClient, ReportStatus } from '../../generated/prisma/client.js'
import { bytes } from '../../db/bytes.js'
import { createFactsRepository } from '../analysis/facts.repository.js'
import type { SealedCoding } from './coding-seal.js'

const facts = createFactsRepository()

const CODING = {
  id: true,
  reportId: true,
  coderId: true,
  taxonomyVersion: true,
  eventType: true,
  reachAndHarm: true,
  detection: true,
  setting: true,
  handover: true,
  summarySealed: true,
  learningPointSealed: true,
  sealedKey: true,
  keyVersion: true,
  hasPoint: true,
  unsealedSummary: true,
  unsealedLearningPoint: true,
  codedAt: true,
  codes: { select: { code: true, role: true }, orderBy: { code: 'asc' } }
} as const satisfies Prisma.CodingSelect

export type CodingRow = Prisma.CodingGetPayload<{ select: typeof CODING }>

/** What a new coding stores: its texts only sealed (coding-seal.ts), never in plaintext. */
export type CodingInput = Pick<
  CodingRow,
  'id' | 'reportId' | 'coderId' | 'taxonomyVersion' | 'eventType' | 'reachAndHarm' | 'detection' | 'setting' |
  'handover' | 'codedAt'
> & Partial<SealedCoding & { hasPoint: boolean }> & { codes: { code: string; role: CodeRole }[] }

export type SaveOutcome =
  | { outcome: 'created' | 'replaced' | 'frozen' | 'missing' }
  | { outcome: 'refused'; status: ReportStatus }

export const createCodingsRepository = (prisma: PrismaClient) => ({
  /**
   * Saves one coder's coding of a report and moves the report to coded if it was new or in review, in one
   * transaction that first locks the report row (so a withdrawal or merge at the same moment cannot slip between
   * the check and the write). A coder may replace their coding only while nobody else has coded the report: once
   * another coding exists, the first stands, so agreement compares independent judgements.
   */
  save: (coding: CodingInput, onSaved: (tx: Prisma.TransactionClient) => Promise<unknown>) =>
    prisma.$transaction(async (tx): Promise<SaveOutcome> => {
      const [report] = await tx.$queryRaw<{ status: ReportStatus }[]>`
        SELECT status::text AS status FROM report WHERE id = ${coding.reportId}::uuid FOR UPDATE`
      if (!report) {
        return { outcome: 'missing' }
      }
      if (report.status === 'withdrawn' || report.status === 'merged' || report.status === 'closed') {
        return { outcome: 'refused', status: report.status }
      }
      const existing = await tx.coding.findMany({ where: { reportId: coding.reportId }, select: { coderId: true } })
      const isMine = existing.some((row) => row.coderId === coding.coderId)
      if (isMine && existing.some((row) => row.coderId !== coding.coderId)) {
        return { outcome: 'frozen' }
      }
      const { codes, summarySealed, learningPointSealed, sealedKey, ...fields } = coding
      await tx.coding.deleteMany({ where: { reportId: coding.reportId, coderId: coding.coderId } })
      await tx.coding.create({
        data: {
          ...fields,
          summarySealed: summarySealed && bytes(summarySealed),
          learningPointSealed: learningPointSealed && bytes(learningPointSealed),
          sealedKey: sealedKey && bytes(sealedKey),
          codes: { create: codes }
        }
      })
      await tx.report.updateMany({
        where: { id: coding.reportId, status: { in: ['new', 'in_review'] } },
        data: { status: 'coded' }
      })
      await facts.refresh(tx, [coding.reportId])
      await onSaved(tx)
      return { outcome: isMine ? 'replaced' : 'created' }
    }),

  forReport: (reportId: string) =>
    prisma.coding.findMany({ where: { reportId }, select: CODING, orderBy: [{ codedAt: 'asc' }, { id: 'asc' }] }),

  /** Codings of one taxonomy version on reports that are not merged duplicates, for agreement. */
  forAgreement: (taxonomyVersion: number, occurred: { gte?: Date; lt?: Date }) =>
    prisma.coding.findMany({
      where: {
        taxonomyVersion,
        report: { status: { not: 'merged' }, occurredMonth: occurred }
      },
      select: CODING,
      orderBy: [{ reportId: 'asc' }, { codedAt: 'asc' }, { id: 'asc' }]
    })
})

export type CodingsRepository = ReturnType<typeof createCodingsRepository>
