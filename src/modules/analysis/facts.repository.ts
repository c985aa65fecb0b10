import { Prisma, type PrismaClient } from '../../generated/prisma/client.js'

/**
 * The analysis record: `analysis_report` and `analysis_code` are derived from `report` and `coding` alone, and the
 * rollups from them. Everything that changes what a report counts as (a coding saved, a merge, a duplicate freed by
 * a withdrawal) calls `refresh` in its own transaction, so analysis is never behind the review and never needs a
 * batch job. `rebuild` derives everything from scratch (first start after an upgrade, a new taxonomy version, bulk
 * loads), and tests check that both give what a plain recount gives.
 *
 * A report counts when it has a coding and is not a merged duplicate (duplicates count once, as their primary; a
 * withdrawn report keeps its coded record). Its coding of record is its first coding: once a second reviewer codes,
 * the first is frozen, so the record does not move as more codings arrive. Codes are carried into the current
 * taxonomy version through the version's mappings (a code with no way into the current version is left out), and
 * each report is counted once per code at each level, in whatever role.
 */

type Client = Pick<PrismaClient, '$executeRaw' | '$executeRawUnsafe' | '$queryRaw'>

/** `WHERE` fragment choosing reports: some (`ids`) or all. */
const which = (column: Prisma.Sql, ids: readonly string[] | 'all') =>
  ids === 'all' ? Prisma.sql`TRUE` : Prisma.sql`${column} = ANY(${[...ids]}::uuid[])`

const insertReports = (ids: readonly string[] | 'all') => Prisma.sql`
  INSERT INTO analysis_report
    (report_id, coding_id, month, region, event_class, setting, detection, reach, event_type, handover, consent,
     has_point, epoch)
  SELECT DISTINCT ON (r.id) r.id, c.id, r.occurred_month, r.region, r.event_class::text, c.setting, c.detection,
         c.reach_and_harm, c.event_type, c.handover, r.consent_to_publish, c.has_point, r.analysis_epoch
  FROM report r JOIN coding c ON c.report_id = r.id
  WHERE r.merged_into_id IS NULL AND ${which(Prisma.sql`r.id`, ids)}
  ORDER BY r.id, c.coded_at, c.id`

/**
 * Publication epochs of these reports (see report.analysis_epoch): a report entering analysis unpublished takes the
 * next publication's number; one leaving it unpublished (merged, say) loses its number, so that were it to return
 * it would count in the publication after its return, not be taken as published; a published report keeps its
 * number whatever happens, so it is never counted twice. Runs after the first rollup write of the transaction:
 * a publication holds a SHARE lock on analysis_rollup while it counts, so the number read here is the one of the
 * publication that will count this report (a concurrent publication either waits for this transaction or has
 * committed before this statement reads its rows).
 */
const assignEpochs = (ids: readonly string[] | 'all') => Prisma.sql`
  WITH latest AS (
    SELECT count(DISTINCT quarter)::int + 1 AS next,
           make_date(left(max(quarter), 4)::int, right(max(quarter), 1)::int * 3, 1) AS last_month
    FROM publication
  ),
  target AS (
    SELECT r.id, r.analysis_epoch AS old, CASE
      WHEN r.merged_into_id IS NULL AND EXISTS (SELECT 1 FROM coding c WHERE c.report_id = r.id)
        THEN coalesce(r.analysis_epoch, latest.next)
      WHEN r.analysis_epoch < latest.next AND r.occurred_month <= latest.last_month THEN r.analysis_epoch
    END AS epoch
    FROM report r CROSS JOIN latest
    WHERE ${which(Prisma.sql`r.id`, ids)}
  )
  UPDATE report r SET analysis_epoch = target.epoch
  FROM target WHERE r.id = target.id AND target.epoch IS DISTINCT FROM target.old`

