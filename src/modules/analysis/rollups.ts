import { Prisma, type PrismaClient } from '../../generated/prisma/client.js'
import { BLOCK_SPANS } from '../../lib/periods.js'
import { applyBitDelta, bitDeltaRows, rebuildBits } from './bits.js'
import { FIELD_NAMES, FIELDS, ROLES, type Which, which } from './record-rows.js'

export { which }

/**
 * The rollups of the analysis record: counts of reports per month and cell, kept by adding the difference each
 * change makes (`rollupDelta`) and derived from scratch by `rebuildRollups`, so that every question of the
 * analysis API with up to two filters, or with field filters only, and a publication, reads a number of rows that
 * grows with the cells it asks about, not with the number of reports (issue 15). Each rollup is defined once, by
 * the rows a set of reports contributes (`source`): `rollupDelta` aggregates those of the reports changed, and the
 * rebuild, where that would be too slow for ten million reports, aggregates the same rows from a smaller
 * intermediate (said where).
 *
 * Every count but the publication's keeps beside it `n_open`: how many of the reports counted are still open, which a
 * lead's answers leave out (blind coding, issue 17.9: see blind.ts).
 */

type Client = Pick<PrismaClient, '$executeRaw' | '$executeRawUnsafe' | '$queryRaw'>

/** The spans the pair rollup is kept at: lib/periods.ts's blocks, which the reads tile a range with. */
const PAIR_SPANS = Prisma.raw(`(VALUES ${BLOCK_SPANS.map((span) => `(${span}::smallint)`).join(', ')})`)

type Rollup = {
  table: string
  /** Key columns, in the order `source` gives them, followed there by `open`. */
  keys: readonly string[]
  source: (ids: Which) => Prisma.Sql
  /** Whether the table keeps n_open (the publication's does not need it). */
  open: boolean
}

/** One row per report and value of one dimension (all, a field, or codes of a level in a role). */
const rollup: Rollup = {
  table: 'analysis_rollup',
  keys: ['dim', 'role', 'month', 'value'],
  open: true,
  source: (ids) => {
    const reports = which(Prisma.sql`report_id`, ids)
    return Prisma.sql`
      SELECT 'all'::text, 'any'::text, month, ''::text, open FROM analysis_report WHERE ${reports}
      UNION ALL
      SELECT d.dim, 'any', f.month, d.value, f.open FROM analysis_report f CROSS JOIN LATERAL ${FIELDS('f')} AS d(dim, value)
      WHERE ${which(Prisma.sql`f.report_id`, ids)}
      UNION ALL
      SELECT 'code' || c.level, r.role, c.month, c.code, c.open FROM analysis_code c
      CROSS JOIN LATERAL ${ROLES('c')} AS r(role, present) WHERE r.present AND ${which(Prisma.sql`c.report_id`, ids)}`
  }
}

/**
 * Reports carrying both of two codes of one level (a < b), for co-occurrence: in the month, the quarter and the year
 * of the event (span 1, 3, 12; month is the block's first, in the event's year since every span divides 12), so
 * that a range reads the fewest blocks (blocksOf).
 */
const pairs: Rollup = {
  table: 'analysis_pair_rollup',
  keys: ['level', 'span', 'month', 'code_a', 'code_b'],
  open: true,
  source: (ids) => Prisma.sql`
    SELECT a.level, s.span,
      make_date(extract(year FROM a.month)::int, (extract(month FROM a.month)::int - 1) / s.span * s.span + 1, 1),
      a.code, b.code, a.open
    FROM analysis_code a JOIN analysis_code b ON b.report_id = a.report_id AND b.level = a.level AND a.code < b.code
    CROSS JOIN ${PAIR_SPANS} AS s(span)
    WHERE ${which(Prisma.sql`a.report_id`, ids)}`
}

