import { randomBytes } from 'node:crypto'
import { cp, mkdir, rm } from 'node:fs/promises'
import path from 'node:path'
import { inject } from 'vitest'
import { adminQuery, databaseUrl } from './pg-admin.js'

export type TestDatabase = {
  kind: 'postgres' | 'pglite'
  /** Environment variables that point the service at this database. */
  env: Record<string, string>
  drop(): Promise<void>
}

/**
 * A database of this run's kind for one test. `migrated` (the default) copies the migrated template; otherwise
 * the database is empty, as on a first start.
 */
export const createTestDatabase = async ({ migrated = true } = {}): Promise<TestDatabase> => {
  const context = inject('testDatabase')
  const suffix = randomBytes(5).toString('hex')

  if (context.kind === 'postgres') {
    const name = `${context.prefix}_${suffix}`
    await adminQuery(context.adminUrl, `CREATE DATABASE "${name}"${migrated ? ` TEMPLATE "${context.template}"` : ''}`)

    return {
      kind: 'postgres',
      env: { DATABASE_URL: databaseUrl(context.adminUrl, name), DB_POOL_MAX: '4' },
      drop: () => adminQuery(context.adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
    }
  }

  const dataDir = path.join(context.root, suffix)
  await mkdir(dataDir, { recursive: true })
  if (migrated) {
    await cp(context.templateDir, path.join(dataDir, 'pglite'), { recursive: true })
  }

  return {
    kind: 'pglite',
    env: { DATA_DIR: dataDir },
    drop: () => rm(dataDir, { recursive: true, force: true })
  }
}
