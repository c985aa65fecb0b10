import type { Database } from '../../db/database.js'
import { readMigrationState } from '../../db/migrator.js'
import { AppError } from '../../lib/errors.js'
import type { KeyRing } from '../../plugins/crypto.js'

export type HealthServiceDeps = {
  db: Pick<Database, 'prisma' | 'ping'>
  keys: Pick<KeyRing, 'isReady' | 'notReadyReason'>
  isDatabaseDurable: () => boolean
  /** Migration folders shipped with this build, read once at start. */
  expectedMigrations: readonly string[]
}

const notReady = (message: string, cause?: unknown) =>
  new AppError('SERVICE_UNAVAILABLE', message, { headers: { 'Retry-After': '5' }, cause })

export const createHealthService = ({ db, keys, isDatabaseDurable, expectedMigrations }: HealthServiceDeps) => ({
  /** Throws SERVICE_UNAVAILABLE unless the database answers and holds every migration of this build. */
  assertReady: async (): Promise<void> => {
    try {
      await db.ping()
    } catch (error) {
      throw notReady('The database does not answer.', error)
    }
    const state = await readMigrationState(db.prisma, expectedMigrations).catch((error: unknown) => {
      throw notReady('The migration history cannot be read.', error)
    })
    if (state.failed.length > 0) {
      throw notReady(`A database migration failed: ${state.failed.join(', ')}. See docs/database.md.`)
    }
    if (state.pending.length > 0) {
      throw notReady(`${state.pending.length} database migration(s) are not applied yet.`)
    }
    if (!isDatabaseDurable()) {
      throw notReady('The database durability settings (fsync, synchronous_commit) are not verified.')
    }
    if (!keys.isReady()) {
      throw notReady(`The service keys are not loaded yet.${keys.notReadyReason() ? ` ${keys.notReadyReason()}` : ''}`)
    }
  }
})

export type HealthService = ReturnType<typeof createHealthService>