/** One filter: dimension a's values under one value of dimension b, field × field and code × field both ways. */
const cross: Rollup = {
  table: 'analysis_cross_rollup',
  keys: ['dim_a', 'role_a', 'dim_b', 'role_b', 'value_b', 'month', 'value_a'],
  open: true,
  source: (ids) => {
    const codes = Prisma.sql`
      FROM analysis_code c CROSS JOIN LATERAL ${ROLES('c')} AS r(role, present)
      CROSS JOIN LATERAL ${FIELDS('c')} AS d(dim, value)
      WHERE r.present AND ${which(Prisma.sql`c.report_id`, ids)}`
    return Prisma.sql`
      SELECT a.dim, 'any', b.dim, 'any', b.value, f.month, a.value, f.open
      FROM analysis_report f CROSS JOIN LATERAL ${FIELDS('f')} AS a(dim, value)
      CROSS JOIN LATERAL ${FIELDS('f')} AS b(dim, value)
      WHERE a.dim <> b.dim AND ${which(Prisma.sql`f.report_id`, ids)}
      UNION ALL
      SELECT 'code' || c.level, r.role, d.dim, 'any', d.value, c.month, c.code, c.open ${codes}
      UNION ALL
      SELECT d.dim, 'any', 'code' || c.level, r.role, c.code, c.month, d.value, c.open ${codes}`
  }
}

/** Two field filters (b < c), grouped by a third field. */
const fieldCross2: Rollup = {
  table: 'analysis_field_cross2',
  keys: ['dim_a', 'dim_b', 'value_b', 'dim_c', 'value_c', 'month', 'value_a'],
  open: true,
  source: (ids) => Prisma.sql`
    SELECT a.dim, b.dim, b.value, c.dim, c.value, f.month, a.value, f.open
    FROM analysis_report f CROSS JOIN LATERAL ${FIELDS('f')} AS a(dim, value)
    CROSS JOIN LATERAL ${FIELDS('f')} AS b(dim, value) CROSS JOIN LATERAL ${FIELDS('f')} AS c(dim, value)
    WHERE b.dim < c.dim AND a.dim <> b.dim AND a.dim <> c.dim AND ${which(Prisma.sql`f.report_id`, ids)}`
}

/** Every field at once (the field cube): one row per report, so its cells are the fields' distinct combinations. */
const cube: Rollup = {
  table: 'analysis_field_cube',
  keys: ['month', ...FIELD_NAMES],
  open: true,
  source: (ids) => Prisma.sql`
    SELECT month, ${Prisma.raw(FIELD_NAMES.join(', '))}, open FROM analysis_report WHERE ${which(Prisma.sql`report_id`, ids)}`
}

/** Codes (level, role) by one value of each of two fields (1 < 2). */
const codeFields: Rollup = {
  table: 'analysis_code_fields',
  keys: ['dim_1', 'dim_2', 'value_1', 'value_2', 'level', 'role', 'month', 'code'],
  open: true,
  source: (ids) => Prisma.sql`
    SELECT d1.dim, d2.dim, d1.value, d2.value, c.level, r.role, c.month, c.code, c.open
    FROM analysis_code c CROSS JOIN LATERAL ${ROLES('c')} AS r(role, present)
    CROSS JOIN LATERAL ${FIELDS('c')} AS d1(dim, value) CROSS JOIN LATERAL ${FIELDS('c')} AS d2(dim, value)
    WHERE r.present AND d1.dim < d2.dim AND ${which(Prisma.sql`c.report_id`, ids)}`
}

/** Codes a (any level) on the reports carrying code b (any level), both in one role; a = b counts b's reports. */
const codeCross: Rollup = {
  table: 'analysis_code_cross',
  keys: ['role', 'level_b', 'code_b', 'level_a', 'month', 'code_a'],
  open: true,
  source: (ids) => Prisma.sql`
    SELECT r.role, b.level, b.code, a.level, a.month, a.code, a.open
    FROM analysis_code a JOIN analysis_code b ON b.report_id = a.report_id
    CROSS JOIN LATERAL (VALUES ('any', TRUE), ('contributing', a.contributing AND b.contributing),
      ('mitigating', a.mitigating AND b.mitigating)) AS r(role, present)
    WHERE r.present AND ${which(Prisma.sql`a.report_id`, ids)}`
}

