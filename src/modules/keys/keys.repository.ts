import type { PrismaClient } from '../../generated/prisma/client.js'

export type StoredTeamKey = { version: number; publicKey: Uint8Array; recoveryWrap: Uint8Array }

const SERVER_SECRET_SETTING = 'server_secret'
/** Recognises the server secret the stored keys were made with; never the secret nor a way to it. */
const FINGERPRINT_SETTING = 'server_secret_fingerprint'

export const createKeysRepository = (prisma: PrismaClient) => ({
  findLatestTeamKey: async (): Promise<StoredTeamKey | null> =>
    prisma.teamKey.findFirst({
      orderBy: { version: 'desc' },
      select: { version: true, publicKey: true, recoveryWrap: true }
    }),

  /** Inserts version `version`; false if that version already exists (another process got there first). */
  insertTeamKey: async (key: StoredTeamKey, today: Date): Promise<boolean> => {
    const inserted = await prisma.$executeRaw`
      INSERT INTO team_key (version, public_key, recovery_wrap, created_on)
      VALUES (${key.version}, ${key.publicKey}, ${key.recoveryWrap}, ${today}::date)
      ON CONFLICT (version) DO NOTHING`
    return inserted === 1
  },

  /** The stored server secret, creating it from `candidate` if there is none yet; returns whichever won. */
  getOrCreateServerSecret: async (candidate: string, today: Date): Promise<string> => {
    await prisma.$executeRaw`
      INSERT INTO app_setting (key, value, updated_on)
      VALUES (${SERVER_SECRET_SETTING}, to_jsonb(${candidate}::text), ${today}::date)
      ON CONFLICT (key) DO NOTHING`
    const row = await prisma.appSetting.findUniqueOrThrow({ where: { key: SERVER_SECRET_SETTING } })
    return row.value as string
  },

  /** The generated server secret kept in the database, or null (SERVER_SECRET keys the service, or none yet). */
  findServerSecret: async (): Promise<string | null> => {
    const row = await prisma.appSetting.findUnique({ where: { key: SERVER_SECRET_SETTING } })
    return row ? (row.value as string) : null
  },

  findServerSecretFingerprint: async (): Promise<string | null> => {
    const row = await prisma.appSetting.findUnique({ where: { key: FINGERPRINT_SETTING } })
    return row ? (row.value as string) : null
  },

  /**
   * Records `fingerprint` unless one is recorded; returns whichever is recorded, so that of two processes starting
   * with different secrets on a new database, the second finds the first's and refuses.
   */
  recordServerSecretFingerprint: async (fingerprint: string, today: Date): Promise<string> => {
    await prisma.$executeRaw`
      INSERT INTO app_setting (key, value, updated_on)
      VALUES (${FINGERPRINT_SETTING}, to_jsonb(${fingerprint}::text), ${today}::date)
      ON CONFLICT (key) DO NOTHING`
    const row = await prisma.appSetting.findUniqueOrThrow({ where: { key: FINGERPRINT_SETTING } })
    return row.value as string
  },

  /**
   * Deletes the generated server secret, recording its fingerprint first (in one transaction) so that a later start
   * without SERVER_SECRET refuses instead of generating a new secret. True if a secret was deleted.
   */
  forgetServerSecret: async (fingerprint: string, today: Date): Promise<boolean> =>
    prisma.$transaction(async (tx) => {
      await tx.$executeRaw`
        INSERT INTO app_setting (key, value, updated_on)
        VALUES (${FINGERPRINT_SETTING}, to_jsonb(${fingerprint}::text), ${today}::date)
        ON CONFLICT (key) DO NOTHING`
      const deleted = await tx.$executeRaw`DELETE FROM app_setting WHERE key = ${SERVER_SECRET_SETTING}`
      return deleted === 1
    })
})

export type KeysRepository = ReturnType<typeof createKeysRepository>
