import type { MessageKind, PrismaClient } from '../../generated/prisma/client.js'
import { bytes } from '../../db/bytes.js'

export type NewMessage = {
  id: string
  reportId: string
  kind: MessageKind
  ciphertext: Uint8Array
  teamSealedKey: Uint8Array
  reporterSealedKey: Uint8Array
  keyVersion: number
  sentOn: Date
}

export const createMessagesRepository = (prisma: PrismaClient) => ({
  /**
   * Appends a message as the report's next in sequence, if the conversation is still open: the report row is
   * locked first, so a withdrawal or retention sweep committing at the same moment either comes before (and the
   * message is refused) or after (and destroys it too). Two messages at once cannot take the same number (unique).
   */
  appendIfOpen: (message: NewMessage, limitPerSide: number) =>
    prisma.$transaction(async (tx) => {
      const [report] = await tx.$queryRaw<{ status: string; destroyed: boolean }[]>`
        SELECT status::text AS status, destroyed_on IS NOT NULL AS destroyed FROM report
        WHERE id = ${message.reportId}::uuid FOR UPDATE`
      if (!report || report.status === 'withdrawn' || report.destroyed) {
        return 'closed' as const
      }
      const side: MessageKind[] = message.kind === 'answer' ? ['answer'] : ['question', 'response']
      const sent = await tx.reportMessage.count({ where: { reportId: message.reportId, kind: { in: side } } })
      if (sent >= limitPerSide) {
        return 'full' as const
      }
      const last = await tx.reportMessage.aggregate({ where: { reportId: message.reportId }, _max: { seq: true } })
      await tx.reportMessage.create({
        data: {
          ...message,
          seq: (last._max.seq ?? 0) + 1,
          ciphertext: bytes(message.ciphertext),
          teamSealedKey: bytes(message.teamSealedKey),
          reporterSealedKey: bytes(message.reporterSealedKey)
        },
        select: { id: true }
      })
      if (message.kind === 'answer') {
        await tx.report.update({ where: { id: message.reportId }, data: { answersUnread: true }, select: { id: true } })
      }
      return 'added' as const
    }),

  /** What decides whether a conversation may go on: the report's state and the key its reporter reads with. */
  findReport: (id: string) =>
    prisma.report.findUnique({
      where: { id },
      select: { id: true, status: true, reporterPublicKey: true, destroyedOn: true }
    }),

  list: (reportId: string) =>
    prisma.reportMessage.findMany({
      where: { reportId },
      orderBy: { seq: 'asc' },
      select: {
        id: true,
        kind: true,
        ciphertext: true,
        teamSealedKey: true,
        reporterSealedKey: true,
        keyVersion: true,
        sentOn: true
      }
    })

})

export type MessagesRepository = ReturnType<typeof createMessagesRepository>
