import type { PrismaClient } from '../../generated/prisma/client.js'

export type StoredTeamKey = { version: number; publicKey: Uint8Array; recoveryWrap: Uint8Array }

const SERVER_SECRET_SETTING = 'server_secret'

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
  }
})

export type KeysRepository = ReturnType<typeof createKeysRepository>
