import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { PrismaPg } from '@prisma/adapter-pg'
import pg from 'pg'
import { PrismaPGlite } from 'pglite-prisma-adapter'
import type { Config } from '../config/env.js'
import { PrismaClient } from '../generated/prisma/client.js'
import { type MigrationAdapter, pgliteMigrationAdapter, postgresMigrationAdapter } from './adapters.js'
import { acquireLock } from './pglite-lock.js'

/**
 * One handle on whichever database the configuration names: PostgreSQL through @prisma/adapter-pg when
 * DATABASE_URL is set, otherwise PostgreSQL-in-WASM (PGlite) in DATA_DIR through pglite-prisma-adapter.
 * Same schema, same migrations, same queries.
 */
export type Database = {
  kind: 'postgres' | 'pglite'
  prisma: PrismaClient
  /** An adapter for the schema engine, on this database; close it when done. */
  migrationAdapter(): MigrationAdapter
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>
  /**
   * One parameterised statement straight on the driver, bypassing Prisma's query engine: for the intake's hot
   * INSERT only, where that engine was a third of the request's CPU. Resolves to the number of rows affected.
   */
  execute(text: string, values: unknown[]): Promise<number>
  close(): Promise<void>
}

/**
 * Prisma's defaults (2 s to get a connection, 5 s to finish) turn a busy moment into errors: a coding waits for a
 * publication's lock on the rollups, a burst of intake queues for the pool. Writes are short, so waiting longer
 * costs nothing when all is well; what still times out is answered 503 with Retry-After (error-handler.ts).
 */
const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 30_000 }

const openPostgres = (url: string, poolMax: number, options: OpenOptions): Database => {
  const pool = new pg.Pool({ connectionString: url, max: poolMax, application_name: 'candid' })
  // An idle connection the server ends (a restart, a failover, an administrator) makes the pool emit 'error'; with
  // no listener that is an uncaught exception and the whole service stops. The pool has already dropped that
  // connection and opens a new one for the next query; readiness (/health/ready) reports a database that is gone.
  pool.on('error', (error) => options.onIdleError?.(error))
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool), transactionOptions: TRANSACTION_OPTIONS })

  return {
    kind: 'postgres',
    prisma,
    migrationAdapter: () => postgresMigrationAdapter(url),
    ping: async () => {
      await prisma.$queryRaw`SELECT 1`
    },
    execute: async (text, values) => (await pool.query(text, values)).rowCount ?? 0,
    close: async () => {
      await prisma.$disconnect()
      await pool.end()
    }
  }
}

const openPglite = async (dataDir: string, options: OpenOptions): Promise<Database> => {
  await mkdir(path.dirname(dataDir), { recursive: true, mode: 0o700 })
  const release = await acquireLock(dataDir, { waitMs: options.waitForLockMs })
  let client: PGlite
  try {
    client = await PGlite.create(dataDir)
  } catch (error) {
    await release()
    throw error
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(client), transactionOptions: TRANSACTION_OPTIONS })

  return {
    kind: 'pglite',
    prisma,
    migrationAdapter: () => pgliteMigrationAdapter(client),
    ping: async () => {
      await client.query('SELECT 1')
    },
    execute: async (text, values) => (await client.query(text, values)).affectedRows ?? 0,
    close: async () => {
      await prisma.$disconnect()
      // Closing PGlite checkpoints it, so the next start needs no recovery; only then may another process open it.
      await client.close()
      await release()
    }
  }
}

export type OpenOptions = {
  /** Embedded database only: how long to wait for another process's lock (a server after a crash waits). */
  waitForLockMs?: number
  /** PostgreSQL only: told when the server ends an idle pooled connection (the pool replaces it by itself). */
  onIdleError?: (error: Error) => void
}

export const openDatabase = (config: Config['database'], options: OpenOptions = {}): Promise<Database> =>
  config.kind === 'postgres'
    ? Promise.resolve(openPostgres(config.url, config.poolMax, options))
    : openPglite(config.dataDir, options)
