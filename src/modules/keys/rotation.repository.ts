import type { Prisma, PrismaClient } from '../../generated/prisma/client.js'
import { bytes } from '../../db/bytes.js'

const BATCH = 500

type Tx = Prisma.TransactionClient

/** The reads and writes of a team key rotation, all inside the caller's transaction. */
export const rotationQueries = (tx: Tx) => ({
  allTeamKeys: () =>
    tx.teamKey.findMany({ orderBy: { version: 'asc' }, select: { version: true, publicKey: true, recoveryWrap: true } }),

  /** Reports whose data key is sealed to a version other than `version`, in id order after `after`. */
  reportsToReseal: (version: number, after: string) =>
    tx.$queryRaw<{ id: string; sealed_to: number; sealed_key: Uint8Array }[]>`
      SELECT id::text AS id, COALESCE(sealed_to_version, key_version) AS sealed_to, narrative_sealed_key AS sealed_key
      FROM report
      WHERE narrative_sealed_key IS NOT NULL AND COALESCE(sealed_to_version, key_version) <> ${version}
        AND id > ${after}::uuid
      ORDER BY id LIMIT ${BATCH}`,

  resealReport: (id: string, sealedKey: Uint8Array, version: number) =>
    tx.report.update({ where: { id }, data: { narrativeSealedKey: bytes(sealedKey), sealedToVersion: version } }),

  messagesToReseal: (version: number, after: string) =>
    tx.$queryRaw<{ id: string; sealed_to: number; sealed_key: Uint8Array }[]>`
      SELECT id::text AS id, COALESCE(sealed_to_version, key_version) AS sealed_to, team_sealed_key AS sealed_key
      FROM report_message
      WHERE COALESCE(sealed_to_version, key_version) <> ${version} AND id > ${after}::uuid
      ORDER BY id LIMIT ${BATCH}`,

  resealMessage: (id: string, sealedKey: Uint8Array, version: number) =>
    tx.reportMessage.update({ where: { id }, data: { teamSealedKey: bytes(sealedKey), sealedToVersion: version } }),

  /** Codings whose data key (summary and learning point, issue 17.5) is sealed to a version other than `version`. */
  codingsToReseal: (version: number, after: string) =>
    tx.$queryRaw<{ id: string; sealed_to: number; sealed_key: Uint8Array }[]>`
      SELECT id::text AS id, COALESCE(sealed_to_version, key_version) AS sealed_to, sealed_key
      FROM coding
      WHERE sealed_key IS NOT NULL AND COALESCE(sealed_to_version, key_version) <> ${version} AND id > ${after}::uuid
      ORDER BY id LIMIT ${BATCH}`,

  resealCoding: (id: string, sealedKey: Uint8Array, version: number) =>
    tx.coding.update({ where: { id }, data: { sealedKey: bytes(sealedKey), sealedToVersion: version } }),

  /** Users who could unseal (or had a grant waiting) and have a grant box to seal the new key to. */
  usersToRegrant: () =>
    tx.user.findMany({
      where: {
        disabledAt: null,
        boxPublicKey: { not: null },
        OR: [{ teamKeyWrap: { not: null } }, { pendingGrant: { not: null } }]
      },
      select: { id: true, boxPublicKey: true }
    }),

  grant: (userId: string, pendingGrant: Uint8Array, version: number) =>
    tx.user.update({
      where: { id: userId },
      data: { pendingGrant: bytes(pendingGrant), pendingGrantVersion: version }
    }),

  endAllSessions: () => tx.session.deleteMany({})
})

export const BATCH_SIZE = BATCH

export const createRotationRepository = (prisma: PrismaClient) => ({
  /** One transaction for the whole rotation: readers never see some keys re-sealed and others not. */
  transaction: <T>(work: (tx: Tx) => Promise<T>) =>
    prisma.$transaction(work, { timeout: 60 * 60 * 1000, maxWait: 60_000 })
})

export type RotationRepository = ReturnType<typeof createRotationRepository>
