import { randomUUID } from 'node:crypto'
import type { MessageKind } from '../../generated/prisma/client.js'
import { toDateOnly } from '../../lib/dates.js'
import { AppError } from '../../lib/errors.js'
import { openMessage, sealMessage, type TeamKeyPair } from '../../lib/crypto/sealing.js'
import { redact } from '../../lib/redaction/index.js'
import type { KeyRing } from '../../plugins/crypto.js'
import type { MessagesRepository } from './messages.repository.js'

/**
 * The follow-up conversation through the receipt (ASRS's callback, CHIRP's feedback): reviewers ask and respond,
 * reporters answer. Every text goes through the same redaction as the narrative and is sealed to the team and to
 * the reporter's receipt-derived key; nothing of it is readable from the database.
 */

/** Per side: the reporter's answers, and the reviewers' questions and responses (neither can crowd out the other). */
export const MAX_MESSAGES_PER_SIDE = 50

type StoredMessage = {
  id: string
  kind: MessageKind
  ciphertext: Uint8Array
  sealedKey: Uint8Array
  keyVersion: number
  sentOn: Date
}

export type Message = { id: string; kind: MessageKind; text: string; sentOn: string }

export const UNREADABLE = '[This message could not be opened: it may have been altered.]'

const closed = () => new AppError('CONFLICT', 'This report was withdrawn or its conversation has been destroyed.')

const isUniqueViolation = (error: unknown) => (error as { code?: string } | null)?.code === 'P2002'

export type MessagesServiceDeps = { repository: MessagesRepository; keys: Pick<KeyRing, 'get'>; clock?: () => Date }

export const createMessagesService = ({ repository, keys, clock = () => new Date() }: MessagesServiceDeps) => {
  /**
   * Opens each message; one that fails authentication (altered in the database, or sealed to a key this reader
   * lacks) is shown as such rather than failing the whole read — the narrative and the other messages stay readable.
   */
  const open = (keyPair: TeamKeyPair, reportId: string, rows: StoredMessage[]): Message[] =>
    rows.map((row) => {
      let text: string
      try {
        text = openMessage(
          keys.get().sodium,
          { ciphertext: row.ciphertext, sealedKey: row.sealedKey },
          { messageId: row.id, reportId, keyVersion: row.keyVersion, kind: row.kind, keyPair }
        )
      } catch {
        text = UNREADABLE
      }
      return { id: row.id, kind: row.kind, sentOn: row.sentOn.toISOString().slice(0, 10), text }
    })

  return {
    /** Adds a question or response (a reviewer) or an answer (the reporter). */
    post: async (reportId: string, kind: MessageKind, text: string) => {
      const report = await repository.findReport(reportId)
      if (!report) {
        throw new AppError('NOT_FOUND', 'There is no such report.')
      }
      if (report.status === 'withdrawn' || report.destroyedOn) {
        throw closed()
      }
      if (!report.reporterPublicKey) {
        throw new AppError('CONFLICT', 'This report was filed before follow-up existed: its reporter cannot be reached.')
      }
      const crypto = keys.get()
      const { redacted, findings } = redact(text)
      const sentOn = toDateOnly(clock())
      for (let attempt = 0; ; attempt++) {
        const id = randomUUID()
        const sealed = sealMessage(crypto.sodium, new TextEncoder().encode(redacted), {
          messageId: id,
          reportId,
          kind,
          keyVersion: crypto.teamKey.version,
          teamPublicKey: crypto.teamKey.publicKey,
          reporterPublicKey: report.reporterPublicKey
        })
        try {
          const outcome = await repository.appendIfOpen(
            { id, reportId, kind, ...sealed, keyVersion: crypto.teamKey.version, sentOn },
            MAX_MESSAGES_PER_SIDE
          )
          if (outcome === 'closed') {
            throw closed()
          }
          if (outcome === 'full') {
            throw new AppError('CONFLICT', `A conversation holds at most ${MAX_MESSAGES_PER_SIDE} messages from each side.`)
          }
          const message: Message = { id, kind, text: redacted, sentOn: sentOn.toISOString().slice(0, 10) }
          return { message, findings }
        } catch (error) {
          // Two messages at once took the same sequence number: the loser goes again.
          if (!isUniqueViolation(error) || attempt >= 3) {
            throw error
          }
        }
      }
    },

    /** The conversation as the team reads it (with the team key pair from a reviewer's session). */
    forTeam: async (reportId: string, keyPair: TeamKeyPair) =>
      open(
        keyPair,
        reportId,
        (await repository.list(reportId)).map((row) => ({ ...row, sealedKey: row.teamSealedKey }))
      ),

    /** The conversation as the receipt holder reads it, from rows read with the report, with the receipt's key pair. */
    forReporter: (reportId: string, keyPair: TeamKeyPair, rows: (Omit<StoredMessage, 'sealedKey'> & {
      reporterSealedKey: Uint8Array
    })[]) => open(keyPair, reportId, rows.map((row) => ({ ...row, sealedKey: row.reporterSealedKey })))
  }
}

export type MessagesService = ReturnType<typeof createMessagesService>