const insertCodes = (ids: readonly string[] | 'all') => Prisma.sql`
  WITH latest AS (SELECT max(version) AS version FROM taxonomy_version),
  mapped AS (
    SELECT f.report_id, x.role, coalesce(m.to_code, x.code) AS code
    FROM analysis_report f
    JOIN coding c ON c.id = f.coding_id
    JOIN coding_code x ON x.coding_id = f.coding_id
    CROSS JOIN latest
    LEFT JOIN taxonomy_mapping m
      ON c.taxonomy_version <> latest.version AND m.from_version = c.taxonomy_version AND m.from_code = x.code
     AND m.to_version = latest.version
    WHERE ${which(Prisma.sql`f.report_id`, ids)}
  ),
  tree AS (
    SELECT leaf.code AS l3, grp.code AS l2, grp.parent_code AS l1
    FROM taxonomy_code leaf
    JOIN taxonomy_code grp ON grp.version = leaf.version AND grp.code = leaf.parent_code
    WHERE leaf.version = (SELECT version FROM latest) AND leaf.level = 3
  )
  INSERT INTO analysis_code
    (report_id, level, code, contributing, mitigating, month, region, event_class, setting, detection, reach, event_type)
  SELECT f.report_id, t.level, t.code, bool_or(mapped.role = 'contributing'), bool_or(mapped.role = 'mitigating'),
         f.month, f.region, f.event_class, f.setting, f.detection, f.reach, f.event_type
  FROM mapped
  JOIN tree ON tree.l3 = mapped.code
  JOIN analysis_report f ON f.report_id = mapped.report_id
  CROSS JOIN LATERAL (VALUES (1, tree.l1), (2, tree.l2), (3, tree.l3)) AS t(level, code)
  GROUP BY f.report_id, t.level, t.code, f.month, f.region, f.event_class, f.setting, f.detection, f.reach,
           f.event_type`

/** One row per report and rollup key it counts under: the single definition both `refresh` and `rebuild` use. */
const items = (ids: readonly string[] | 'all') => {
  const reports = which(Prisma.sql`report_id`, ids)
  const dimension = (dim: string, column: string) =>
    Prisma.sql`SELECT month, ${dim}::text AS dim, 'any'::text AS role, ${Prisma.raw(column)} AS value
               FROM analysis_report WHERE ${reports}`
  const code = (role: string, condition: string) =>
    Prisma.sql`SELECT month, 'code' || level, ${role}::text, code FROM analysis_code
               WHERE ${reports} AND ${Prisma.raw(condition)}`
  return Prisma.join(
    [
      dimension('all', "''"),
      dimension('region', 'region'),
      dimension('setting', 'setting'),
      dimension('event_class', 'event_class'),
      dimension('detection', 'detection'),
      dimension('reach', 'reach'),
      dimension('event_type', 'event_type'),
      code('any', 'TRUE'),
      code('contributing', 'contributing'),
      code('mitigating', 'mitigating')
    ],
    ' UNION ALL '
  )
}

const pairs = (ids: readonly string[] | 'all') => Prisma.sql`
  SELECT a.month, a.level, a.code AS code_a, b.code AS code_b
  FROM analysis_code a JOIN analysis_code b ON b.report_id = a.report_id AND b.level = a.level AND a.code < b.code
  WHERE ${which(Prisma.sql`a.report_id`, ids)}`

/** The report's fields as (dimension, value) rows, for the cross rollup. */
const FIELDS = (alias: string) =>
  Prisma.raw(`(VALUES ('region', ${alias}.region), ('setting', ${alias}.setting), ('event_class', ${alias}.event_class),
    ('detection', ${alias}.detection), ('reach', ${alias}.reach), ('event_type', ${alias}.event_type))`)

/**
 * One row per report and pair of (dimension, role, value) it counts under, both ways round: field × field, and
 * code (in each role it has) × field. Read from analysis_code's own copy of the report's fields, without a join.
 */
