import fp from 'fastify-plugin'
import type { Config } from '../config/env.js'
import { type Database, openDatabase } from '../db/database.js'
import { migrateDatabase } from '../db/migrator.js'
import { RESTART_WAIT_MS } from '../db/pglite-lock.js'

declare module 'fastify' {
  interface FastifyInstance {
    db: Database
    /** Whether the database's durability settings have been checked and found on (R33). */
    isDatabaseDurable(): boolean
  }
}

export type DatabasePluginOptions = {
  config: Config
  /** An already open database (tests, the CLI); the app then leaves closing it to the caller. */
  database?: Database
}

const DURABILITY_SETTINGS = ['fsync', 'synchronous_commit', 'full_page_writes'] as const

export class NotDurableError extends Error {
  constructor (readonly settings: string[]) {
    super(
      `PostgreSQL has ${settings.join(', ')} off: committed reports could be lost in a crash. ` +
        `Turn ${settings.length > 1 ? 'them' : 'it'} on.`
    )
    this.name = 'NotDurableError'
  }
}

const RECHECK_MS = 5000

/**
 * R33: a 201 promises the report is on disk. PostgreSQL with any of these off can lose committed transactions in
 * a crash, so Candid refuses to run on it rather than make that promise falsely. Throws NotDurableError; any
 * other error means the database could not be asked.
 */
export const assertDurable = async (db: Database): Promise<void> => {
  if (db.kind !== 'postgres') {
    return
  }
  const off: string[] = []
  for (const setting of DURABILITY_SETTINGS) {
    const [row] = await db.prisma.$queryRawUnsafe<Record<string, string>[]>(`SHOW ${setting}`)
    if (row?.[setting] === 'off') {
      off.push(setting)
    }
  }
  if (off.length > 0) {
    throw new NotDurableError(off)
  }
}

/** Opens the configured database, brings its schema up to date, and closes it when the app closes. */
export default fp<DatabasePluginOptions>(
  async (app, { config, database }) => {
    const db = database ?? (await openDatabase(config.database, {
      waitForLockMs: RESTART_WAIT_MS,
      // The driver's message and code only (e.g. "terminating connection due to administrator command").
      onIdleError: (error) => app.log.warn({ err: error }, 'database connection closed by the server while idle')
    }))
    const isOwned = database === undefined

    // Settings found off stop the start. A database that cannot be asked yet stops it only if we must migrate
    // now; otherwise the check is retried and readiness waits for it.
    let isDurable = false
    let recheck: NodeJS.Timeout | undefined
    try {
      await assertDurable(db)
      isDurable = true
    } catch (error) {
      if (error instanceof NotDurableError || config.migrateOnStart) {
        if (isOwned) {
          await db.close()
        }
        throw error
      }
      app.log.warn({ err: error }, 'database durability not checked yet; retrying')
      recheck = setInterval(() => {
        assertDurable(db).then(
          () => {
            isDurable = true
            clearInterval(recheck)
          },
          (failure: unknown) => {
            if (failure instanceof NotDurableError) {
              app.log.error({ err: failure }, 'refusing to serve: the database is not durable')
              clearInterval(recheck)
            }
          }
        )
      }, RECHECK_MS).unref()
    }
    app.decorate('isDatabaseDurable', () => isDurable)

    if (config.migrateOnStart) {
      try {
        const applied = await migrateDatabase(db)
        app.log.info({ database: db.kind, applied }, 'database migrated')
      } catch (error) {
        if (isOwned) {
          await db.close()
        }
        throw error
      }
    }

    app.decorate('db', db)
    app.addHook('onClose', async () => {
      clearInterval(recheck)
      if (isOwned) {
        await db.close()
        app.log.info({ database: db.kind }, 'database closed')
      }
    })
  },
  { name: 'database', fastify: '5.x' }
)
