import { Prisma, type PrismaClient } from '../../generated/prisma/client.js'
import { dateOfMonthIndex } from '../../lib/periods.js'
import { FIELDS, ROLES, type Which, which } from './record-rows.js'

/**
 * Bitmaps of the analysis record (issue 15), for the questions no rollup answers: a code with two or more field
 * filters, codes under three or more fields, codes under a code and a field. Rollups of every such combination
 * would be as large as the record itself (a leaf code's few thousand reports a month fall into most of the fields'
 * combinations), so counting them read the record: 278–387 ms p95 at 10 leads and 10M reports, five times the cost
 * at 1M. Here each settled report has a slot in its event month (analysis_slot), and each field value and each code
 * in each role (the keys of analysis_rollup) has, per month and chunk of CHUNK_BITS slots, a bit for each report
 * carrying it (analysis_bits). A question ANDs its filters' chunks and counts the bits each group's chunk has in
 * common with them: PostgreSQL does both on 1 KB values in C, so a year at 10M reports (21 chunks a month) is a few
 * thousand such operations, against a few hundred thousand index entries read before.
 *
 * Bits are kept like the rollups (rollups.ts): a refresh records the bits of the reports changed before (−1) and
 * after (+1), and the bits whose sum is not 0 are flipped; a slot is never handed out twice, so a bit to set is 0
 * and a bit to clear is 1, and one XOR with the mask of moved bits does both.
 */

/** Slots per chunk: analysis_bits.bits is bit(8192) (prisma/schema.prisma and the migration say the same). */
export const CHUNK_BITS = 8192

type Client = Pick<PrismaClient, '$executeRaw' | '$queryRaw'>

/** Rows (dim, role, value, month, slot): one per settled report and key it carries (open reports carry none). */
export const bitSource = (ids: Which) => Prisma.sql`
  SELECT d.dim, 'any'::text AS role, d.value, x.month, x.slot
  FROM analysis_report f JOIN analysis_slot x ON x.report_id = f.report_id
  CROSS JOIN LATERAL ${FIELDS('f')} AS d(dim, value)
  WHERE NOT f.open AND ${which(Prisma.sql`f.report_id`, ids)}
  UNION ALL
  SELECT 'code' || c.level, r.role, c.code, x.month, x.slot
  FROM analysis_code c JOIN analysis_slot x ON x.report_id = c.report_id
  CROSS JOIN LATERAL ${ROLES('c')} AS r(role, present)
  WHERE r.present AND NOT c.open AND ${which(Prisma.sql`c.report_id`, ids)}`

const CHUNK = Prisma.raw(String(CHUNK_BITS))
const ZERO = Prisma.raw(`0::bit(${CHUNK_BITS})`)

/**
 * Gives a slot to each of these reports in the analysis record that has none in its month (new to analysis, or
 * moved to another month): the month's next ones, in the order of their ids. The counter row is locked until the
 * transaction ends, so two codings of one month cannot take the same slot.
 */
export const assignSlots = (client: Client, ids: Which) => client.$executeRaw`
  WITH need AS (
    SELECT f.report_id, f.month, row_number() OVER (PARTITION BY f.month ORDER BY f.report_id) AS rn
    FROM analysis_report f LEFT JOIN analysis_slot x ON x.report_id = f.report_id
    WHERE (x.report_id IS NULL OR x.month <> f.month) AND ${which(Prisma.sql`f.report_id`, ids)}
  ),
  wanted AS (SELECT month, count(*)::int AS n FROM need GROUP BY month),
  taken AS (
    INSERT INTO analysis_slot_next AS t (month, next) SELECT month, n FROM wanted ORDER BY month
    ON CONFLICT (month) DO UPDATE SET next = t.next + excluded.next
    RETURNING t.month, t.next
  )
  INSERT INTO analysis_slot (report_id, month, slot)
  SELECT need.report_id, need.month, (taken.next - wanted.n + need.rn - 1)::int
  FROM need JOIN wanted ON wanted.month = need.month JOIN taken ON taken.month = need.month
  ON CONFLICT (report_id) DO UPDATE SET month = excluded.month, slot = excluded.slot`

/** The recorded change's rows for the delta table of rollups.ts (tbl, k1…k5 = dim, role, value, month, slot). */
export const bitDeltaRows = (ids: Which, sign: 1 | -1, padding: number) => Prisma.sql`
  SELECT 'analysis_bits', s.dim, s.role, s.value, s.month::text, s.slot::text
    ${Prisma.raw(', NULL'.repeat(padding))}, ${sign}::int, 0
  FROM (${bitSource(ids)}) AS s`

