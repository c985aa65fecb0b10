import type { MessageKind, PrismaClient, ReportStatus } from '../../generated/prisma/client.js'
import { toDateOnly } from '../../lib/dates.js'
import { createFactsRepository } from '../analysis/facts.repository.js'
import { destroyReporterText } from '../retention/retention.repository.js'

const facts = createFactsRepository()

type JoinedRow = {
  id: string
  status: ReportStatus
  held: boolean
  message_id: string | null
  kind: MessageKind | null
  ciphertext: Uint8Array | null
  reporter_sealed_key: Uint8Array | null
  key_version: number | null
  sent_on: Date | null
  alerts: string[] | null
  actions: ReporterActionRow[] | null
}

/** An action linked to the report, as json_build_object gives it (dates as YYYY-MM-DD). */
export type ReporterActionRow = {
  action: string
  status: 'proposed' | 'agreed' | 'in_progress' | 'done' | 'dropped'
  dueOn: string
  updatedOn: string
  outcome: string
  reason: string
}

export const createReceiptsRepository = (prisma: PrismaClient) => ({
  /**
   * The report, its conversation, the dates of alerts about it and the actions linked to it in one query (a join
   * and two sub-selects), so that a known receipt costs one round trip, as an unknown one does. A report still held
   * for its batch (issue 17.6) is found too, in the same statement: a flush between two statements could otherwise
   * hide it from both (a flush holds report_held's lock, so this waits for it and then reads the moved row).
   */
  findByReceipt: async (receiptHash: Uint8Array) => {
    const rows = await prisma.$queryRaw<JoinedRow[]>`
      WITH r AS (
        SELECT id, status, false AS held FROM report WHERE receipt_hash = ${receiptHash}
        UNION ALL
        SELECT id, status, true AS held FROM report_held WHERE receipt_hash = ${receiptHash}
      )
      SELECT r.id::text AS id, r.status::text AS status, r.held, m.id::text AS message_id, m.kind::text AS kind,
             m.ciphertext, m.reporter_sealed_key, m.key_version, m.sent_on,
             (SELECT json_agg(to_char(a.approved_on, 'YYYY-MM-DD') ORDER BY a.approved_on, a.id) FROM alert a
               WHERE a.report_id = r.id AND a.status = 'approved') AS alerts,
             (SELECT json_agg(json_build_object('action', x.description, 'status', x.status, 'outcome', x.outcome,
                 'reason', x.reason, 'dueOn', to_char(x.due_on, 'YYYY-MM-DD'),
                 'updatedOn', to_char(x.updated_on, 'YYYY-MM-DD')) ORDER BY x.created_on, x.id)
               FROM action x JOIN action_report l ON l.action_id = x.id WHERE l.report_id = r.id) AS actions
      FROM r LEFT JOIN report_message m ON m.report_id = r.id
      ORDER BY m.seq`
    const [first] = rows
    if (!first) {
      return null
    }
    return {
      id: first.id,
      status: first.status,
      /** Not yet in the review table: no reviewer has seen it, and nothing can be added to it yet. */
      held: first.held,
      alerts: (first.alerts ?? []).map((issuedOn) => ({ issuedOn })),
      actions: first.actions ?? [],
      messages: rows.flatMap((row) =>
        row.message_id && row.kind && row.ciphertext && row.reporter_sealed_key && row.sent_on
          ? [
              {
                id: row.message_id,
                kind: row.kind,
                ciphertext: row.ciphertext,
                reporterSealedKey: row.reporter_sealed_key,
                keyVersion: Number(row.key_version),
                sentOn: row.sent_on
              }
            ]
          : []
      )
    }
  },

  /**
   * Withdrawal: the narrative, the conversation and the reviewers' summaries are destroyed in the same transaction
   * that marks the report withdrawn; codes and facets already given stay. Returns false if it was already withdrawn.
   */
  withdraw: (id: string, at: Date) =>
    prisma.$transaction(async (tx) => {
      // Still held (issue 17.6): its narrative goes now, and it reaches the review table withdrawn, as an empty
      // record a reviewer cannot open. If a flush moved it meanwhile, this finds nothing and the report's path runs.
      const held = await tx.heldReport.updateMany({
        where: { id, status: { not: 'withdrawn' } },
        data: {
          status: 'withdrawn',
          closedOn: toDateOnly(at),
          destroyedOn: toDateOnly(at),
          narrativeCiphertext: null,
          narrativeSealedKey: null
        }
      })
      if (held.count === 1) {
        return true
      }
      const moved = await tx.report.updateMany({
        where: { id, status: { not: 'withdrawn' } },
        data: { status: 'withdrawn', closedOn: toDateOnly(at) }
      })
      if (moved.count === 1) {
        await destroyReporterText(tx, [id], toDateOnly(at))
        // The reviewers' summaries and learning points were written from the narrative: they go with it (the
        // sealed texts and their data key, a published copy of the point, any plaintext not yet sealed); codes
        // and facets stay.
        await tx.coding.updateMany({
          where: { reportId: id },
          data: {
            summarySealed: null,
            learningPointSealed: null,
            sealedKey: null,
            learningPoint: '',
            hasPoint: false,
            unsealedSummary: null,
            unsealedLearningPoint: null
          }
        })
        // Duplicates counted under this report are counted on their own again, rather than nowhere.
        const freed = await tx.report.findMany({ where: { mergedIntoId: id, status: 'merged' }, select: { id: true } })
        await tx.report.updateMany({
          where: { mergedIntoId: id, status: 'merged' },
          data: { status: 'in_review', mergedIntoId: null, closedOn: null }
        })
        // This report too: its learning point is gone, and its coded record stays.
        await facts.refresh(tx, [id, ...freed.map((report) => report.id)])
      }
      return moved.count === 1
    })
})

export type ReceiptsRepository = ReturnType<typeof createReceiptsRepository>