/** A publication's cuts by its number, month and region (publication.repository.ts reads the late ones here). */
const epochs: Rollup = {
  table: 'analysis_epoch_rollup',
  keys: ['epoch', 'month', 'region', 'cut', 'value'],
  open: false,
  source: (ids) => Prisma.sql`
    SELECT f.epoch, f.month, f.region, x.cut, x.value, FALSE
    FROM analysis_report f CROSS JOIN LATERAL (VALUES ('reports', ''), ('event_class', f.event_class),
      ('detection', f.detection), ('setting', f.setting)) AS x(cut, value)
    WHERE ${which(Prisma.sql`f.report_id`, ids)}
    UNION ALL
    SELECT f.epoch, f.month, f.region, CASE c.level WHEN 1 THEN 'domain' ELSE 'group' END, c.code, FALSE
    FROM analysis_code c JOIN analysis_report f ON f.report_id = c.report_id
    WHERE c.level IN (1, 2) AND ${which(Prisma.sql`c.report_id`, ids)}`
}

export const ROLLUPS = [rollup, pairs, cross, fieldCross2, cube, codeFields, codeCross, epochs] as const

const columns = (rollup: Rollup) => Prisma.raw(rollup.keys.join(', '))
const keyed = (rollup: Rollup) =>
  Prisma.raw(`(${rollup.keys.map((_, i) => `x${i + 1}`).join(', ')}, open)`)
const keyList = (rollup: Rollup) => Prisma.raw(rollup.keys.map((_, i) => `x${i + 1}`).join(', '))

/** `sign`·count (and n_open) of a rollup's rows from `rows`, a query giving its keys then `open`. */
const aggregate = (rollup: Rollup, rows: Prisma.Sql, sign: 1 | -1) => Prisma.sql`
  SELECT ${keyList(rollup)}, ${sign}::int * count(*)::int
    ${rollup.open ? Prisma.sql`, ${sign}::int * (count(*) FILTER (WHERE open))::int` : Prisma.empty}
  FROM (${rows}) AS s${keyed(rollup)}
  GROUP BY ${keyList(rollup)}`

const into = (rollup: Rollup) =>
  Prisma.raw(`INSERT INTO ${rollup.table} (${rollup.keys.join(', ')}, n${rollup.open ? ', n_open' : ''})`)

/** Rollup key columns that are not text, to turn the delta's text keys back into them. */
const KEY_TYPES: Record<string, string> = {
  month: 'date',
  level: 'smallint',
  span: 'smallint',
  level_a: 'smallint',
  level_b: 'smallint',
  epoch: 'integer'
}
const DELTA_KEYS = Math.max(...ROLLUPS.map((one) => one.keys.length))
const deltaKeys = (count: number) => Array.from({ length: count }, (_, i) => `k${i + 1}`)

/**
 * What a refresh changes in every rollup, worked out before writing any of them: the chosen reports' cells are
 * recorded in a temporary table of this connection, taken away (sign −1) before their record changes and added
 * (sign 1) after, and only the cells whose count moved are written. A second coding, which leaves the record as it
 * was, then writes no rollup row at all, and a status change one row per cell instead of two; writing every cell
 * twice took a coding at 10M reports from a p99 of 25 ms to 164 ms (docs/benchmarks.md). The table is emptied by
 * truncation at every commit: temporary tables are never vacuumed, and the dead rows deletes leave made each coding
 * slower than the last.
 */
