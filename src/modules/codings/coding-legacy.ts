import type { Prisma } from '../../generated/prisma/client.js'
import { bytes } from '../../db/bytes.js'
import type { Sodium } from '../../lib/crypto/sodium.js'
import { isApproved } from '../summaries/learning-points.js'
import { sealCoding } from './coding-seal.js'

const BATCH = 200

type Client = Pick<Prisma.TransactionClient, 'coding' | 'learningPointApproval'>

/**
 * Seals the codings written before sealing (issue 17.5). A migration cannot (SQL holds no key), so migration
 * 20261208080000 moved their plaintext to `unsealed_summary` / `unsealed_learning_point`, and this seals it with the
 * team PUBLIC key — sealing needs nothing else — then empties those columns. A learning point two people had already
 * approved for publication goes back into `learning_point`, the only plaintext kept. Runs at every start (codings
 * module) and in `admin reseal` / `rotate-team-key`; idempotent. Returns how many codings it sealed.
 */
export const sealUnsealedCodings = async (
  client: Client,
  sodium: Sodium,
  teamKey: { version: number; publicKey: Uint8Array }
): Promise<number> => {
  let count = 0
  for (;;) {
    const rows = await client.coding.findMany({
      where: { OR: [{ unsealedSummary: { not: null } }, { unsealedLearningPoint: { not: null } }] },
      select: {
        id: true,
        coderId: true,
        unsealedSummary: true,
        unsealedLearningPoint: true,
        approvals: { select: { approverId: true, textHash: true } }
      },
      orderBy: { id: 'asc' },
      take: BATCH
    })
    for (const row of rows) {
      const point = row.unsealedLearningPoint ?? ''
      const sealed = sealCoding(sodium, { summary: row.unsealedSummary ?? '', learningPoint: point }, {
        codingId: row.id,
        keyVersion: teamKey.version,
        publicKey: teamKey.publicKey
      })
      await client.coding.update({
        where: { id: row.id },
        data: {
          summarySealed: sealed.summarySealed && bytes(sealed.summarySealed),
          learningPointSealed: sealed.learningPointSealed && bytes(sealed.learningPointSealed),
          sealedKey: sealed.sealedKey && bytes(sealed.sealedKey),
          keyVersion: sealed.keyVersion,
          sealedToVersion: null,
          hasPoint: point !== '',
          learningPoint: point !== '' && isApproved({ coderId: row.coderId, text: point, approvals: row.approvals })
            ? point
            : '',
          unsealedSummary: null,
          unsealedLearningPoint: null
        }
      })
    }
    count += rows.length
    if (rows.length < BATCH) return count
  }
}
