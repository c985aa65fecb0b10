import { PGlite } from '@electric-sql/pglite'
import { PrismaPg } from '@prisma/adapter-pg'
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils'
import pg from 'pg'
import { PrismaPGlite } from 'pglite-prisma-adapter'

/**
 * Driver-adapter factories for Prisma's schema engine (migrations and diffs), with one repair each.
 *
 * - pglite-prisma-adapter 0.7.2 does not await `executeScript`, so a failing migration is recorded as applied.
 * - @prisma/adapter-pg 7.10 splits scripts on every `;` (breaking string literals and function bodies) and sends
 *   the pieces through a pool, so one migration can land half-applied across connections.
 *
 * Both are replaced by sending the whole script as one simple-protocol query, which PostgreSQL runs as a single
 * implicit transaction: a migration applies completely or not at all.
 */

type ErrorMapping = { onError(error: unknown): never }

const withWholeScript = (adapter: SqlDriverAdapter, run: (script: string) => Promise<unknown>) => {
  const mapError = (adapter as unknown as ErrorMapping).onError.bind(adapter)

  return Object.assign(adapter, {
    async executeScript (script: string) {
      try {
        await run(script)
      } catch (error) {
        mapError(error)
      }
    }
  })
}

export type MigrationAdapter = {
  factory: SqlMigrationAwareDriverAdapterFactory
  /** Runs `work` while no other process can migrate the same database. */
  exclusive<T>(work: () => Promise<T>): Promise<T>
  close(): Promise<void>
}

// Any fixed 64-bit key will do; this one spells "candid" in ASCII.
const MIGRATION_LOCK_KEY = '109218413652324'

/** Migrations through the PGlite instance the app already holds (only one may open its directory). */
export const pgliteMigrationAdapter = (client: PGlite): MigrationAdapter => {
  const inner = new PrismaPGlite(client)
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => withWholeScript(await inner.connect(), (script) => client.exec(script)),
    connectToShadowDb: async () => {
      const shadow = await PGlite.create()
      const adapter = withWholeScript(await new PrismaPGlite(shadow).connect(), (script) => shadow.exec(script))

      return Object.assign(adapter, { dispose: () => shadow.close() })
    }
  }

  // PGlite is single-process and src/db/pglite-lock.ts already keeps every other process out.
  return { factory, exclusive: (work) => work(), close: async () => {} }
}

/**
 * Migrations on PostgreSQL through a pool of exactly one connection that never idles out, so the advisory lock
 * taken in src/db/migrator.ts and every statement of the engine share one session.
 */
export const postgresMigrationAdapter = (connectionString: string): MigrationAdapter => {
  const pool = new pg.Pool({ connectionString, max: 1, idleTimeoutMillis: 0, application_name: 'candid-migrate' })
  // Without a listener an idle connection the server ends would be an uncaught exception (see database.ts).
  pool.on('error', () => undefined)
  const inner = new PrismaPg(pool)
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => withWholeScript(await inner.connect(), (script) => pool.query(script)),
    connectToShadowDb: () => inner.connectToShadowDb()
  }

  // Several app instances may start together: the first migrates, the others wait and then find nothing to do.
  const exclusive = async <T>(work: () => Promise<T>): Promise<T> => {
    await pool.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY])
    try {
      return await work()
    } finally {
      await pool.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY])
    }
  }

  return { factory, exclusive, close: () => pool.end() }
}