export const rollupDelta = {
  record: async (client: Client, ids: readonly string[], sign: 1 | -1) => {
    await client.$executeRawUnsafe(`
      CREATE TEMPORARY TABLE IF NOT EXISTS analysis_delta (
        tbl text NOT NULL, ${deltaKeys(DELTA_KEYS).map((k) => `${k} text`).join(', ')}, n int NOT NULL,
        n_open int NOT NULL) ON COMMIT DELETE ROWS`)
    const cells = ROLLUPS.map((one) => {
      const keys = one.keys.map((_, i) => `x${i + 1}::text`)
      const padded = Prisma.raw([...keys, ...Array<string>(DELTA_KEYS - keys.length).fill('NULL')].join(', '))
      return Prisma.sql`
        SELECT ${one.table}, ${padded}, ${sign}::int * count(*)::int,
          ${one.open ? Prisma.sql`${sign}::int * (count(*) FILTER (WHERE open))::int` : Prisma.sql`0`}
        FROM (${one.source(ids)}) AS s${keyed(one)} GROUP BY ${keyList(one)}`
    })
    // The bitmaps' rows too (bits.ts): one per report and key, flipped where their sum is not 0.
    cells.push(bitDeltaRows(ids, sign, DELTA_KEYS - 5))
    await client.$executeRaw`
      INSERT INTO pg_temp.analysis_delta (tbl, ${Prisma.raw(deltaKeys(DELTA_KEYS).join(', '))}, n, n_open)
      ${Prisma.join(cells, ' UNION ALL ')}`
  },

  /**
   * Writes the cells whose count the recorded change moved, and forgets the change: one statement (a data-modifying
   * CTE per rollup), so a change that moves nothing costs one round trip, not one per rollup.
   */
  apply: async (client: Client) => {
    const writes = ROLLUPS.map((one, i) => {
      const keys = deltaKeys(one.keys.length)
      const typed = Prisma.raw(keys.map((k, j) => {
        const type = KEY_TYPES[one.keys[j] as string]
        return type ? `${k}::${type}` : k
      }).join(', '))
      const grouped = Prisma.raw(keys.join(', '))
      // Sorted, so that two transactions touching the same rollup rows lock them in the same order (no deadlock).
      return Prisma.sql`${Prisma.raw(`w${i}`)} AS (
        ${into(one)} SELECT ${typed}, sum(n)::int ${one.open ? Prisma.sql`, sum(n_open)::int` : Prisma.empty}
        FROM pg_temp.analysis_delta WHERE tbl = ${one.table}
        GROUP BY ${grouped} HAVING sum(n) <> 0 OR sum(n_open) <> 0 ORDER BY ${grouped}
        ON CONFLICT (${columns(one)}) DO UPDATE SET n = ${Prisma.raw(one.table)}.n + excluded.n
        ${one.open ? Prisma.sql`, n_open = ${Prisma.raw(one.table)}.n_open + excluded.n_open` : Prisma.empty})`
    })
    writes.push(Prisma.sql`bits AS (${applyBitDelta})`)
    await client.$executeRaw`WITH ${Prisma.join(writes, ', ')} DELETE FROM pg_temp.analysis_delta`
  }
}

/**
 * Every rollup from scratch (empty tables). The cheap ones aggregate their source whole; the three that count some
 * 130–200 rows per report are built from intermediates instead: one field at a time for the cross rollup (all at
 * once it sorts on disk: over 10 minutes for a million reports), and for the two-filter rollups from the reports'
 * field combinations per month (the field cube: analysis_report collapsed to its distinct cells) and from the code
 * rows collapsed the same way.
 */
