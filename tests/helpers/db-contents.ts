import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import type { Database } from '../../src/db/database.js'
import type { Config } from '../../src/config/env.js'

/** Every row of every table in the public schema, as PostgreSQL's text form (bytea as \x hex). */
export const dumpAllRows = async (db: Database): Promise<string> => {
  const tables = await db.prisma.$queryRaw<{ name: string }[]>`
    SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`
  const parts: string[] = []
  for (const { name } of tables) {
    const rows = await db.prisma.$queryRawUnsafe<{ row: string }[]>(`SELECT t::text AS row FROM "${name}" t`)
    parts.push(...rows.map((row) => `${name}: ${row.row}`))
  }
  return parts.join('\n')
}

/** Every bytea value and every base64/hex-looking text value in the database, as bytes. */
export const allStoredBytes = async (db: Database): Promise<Uint8Array[]> => {
  const text = await dumpAllRows(db)
  const found: Uint8Array[] = []
  for (const match of text.matchAll(/\\\\?x([0-9a-f]+)/g)) {
    found.push(Buffer.from(match[1] as string, 'hex'))
  }
  for (const match of text.matchAll(/[A-Za-z0-9+/=_-]{40,}/g)) {
    found.push(Buffer.from(match[0], 'base64'))
  }
  return found
}

/** The database's raw bytes on disk: PGlite's data directory, or a pg_dump of the PostgreSQL database. */
export const rawDatabaseBytes = (config: Config): Buffer => {
  if (config.database.kind === 'pglite') {
    const chunks: Buffer[] = []
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        const file = path.join(dir, entry)
        if (statSync(file).isDirectory()) {
          walk(file)
        } else {
          chunks.push(readFileSync(file))
        }
      }
    }
    walk(config.dataDir)
    return Buffer.concat(chunks)
  }
  return execFileSync('pg_dump', ['--no-owner', '--dbname', config.database.url], { maxBuffer: 256 * 1024 * 1024 })
}