const crossPairs = (ids: readonly string[] | 'all') => {
  const codes = Prisma.sql`
    FROM analysis_code c
    CROSS JOIN LATERAL (VALUES ('any', TRUE), ('contributing', c.contributing), ('mitigating', c.mitigating))
      AS r(role, present)
    CROSS JOIN LATERAL ${FIELDS('c')} AS d(dim, value)
    WHERE r.present AND ${which(Prisma.sql`c.report_id`, ids)}`
  return Prisma.sql`
    SELECT f.month, a.dim AS dim_a, 'any' AS role_a, a.value AS value_a, b.dim AS dim_b, 'any' AS role_b,
           b.value AS value_b
    FROM analysis_report f CROSS JOIN LATERAL ${FIELDS('f')} AS a(dim, value)
    CROSS JOIN LATERAL ${FIELDS('f')} AS b(dim, value)
    WHERE a.dim <> b.dim AND ${which(Prisma.sql`f.report_id`, ids)}
    UNION ALL
    SELECT c.month, 'code' || c.level, r.role, c.code, d.dim, 'any', d.value ${codes}
    UNION ALL
    SELECT c.month, d.dim, 'any', d.value, 'code' || c.level, r.role, c.code ${codes}`
}

const FIELD_NAMES = ['region', 'setting', 'event_class', 'detection', 'reach', 'event_type'] as const

/**
 * The cross rollup from scratch, in pieces: one field at a time, one way round, then the other way round copied
 * from the first. All at once it is one aggregation of some 130 rows per report, which no longer fits in memory
 * and sorts on disk (over 10 minutes for a million reports); by field each aggregation is small.
 */
const rebuildCross = async (client: Client) => {
  for (const field of FIELD_NAMES) {
    const column = Prisma.raw(field)
    await client.$executeRaw`
      INSERT INTO analysis_cross_rollup (dim_a, role_a, dim_b, role_b, value_b, month, value_a, n)
      SELECT 'code' || c.level, r.role, ${field}, 'any', c.${column}, c.month, c.code, count(*)::int
      FROM analysis_code c
      CROSS JOIN LATERAL (VALUES ('any', TRUE), ('contributing', c.contributing), ('mitigating', c.mitigating))
        AS r(role, present)
      WHERE r.present
      GROUP BY c.level, r.role, c.${column}, c.month, c.code`
    for (const other of FIELD_NAMES.filter((name) => name > field)) {
      await client.$executeRaw`
        INSERT INTO analysis_cross_rollup (dim_a, role_a, dim_b, role_b, value_b, month, value_a, n)
        SELECT ${field}, 'any', ${other}, 'any', f.${Prisma.raw(other)}, f.month, f.${column}, count(*)::int
        FROM analysis_report f GROUP BY f.${Prisma.raw(other)}, f.month, f.${column}`
    }
  }
  // The other way round: the same counts with a and b swapped.
  await client.$executeRaw`
    INSERT INTO analysis_cross_rollup (dim_a, role_a, dim_b, role_b, value_b, month, value_a, n)
    SELECT dim_b, role_b, dim_a, role_a, value_a, month, value_b, n FROM analysis_cross_rollup`
}

/** Adds (sign 1) or takes away (sign −1) what the chosen reports count for in the rollups. */
const applyToRollups = async (client: Client, ids: readonly string[], sign: 1 | -1) => {
  // Sorted, so that two transactions touching the same rollup rows lock them in the same order (no deadlock).
  await client.$executeRaw`
    INSERT INTO analysis_rollup (dim, role, month, value, n)
    SELECT dim, role, month, value, ${sign}::int * count(*)::int FROM (${items(ids)}) AS i
    GROUP BY dim, role, month, value ORDER BY dim, role, month, value
    ON CONFLICT (dim, role, month, value) DO UPDATE SET n = analysis_rollup.n + excluded.n`
  await client.$executeRaw`
    INSERT INTO analysis_pair_rollup (level, month, code_a, code_b, n)
    SELECT level, month, code_a, code_b, ${sign}::int * count(*)::int FROM (${pairs(ids)}) AS p
    GROUP BY level, month, code_a, code_b ORDER BY level, month, code_a, code_b
    ON CONFLICT (level, month, code_a, code_b) DO UPDATE SET n = analysis_pair_rollup.n + excluded.n`
  await client.$executeRaw`
    INSERT INTO analysis_cross_rollup (dim_a, role_a, dim_b, role_b, value_b, month, value_a, n)
    SELECT dim_a, role_a, dim_b, role_b, value_b, month, value_a, ${sign}::int * count(*)::int
    FROM (${crossPairs(ids)}) AS x
    GROUP BY dim_a, role_a, dim_b, role_b, value_b, month, value_a
    ORDER BY dim_a, role_a, dim_b, role_b, value_b, month, value_a
    ON CONFLICT (dim_a, role_a, dim_b, role_b, value_b, month, value_a)
    DO UPDATE SET n = analysis_cross_rollup.n + excluded.n`
}