export const rebuildRollups = async (client: Client) => {
  for (const one of [rollup, pairs, codeCross, epochs, cube]) {
    await client.$executeRaw`${into(one)} ${aggregate(one, one.source('all'), 1)}`
  }
  for (const field of FIELD_NAMES) {
    const column = Prisma.raw(field)
    await client.$executeRaw`
      INSERT INTO analysis_cross_rollup (dim_a, role_a, dim_b, role_b, value_b, month, value_a, n, n_open)
      SELECT 'code' || c.level, r.role, ${field}, 'any', c.${column}, c.month, c.code, count(*)::int,
        (count(*) FILTER (WHERE c.open))::int
      FROM analysis_code c CROSS JOIN LATERAL ${ROLES('c')} AS r(role, present)
      WHERE r.present
      GROUP BY c.level, r.role, c.${column}, c.month, c.code`
    for (const other of FIELD_NAMES.filter((name) => name > field)) {
      await client.$executeRaw`
        INSERT INTO analysis_cross_rollup (dim_a, role_a, dim_b, role_b, value_b, month, value_a, n, n_open)
        SELECT ${field}, 'any', ${other}, 'any', f.${Prisma.raw(other)}, f.month, f.${column}, count(*)::int,
          (count(*) FILTER (WHERE f.open))::int
        FROM analysis_report f GROUP BY f.${Prisma.raw(other)}, f.month, f.${column}`
    }
  }
  // The other way round: the same counts with a and b swapped.
  await client.$executeRaw`
    INSERT INTO analysis_cross_rollup (dim_a, role_a, dim_b, role_b, value_b, month, value_a, n, n_open)
    SELECT dim_b, role_b, dim_a, role_a, value_a, month, value_b, n, n_open FROM analysis_cross_rollup`

  // The two-filter rollup of fields from the cube (the reports collapsed to their distinct cells: about one row per
  // two reports at 1M, far fewer at 10M). Temporary tables (this connection's only) are dropped at the end; any left
  // by a rebuild that failed half-way go first.
  await client.$executeRaw`DROP TABLE IF EXISTS pg_temp.analysis_code_cells`
  await client.$executeRaw`
    INSERT INTO analysis_field_cross2 (dim_a, dim_b, value_b, dim_c, value_c, month, value_a, n, n_open)
    SELECT a.dim, b.dim, b.value, c.dim, c.value, f.month, a.value, sum(f.n)::int, sum(f.n_open)::int
    FROM analysis_field_cube f CROSS JOIN LATERAL ${FIELDS('f')} AS a(dim, value)
    CROSS JOIN LATERAL ${FIELDS('f')} AS b(dim, value) CROSS JOIN LATERAL ${FIELDS('f')} AS c(dim, value)
    WHERE b.dim < c.dim AND a.dim <> b.dim AND a.dim <> c.dim
    GROUP BY a.dim, b.dim, b.value, c.dim, c.value, f.month, a.value`
  // Code rows (in each role) collapsed the same way, then one pair of fields at a time.
  await client.$executeRaw`
    CREATE TEMPORARY TABLE analysis_code_cells AS
    SELECT c.level, r.role, c.code, c.month, ${Prisma.raw(FIELD_NAMES.map((name) => `c.${name}`).join(', '))},
      c.open, count(*)::int AS n
    FROM analysis_code c CROSS JOIN LATERAL ${ROLES('c')} AS r(role, present)
    WHERE r.present
    GROUP BY c.level, r.role, c.code, c.month, ${Prisma.raw(FIELD_NAMES.map((name) => `c.${name}`).join(', '))}, c.open`
  for (const [i, first] of FIELD_NAMES.entries()) {
    for (const second of FIELD_NAMES.slice(i + 1)) {
      const [one, two] = [Prisma.raw(first < second ? first : second), Prisma.raw(first < second ? second : first)]
      await client.$executeRaw`
        INSERT INTO analysis_code_fields (dim_1, dim_2, value_1, value_2, level, role, month, code, n, n_open)
        SELECT ${first < second ? first : second}, ${first < second ? second : first}, ${one}, ${two}, level, role,
          month, code, sum(n)::int, (coalesce(sum(n) FILTER (WHERE open), 0))::int
        FROM analysis_code_cells GROUP BY ${one}, ${two}, level, role, month, code`
    }
  }
  await client.$executeRaw`DROP TABLE analysis_code_cells`
  await rebuildBits(client)
}

/** One rollup derived again from scratch (the publication benchmark sets publication numbers by hand). */
export const rederiveEpochs = async (client: Client) => {
  await client.$executeRaw`TRUNCATE analysis_epoch_rollup`
  await client.$executeRaw`${into(epochs)} ${aggregate(epochs, epochs.source('all'), 1)}`
}

/** Every rollup's table, emptied together by a rebuild. */
export const ROLLUP_TABLES = [...ROLLUPS.map((one) => one.table), 'analysis_bits']
