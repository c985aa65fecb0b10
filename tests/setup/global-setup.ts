import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { openDatabase } from '../../src/db/database.js'
import { migrateDatabase } from '../../src/db/migrator.js'
import { databaseUrl } from '../helpers/pg-admin.js'

/**
 * Migrates one template database per run, so each test file starts from a fresh, fully migrated copy in a few
 * hundred milliseconds instead of running the schema engine again:
 * - PostgreSQL (DATABASE_URL set): a template database `<name>_tpl`, copied with CREATE DATABASE … TEMPLATE;
 * - PGlite: a template data directory, copied on disk.
 */

export type TestDatabaseContext =
  | { kind: 'postgres'; adminUrl: string; template: string; prefix: string }
  | { kind: 'pglite'; templateDir: string; root: string }

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabase: TestDatabaseContext
  }
}

const migrateTemplate = async (database: Parameters<typeof openDatabase>[0]) => {
  const db = await openDatabase(database)
  try {
    await migrateDatabase(db)
  } finally {
    await db.close()
  }
}

const dropPrefixed = async (adminUrl: string, prefix: string) => {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE $1 || '%'",
      [prefix]
    )
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`)
    }
  } finally {
    await client.end()
  }
}

export default async function setup (project: TestProject) {
  const adminUrl = process.env.DATABASE_URL
  if (adminUrl) {
    const base = new URL(adminUrl).pathname.slice(1)
    const prefix = `${base}_t`
    const template = `${prefix}pl`
    await dropPrefixed(adminUrl, prefix)
    const client = new pg.Client({ connectionString: adminUrl })
    await client.connect()
    await client.query(`CREATE DATABASE "${template}"`)
    await client.end()
    await migrateTemplate({ kind: 'postgres', url: databaseUrl(adminUrl, template), poolMax: 2 })
    project.provide('testDatabase', { kind: 'postgres', adminUrl, template, prefix })

    return () => dropPrefixed(adminUrl, prefix)
  }

  const root = await mkdtemp(path.join(tmpdir(), 'candid-test-'))
  const templateDir = path.join(root, 'template', 'pglite')
  await migrateTemplate({ kind: 'pglite', dataDir: templateDir })
  project.provide('testDatabase', { kind: 'pglite', templateDir, root })

  return () => rm(root, { recursive: true, force: true })
}