export const createFactsRepository = () => ({
  /**
   * Brings the analysis record of these reports up to date with their review: call it inside the transaction
   * that changed them, after the change (the report rows should be locked by it).
   */
  refresh: async (client: Client, reportIds: readonly string[]) => {
    const ids = [...new Set(reportIds)].sort()
    if (ids.length === 0) return
    await applyToRollups(client, ids, -1)
    await client.$executeRaw`DELETE FROM analysis_code WHERE report_id = ANY(${ids}::uuid[])`
    await client.$executeRaw`DELETE FROM analysis_report WHERE report_id = ANY(${ids}::uuid[])`
    await client.$executeRaw(assignEpochs(ids))
    await client.$executeRaw(insertReports(ids))
    await client.$executeRaw(insertCodes(ids))
    await applyToRollups(client, ids, 1)
  },

  /** Derives the whole analysis record again from the review tables (in the caller's transaction, if any). */
  rebuild: async (client: Client) => {
    await client.$executeRaw`
      TRUNCATE analysis_report, analysis_code, analysis_rollup, analysis_pair_rollup, analysis_cross_rollup`
    // Fresh statistics first: with the taxonomy tables never analysed, the planner can pair every code with every
    // leaf, and a rebuild that takes seconds takes hours.
    await client.$executeRaw`ANALYZE report, coding, coding_code, taxonomy_code, taxonomy_version, taxonomy_mapping`
    await client.$executeRaw(assignEpochs('all'))
    // Loaded without their secondary indexes, which are built afterwards from the catalogue's own definitions:
    // maintaining the covering indexes row by row made the load three times as long (1M reports: 142 s against
    // 48 s for analysis_code). Nothing the rebuild reads needs them (it aggregates whole tables and joins on keys).
    const indexes = await client.$queryRaw<{ name: string; definition: string }[]>`
      SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
      FROM pg_index i
      WHERE i.indrelid IN ('analysis_report'::regclass, 'analysis_code'::regclass) AND NOT i.indisprimary`
    for (const index of indexes) await client.$executeRawUnsafe(`DROP INDEX ${index.name}`)
    await client.$executeRaw(insertReports('all'))
    await client.$executeRaw(insertCodes('all'))
    // Definitions read from pg_index above, not from any input.
    for (const index of indexes) await client.$executeRawUnsafe(index.definition)
    await client.$executeRaw`ANALYZE analysis_report, analysis_code`
    await client.$executeRaw`
      INSERT INTO analysis_rollup (dim, role, month, value, n)
      SELECT dim, role, month, value, count(*)::int FROM (${items('all')}) AS i GROUP BY dim, role, month, value`
    await client.$executeRaw`
      INSERT INTO analysis_pair_rollup (level, month, code_a, code_b, n)
      SELECT level, month, code_a, code_b, count(*)::int FROM (${pairs('all')}) AS p
      GROUP BY level, month, code_a, code_b`
    await rebuildCross(client)
  },

  /**
   * Whether codings exist that the analysis record has never seen (e.g. the first start after an upgrade). False
   * while the analysis tables do not exist yet: a server may start before its migrations (live, not ready).
   */
  needsRebuild: async (client: Client) => {
    const [row] = await client.$queryRaw<{ migrated: boolean }[]>`
      SELECT to_regclass('analysis_report') IS NOT NULL AS migrated`
    if (!row?.migrated) return false
    // Also when a rollup added by a later migration is still empty.
    const [state] = await client.$queryRaw<{ missing: boolean }[]>`
      SELECT EXISTS (SELECT 1 FROM coding)
        AND (NOT EXISTS (SELECT 1 FROM analysis_report) OR NOT EXISTS (SELECT 1 FROM analysis_cross_rollup))
        AS missing`
    return state?.missing === true
  }
})

export type FactsRepository = ReturnType<typeof createFactsRepository>
