import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, inject, it } from 'vitest'
import { loadConfig } from '../../src/config/env.js'
import { type Database, openDatabase } from '../../src/db/database.js'
import {
  applyMigrations,
  MIGRATIONS_DIR,
  readMigrationState,
  readMigrations,
  readSchema
} from '../../src/db/migrator.js'
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js'

describe('applying migrations', () => {
  let testDb: TestDatabase | undefined
  let db: Database | undefined
  let dir: string | undefined
  afterEach(async () => {
    await db?.close()
    await testDb?.drop()
    if (dir) {
      await rm(dir, { recursive: true, force: true })
    }
    db = testDb = dir = undefined
  })

  /** The project's migrations plus extra ones, in a scratch folder. */
  const migrationsWith = async (extra: Record<string, string>) => {
    dir = await mkdtemp(path.join(tmpdir(), 'candid-migrations-'))
    await cp(MIGRATIONS_DIR, dir, { recursive: true })
    for (const [name, sql] of Object.entries(extra)) {
      await mkdir(path.join(dir, name))
      await writeFile(path.join(dir, name, 'migration.sql'), sql)
    }
    return readMigrations(dir)
  }

  const openEmpty = async () => {
    testDb = await createTestDatabase({ migrated: false })
    db = await openDatabase(loadConfig(testDb.env).database)
    return db
  }

  const apply = async (database: Database, migrations: Awaited<ReturnType<typeof readMigrations>>) => {
    const adapter = database.migrationAdapter()
    try {
      return await applyMigrations(adapter, { migrations, schema: await readSchema() })
    } finally {
      await adapter.close()
    }
  }

  it('applies each migration once and records it in _prisma_migrations', async () => {
    const database = await openEmpty()
    const migrations = await readMigrations()

    expect(await apply(database, migrations)).toEqual(migrations.names)
    expect(await apply(database, migrations)).toEqual([])
    const state = await readMigrationState(database.prisma, migrations.names)
    expect(state).toEqual({ applied: migrations.names, pending: [], failed: [] })
  })

  it('runs a script whole: semicolons inside strings and function bodies survive', async () => {
    const database = await openEmpty()
    const migrations = await migrationsWith({
      '99990101000000_semicolons': `
        INSERT INTO "app_setting" ("key", "value", "updated_on") VALUES ('a;b', '"x; y"', DATE '2026-01-01');
        CREATE FUNCTION candid_probe() RETURNS integer LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END; $$;`
    })

    await apply(database, migrations)

    const rows = await database.prisma.$queryRaw<{ key: string; probe: number }[]>`
      SELECT key, candid_probe() AS probe FROM app_setting`
    expect(rows).toEqual([{ key: 'a;b', probe: 1 }])
  })

  it('rolls a failing migration back completely and records it as failed', async () => {
    const database = await openEmpty()
    const migrations = await migrationsWith({
      '99990101000000_broken': 'CREATE TABLE "half_done" (id integer);\nSELECT * FROM "no_such_table";'
    })

    await expect(apply(database, migrations)).rejects.toThrow(/no_such_table/)

    const [{ exists }] = (await database.prisma.$queryRaw<{ exists: boolean }[]>`
      SELECT to_regclass('half_done') IS NOT NULL AS exists`) as [{ exists: boolean }]
    expect(exists).toBe(false)
    const state = await readMigrationState(database.prisma, migrations.names)
    expect(state.failed).toEqual(['99990101000000_broken'])
    expect(state.pending).toEqual(['99990101000000_broken'])
    // Like `prisma migrate deploy`, a recorded failure blocks further runs until someone resolves it.
    await expect(apply(database, migrations)).rejects.toThrow(/failed/i)
  })

  it.runIf(inject('testDatabase').kind === 'postgres')(
    'lets several instances start at once on PostgreSQL: one migrates, the others find nothing to do',
    async () => {
      testDb = await createTestDatabase({ migrated: false })
      const config = loadConfig(testDb.env)
      const instances = await Promise.all([1, 2, 3].map(() => openDatabase(config.database)))
      const migrations = await readMigrations()
      try {
        const results = await Promise.all(instances.map((instance) => apply(instance, migrations)))

        expect(results.flat().sort()).toEqual([...migrations.names].sort())
        const [first] = instances as [Database]
        const rows = await first.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM _prisma_migrations`
        expect(rows).toEqual([{ n: migrations.names.length }])
      } finally {
        await Promise.all(instances.map((instance) => instance.close()))
      }
    }
  )
})

describe.runIf(inject('testDatabase').kind === 'postgres')('durability settings (R33)', () => {
  it('refuses to start on a PostgreSQL database where synchronous_commit is off', async () => {
    const { buildApp } = await import('../../src/app.js')
    const { adminQuery } = await import('../helpers/pg-admin.js')
    const context = inject('testDatabase') as { adminUrl: string }
    const testDb = await createTestDatabase()
    try {
      const name = new URL(testDb.env.DATABASE_URL as string).pathname.slice(1)
      await adminQuery(context.adminUrl, `ALTER DATABASE "${name}" SET synchronous_commit = off`)

      await expect(buildApp(loadConfig({ ...testDb.env, LOG_LEVEL: 'silent' }))).rejects.toThrow(
        /synchronous_commit off: committed reports could be lost/
      )
    } finally {
      await testDb.drop()
    }
  })
})