/** The data-modifying CTE body that flips the bits a recorded change moved (see rollupDelta.apply). */
export const applyBitDelta = Prisma.sql`
  INSERT INTO analysis_bits (dim, role, value, month, chunk, bits)
  SELECT k1, k2, k3, k4::date, (k5::int / ${CHUNK})::smallint, bit_or(set_bit(${ZERO}, k5::int % ${CHUNK}, 1))
  FROM (
    SELECT k1, k2, k3, k4, k5 FROM pg_temp.analysis_delta WHERE tbl = 'analysis_bits'
    GROUP BY k1, k2, k3, k4, k5 HAVING sum(n) <> 0
  ) AS moved
  GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (dim, role, month, chunk, value) DO UPDATE SET bits = analysis_bits.bits # excluded.bits`

/** Every report's bits from scratch (analysis_bits empty), the slots given first; written in the key's order. */
export const rebuildBits = async (client: Client) => {
  await assignSlots(client, 'all')
  await client.$executeRaw`
    INSERT INTO analysis_bits (dim, role, value, month, chunk, bits)
    SELECT s.dim, s.role, s.value, s.month, (s.slot / ${CHUNK})::smallint, bit_or(set_bit(${ZERO}, s.slot % ${CHUNK}, 1))
    FROM (${bitSource('all')}) AS s
    GROUP BY 1, 2, 3, 4, 5
    ORDER BY 1, 2, 4, 5, 3`
}

/** One set of bits: a dimension's value (or every value, for a grouping) in a role. */
export type BitKey = { dim: string; role: string; value?: string }

/**
 * Settled reports per month under every filter (at least one), by the grouping's values (`total` false) and in all
 * (`total` true): the filters' chunks ANDed once per month and chunk (kept), then each group's chunk counted
 * against them. A chunk missing for a filter has no report with that value, and the join drops it.
 */
export const bitCounts = (filters: readonly BitKey[], group: BitKey, from: number, to: number) => {
  if (filters.length === 0) throw new Error('bitCounts needs at least one filter')
  const range = (alias: string) => Prisma.sql`${Prisma.raw(alias)}.month >= ${dateOfMonthIndex(from)}::date
    AND ${Prisma.raw(alias)}.month <= ${dateOfMonthIndex(to)}::date`
  const key = (alias: string, one: BitKey) => Prisma.sql`${Prisma.raw(alias)}.dim = ${one.dim}
    AND ${Prisma.raw(alias)}.role = ${one.role} AND ${Prisma.raw(alias)}.value = ${one.value ?? ''}`
  const [first, ...rest] = filters as [BitKey, ...BitKey[]]
  const joins = rest.map((one, i) => Prisma.sql`
    JOIN analysis_bits ${Prisma.raw(`b${i + 1}`)} ON ${Prisma.raw(`b${i + 1}`)}.month = b0.month
      AND ${Prisma.raw(`b${i + 1}`)}.chunk = b0.chunk AND ${key(`b${i + 1}`, one)} AND ${range(`b${i + 1}`)}`)
  const anded = Prisma.raw(filters.map((_, i) => `b${i}.bits`).join(' & '))
  return Prisma.sql`
    WITH kept AS MATERIALIZED (
      SELECT b0.month, b0.chunk, ${anded} AS bits
      FROM analysis_bits b0 ${Prisma.join(joins, ' ')}
      WHERE ${key('b0', first)} AND ${range('b0')}
    ),
    -- Counted before grouping (materialised, so not folded into the aggregate), so that what is grouped is
    -- (month, value, count), not the 1 KB chunks.
    counted AS MATERIALIZED (
      SELECT k.month, g.value, bit_count(k.bits & g.bits) AS n
      FROM kept k JOIN analysis_bits g ON g.month = k.month AND g.chunk = k.chunk
      WHERE g.dim = ${group.dim} AND g.role = ${group.role} AND ${range('g')}
    )
    SELECT month, value, sum(n)::int AS n, FALSE AS total FROM counted GROUP BY month, value HAVING sum(n) > 0
    UNION ALL
    SELECT month, '', sum(bit_count(bits))::int, TRUE FROM kept GROUP BY month HAVING sum(bit_count(bits)) > 0`
}
