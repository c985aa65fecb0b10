import { Prisma } from '../../generated/prisma/client.js'

// The rows the rollups (rollups.ts) and the bitmaps (bits.ts) are both derived from.

export type Which = readonly string[] | 'all'

/** `WHERE` fragment choosing reports: some (`ids`) or all. */
export const which = (column: Prisma.Sql, ids: Which) =>
  ids === 'all' ? Prisma.sql`TRUE` : Prisma.sql`${column} = ANY(${[...ids]}::uuid[])`

export const FIELD_NAMES = ['region', 'setting', 'event_class', 'detection', 'reach', 'event_type'] as const

/** The report's fields as (dim, value) rows, from a table carrying them (analysis_report or analysis_code). */
export const FIELDS = (alias: string) =>
  Prisma.raw(`(VALUES ${FIELD_NAMES.map((name) => `('${name}', ${alias}.${name})`).join(', ')})`)

/** A code row's roles: every row counts as 'any', and as contributing / mitigating where it has that role. */
export const ROLES = (alias: string) =>
  Prisma.raw(`(VALUES ('any', TRUE), ('contributing', ${alias}.contributing), ('mitigating', ${alias}.mitigating))`)
