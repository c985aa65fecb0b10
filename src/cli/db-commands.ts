import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { loadConfig } from '../config/env.js'
import { openDatabase } from '../db/database.js'
import {
  diffMigrationsToSchema,
  MIGRATIONS_DIR,
  migrateDatabase,
  readMigrationState,
  readMigrations,
  readSchema
} from '../db/migrator.js'
import type { CliIo } from './run.js'

/**
 * npm run db:migrate | db:diff | db:status — migrations without Prisma's native engine (docs/database.md).
 *   migrate                 apply pending migrations to DATABASE_URL, or to the embedded database in DATA_DIR
 *   diff [--create <name>]  print the SQL that brings prisma/migrations to prisma/schema.prisma; with --create,
 *                           write it as a new migration folder; exits 2 when there is something to add
 *   status                  list applied, pending and failed migrations
 */

const USAGE = 'usage: db <migrate | diff [--create <name>] | status>'

/** Exit status 2: something is pending or failed (status), or the schema has something to add (diff). */
export type DbOutcome = 0 | 2

const migrate = async ({ env, out }: CliIo): Promise<DbOutcome> => {
  const db = await openDatabase(loadConfig(env).database)
  try {
    const applied = await migrateDatabase(db)
    out(applied.length > 0 ? `Applied ${applied.length} migration(s): ${applied.join(', ')}` : 'Nothing to apply.')
    return 0
  } finally {
    await db.close()
  }
}

const status = async ({ env, out }: CliIo): Promise<DbOutcome> => {
  const db = await openDatabase(loadConfig(env).database)
  try {
    const { names } = await readMigrations()
    const state = await readMigrationState(db.prisma, names)
    out(`database: ${db.kind}`)
    out(`applied: ${state.applied.length}${state.applied.length ? ` (latest ${state.applied.at(-1)})` : ''}`)
    out(`pending: ${state.pending.length ? state.pending.join(', ') : 'none'}`)
    out(`failed: ${state.failed.length ? state.failed.join(', ') : 'none'}`)
    return state.pending.length > 0 || state.failed.length > 0 ? 2 : 0
  } finally {
    await db.close()
  }
}

const diff = async ({ out }: CliIo, create: string | undefined): Promise<DbOutcome> => {
  if (create !== undefined && !/^[a-z0-9_]{1,60}$/.test(create)) {
    throw new Error('--create takes a name of lower-case letters, digits and underscores, e.g. add_reports')
  }
  const [migrations, schema] = await Promise.all([readMigrations(), readSchema()])
  const sql = await diffMigrationsToSchema({ migrations, schema })
  if (sql === null) {
    out('-- prisma/migrations already matches prisma/schema.prisma')
    return 0
  }
  if (create === undefined) {
    out(sql.trimEnd())
    return 2
  }
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14)
  const folder = path.join(MIGRATIONS_DIR, `${stamp}_${create}`)
  await mkdir(folder)
  await writeFile(path.join(folder, 'migration.sql'), sql)
  out(`Wrote ${path.relative(process.cwd(), folder)}/migration.sql — read it, then run npm run db:migrate`)
  return 0
}

/** Runs one db command (src/cli/db-main.ts runs it in a process); throws an Error for the operator to read. */
export const dbCommand = async (args: readonly string[], io: CliIo): Promise<DbOutcome> => {
  const { positionals, values } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { create: { type: 'string' } }
  })
  const [command, ...rest] = positionals
  if (rest.length > 0) {
    throw new Error(USAGE)
  }
  switch (command) {
    case 'migrate':
      return migrate(io)
    case 'status':
      return status(io)
    case 'diff':
      return diff(io, values.create)
    default:
      throw new Error(USAGE)
  }
}
