import fp from 'fastify-plugin'
import type { Config } from '../config/env.js'
import { type Database, openDatabase } from '../db/database.js'
import { migrateDatabase } from '../db/migrator.js'
import { RESTART_WAIT_MS } from '../db/pglite-lock.js'

declare module 'fastify' {
  interface FastifyInstance {
    db: Database
  }
}

export type DatabasePluginOptions = {
  config: Config
  /** An already open database (tests, the CLI); the app then leaves closing it to the caller. */
  database?: Database
}

const DURABILITY_SETTINGS = ['fsync', 'synchronous_commit', 'full_page_writes'] as const

/**
 * R33: a 201 promises the report is on disk. PostgreSQL with any of these off can lose committed transactions in
 * a crash, so Candid refuses to start on it rather than make that promise falsely.
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
    throw new Error(
      `PostgreSQL has ${off.join(', ')} off: committed reports could be lost in a crash. Turn ${off.length > 1 ? 'them' : 'it'} on.`
    )
  }
}

/** Opens the configured database, brings its schema up to date, and closes it when the app closes. */
export default fp<DatabasePluginOptions>(
  async (app, { config, database }) => {
    const db = database ?? (await openDatabase(config.database, { waitForLockMs: RESTART_WAIT_MS }))
    const isOwned = database === undefined

    try {
      await assertDurable(db)
    } catch (error) {
      if (isOwned) {
        await db.close()
      }
      throw error
    }

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
      if (isOwned) {
        await db.close()
        app.log.info({ database: db.kind }, 'database closed')
      }
    })
  },
  { name: 'database', fastify: '5.x' }
)
