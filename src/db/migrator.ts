import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import type { MigrationList, SchemaFilter } from '@prisma/schema-engine-wasm'
import type { PrismaClient } from '../generated/prisma/client.js'
import { type MigrationAdapter, pgliteMigrationAdapter } from './adapters.js'
import type { Database } from './database.js'
import { type PrismaSchemaFile, withSchemaEngine } from './schema-engine.js'

/**
 * Migrations in Prisma's own format (prisma/migrations/<name>/migration.sql), applied and diffed by Prisma's
 * WASM schema engine. History goes into Prisma's `_prisma_migrations` table, so `prisma migrate deploy` takes
 * over unchanged wherever the native engine can be downloaded (docs/database.md).
 */

// src/db and dist/db sit at the same depth, so this resolves to <project>/prisma from either.
export const PRISMA_DIR = fileURLToPath(new URL('../../prisma/', import.meta.url))
export const MIGRATIONS_DIR = path.join(PRISMA_DIR, 'migrations')
export const SCHEMA_PATH = path.join(PRISMA_DIR, 'schema.prisma')

const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] }

export type Migrations = { list: MigrationList; names: readonly string[] }

export const readMigrations = async (dir: string = MIGRATIONS_DIR): Promise<Migrations> => {
  const entries = await readdir(dir, { withFileTypes: true })
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
  const migrationDirectories = await Promise.all(
    names.map(async (name) => ({
      path: name,
      migrationFile: {
        path: 'migration.sql',
        content: await readFile(path.join(dir, name, 'migration.sql'), 'utf8').then(
          (value) => ({ tag: 'ok' as const, value }),
          (error: Error) => ({ tag: 'error' as const, value: error.message })
        )
      }
    }))
  )
  const lockfile = await readFile(path.join(dir, 'migration_lock.toml'), 'utf8').catch(() => null)

  return {
    names,
    list: {
      baseDir: dir,
      lockfile: { path: 'migration_lock.toml', content: lockfile },
      shadowDbInitScript: '',
      migrationDirectories
    }
  }
}

export const readSchema = async (file: string = SCHEMA_PATH): Promise<PrismaSchemaFile> => ({
  path: path.basename(file),
  content: await readFile(file, 'utf8')
})

/** Applies every migration the database has not recorded yet; returns the names just applied. */
export const applyMigrations = async (
  adapter: MigrationAdapter,
  { migrations, schema }: { migrations: Migrations; schema: PrismaSchemaFile }
): Promise<string[]> =>
  adapter.exclusive(() =>
    withSchemaEngine(adapter.factory, schema, async (engine) => {
      const result = await engine.applyMigrations({ migrationsList: migrations.list, filters: NO_FILTERS })

      return result.appliedMigrationNames
    })
  )

/**
 * The SQL that would bring the migrations to the schema, or null when they agree. Needs no database: the
 * migrations are replayed into an in-memory PGlite that serves as Prisma's shadow database.
 */
export const diffMigrationsToSchema = async ({
  migrations,
  schema
}: {
  migrations: Migrations
  schema: PrismaSchemaFile
}): Promise<string | null> => {
  const scratch = await PGlite.create()
  try {
    const { factory } = pgliteMigrationAdapter(scratch)
    const result = await withSchemaEngine(factory, schema, (engine) =>
      engine.diff({
        from: { tag: 'migrations', ...migrations.list },
        to: { tag: 'schemaDatamodel', files: [schema] },
        script: true,
        exitCode: null,
        filters: NO_FILTERS
      })
    )
    const sql = result.stdout ?? ''
    const hasStatements = sql.split('\n').some((line) => line.trim() !== '' && !line.trim().startsWith('--'))

    return hasStatements ? sql : null
  } finally {
    await scratch.close()
  }
}

/** Applies the project's migrations to an open database; returns the names just applied. */
export const migrateDatabase = async (db: Database): Promise<string[]> => {
  const [migrations, schema] = await Promise.all([readMigrations(), readSchema()])
  // Nothing pending and nothing failed: the schema engine would do nothing, and loading its WebAssembly costs a
  // few hundred milliseconds on every start and every admin command. Anything else goes through the engine, which
  // takes the lock, applies what is pending and refuses a failed history.
  const state = await readMigrationState(db.prisma, migrations.names)
  if (state.pending.length === 0 && state.failed.length === 0) {
    return []
  }
  const adapter = db.migrationAdapter()
  try {
    return await applyMigrations(adapter, { migrations, schema })
  } finally {
    await adapter.close()
  }
}

export type MigrationState = { applied: string[]; pending: string[]; failed: string[] }

/** What `_prisma_migrations` says, compared with the migration folders this build ships. */
export const readMigrationState = async (
  prisma: PrismaClient,
  expected: readonly string[]
): Promise<MigrationState> => {
  const [{ present } = { present: false }] = await prisma.$queryRaw<{ present: boolean }[]>`
    SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present`
  const rows = present
    ? await prisma.$queryRaw<{ name: string; finished: boolean; rolledBack: boolean }[]>`
        SELECT migration_name AS name, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS "rolledBack"
        FROM _prisma_migrations ORDER BY migration_name`
    : []
  const applied = rows.filter((row) => row.finished && !row.rolledBack).map((row) => row.name)
  const failed = rows.filter((row) => !row.finished && !row.rolledBack).map((row) => row.name)

  return { applied, failed, pending: expected.filter((name) => !applied.includes(name)) }
}
