import fp from 'fastify-plugin'
import type { Config } from '../config/env.js'
import { type Database, openDatabase } from '../db/database.js'
import { migrateDatabase } from '../db/migrator.js'

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

/** Opens the configured database, brings its schema up to date, and closes it when the app closes. */
export default fp<DatabasePluginOptions>(
  async (app, { config, database }) => {
    const db = database ?? (await openDatabase(config.database))
    const isOwned = database === undefined

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
