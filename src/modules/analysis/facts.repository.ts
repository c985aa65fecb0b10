import { Prisma, type PrismaClient } from '../../generated/prisma/client.js'
import { assignSlots } from './bits.js'
import { rebuildRollups, ROLLUP_TABLES, rollupDelta, which } from './rollups.js'

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

const insertReports = (ids: readonly string[] | 'all') => Prisma.sql`
  INSERT INTO analysis_report
    (report_id, coding_id, month, region, event_class, setting, detection, reach, event_type, handover, consent,
     has_point, epoch, open)
  SELECT DISTINCT ON (r.id) r.id, c.id, r.occurred_month, r.region, r.event_class::text, c.setting, c.detection,
         c.reach_and_harm, c.event_type, c.handover, r.consent_to_publish, c.has_point, r.analysis_epoch,
         r.status IN ('new', 'in_review', 'coded')
  FROM report r JOIN coding c ON c.report_id = r.id
  WHERE r.merged_into_id IS NULL AND ${which(Prisma.sql`r.id`, ids)}
  ORDER BY r.id, c.coded_at, c.id`

/**
 * Publication epochs of these reports (see report.analysis_epoch): a report entering analysis unpublished takes the
 * next publication's number; one leaving it unpublished (merged, say) loses its number, so that were it to return
 * it would count in the publication after its return, not be taken as published; a published report keeps its
 * number whatever happens, so it is never counted twice. Runs after refresh has locked analysis_rollup (ROW
 * EXCLUSIVE): a publication holds a SHARE lock on it while it counts, so the number read here is the one of the
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
    (report_id, level, code, contributing, mitigating, month, region, event_class, setting, detection, reach, event_type,
     open)
  SELECT f.report_id, t.level, t.code, bool_or(mapped.role = 'contributing'), bool_or(mapped.role = 'mitigating'),
         f.month, f.region, f.event_class, f.setting, f.detection, f.reach, f.event_type, f.open
  FROM mapped
  JOIN tree ON tree.l3 = mapped.code
  JOIN analysis_report f ON f.report_id = mapped.report_id
  CROSS JOIN LATERAL (VALUES (1, tree.l1), (2, tree.l2), (3, tree.l3)) AS t(level, code)
  GROUP BY f.report_id, t.level, t.code, f.month, f.region, f.event_class, f.setting, f.detection, f.reach,
           f.event_type, f.open`

export const createFactsRepository = () => ({
  /**
   * Brings the analysis record of these reports up to date with their review: call it inside the transaction
   * that changed them, after the change (the report rows should be locked by it), once: it locks the month's slot
   * counter before the rollup rows, and a second call in the same transaction would take them the other way round.
   */
  refresh: async (client: Client, reportIds: readonly string[]) => {
    const ids = [...new Set(reportIds)].sort()
    if (ids.length === 0) return
    // First of all, the lock a publication's SHARE lock waits for (publication.repository.ts `exclusive`): a
    // publication under way is waited for, and one that starts later waits for this change, so the publication
    // number assignEpochs reads is the one of the publication that will count these reports. Taken with the first
    // rollup write instead (the last statement), a publication could count the record between the two and miss a
    // report numbered as its own: counted in neither (seen in CI, tests/summaries/publication-recount.test.ts).
    await client.$executeRaw`LOCK TABLE analysis_rollup IN ROW EXCLUSIVE MODE`
    await rollupDelta.record(client, ids, -1)
    await client.$executeRaw`DELETE FROM analysis_code WHERE report_id = ANY(${ids}::uuid[])`
    await client.$executeRaw`DELETE FROM analysis_report WHERE report_id = ANY(${ids}::uuid[])`
    await client.$executeRaw(assignEpochs(ids))
    await client.$executeRaw(insertReports(ids))
    await assignSlots(client, ids)
    await client.$executeRaw(insertCodes(ids))
    await rollupDelta.record(client, ids, 1)
    await rollupDelta.apply(client)
  },

  /** Derives the whole analysis record again from the review tables (in the caller's transaction, if any). */
  rebuild: async (client: Client) => {
    await client.$executeRawUnsafe(`TRUNCATE analysis_report, analysis_code, ${ROLLUP_TABLES.join(', ')}`)
    // Fresh statistics first: with the taxonomy tables never analysed, the planner can pair every code with every
    // leaf, and a rebuild that takes seconds takes hours.
    await client.$executeRaw`ANALYZE report, coding, coding_code, taxonomy_code, taxonomy_version, taxonomy_mapping`
    await client.$executeRaw(assignEpochs('all'))
    // Loaded without their secondary indexes, which are built afterwards from the catalogue's own definitions:
    // maintaining the covering indexes there were then row by row made the load three times as long (1M reports:
    // 142 s against 48 s for analysis_code). Nothing the rebuild reads needs them (it aggregates whole tables and
    // joins on keys).
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
    await rebuildRollups(client)
  },

  /**
   * Whether codings exist that the analysis record has never seen (e.g. the first start after an upgrade), or the
   * bitmaps have drifted from the rollups. False while the analysis tables do not exist yet: a server may start
   * before its migrations (live, not ready).
   */
  needsRebuild: async (client: Client) => {
    const [row] = await client.$queryRaw<{ migrated: boolean }[]>`
      SELECT to_regclass('analysis_report') IS NOT NULL AND to_regclass('analysis_bits') IS NOT NULL AS migrated`
    if (!row?.migrated) return false
    // Also when a rollup added by a later migration is still empty (the two-filter ones), or the record's reports
    // have no slots in the bitmaps (their migration gives them to the record already there).
    const [state] = await client.$queryRaw<{ missing: boolean }[]>`
      SELECT EXISTS (SELECT 1 FROM coding)
        AND (NOT EXISTS (SELECT 1 FROM analysis_report) OR NOT EXISTS (SELECT 1 FROM analysis_field_cross2)
          OR NOT EXISTS (SELECT 1 FROM analysis_slot))
        AS missing`
    return state?.missing === true || (await bitsDrifted(client))
  }
})

/**
 * Whether the bitmaps count other settled reports than the rollups in some month: each settled report has one
 * region, so its region bits are the month's settled reports. Bits are kept by flipping (bits.ts), so bitmaps
 * changed behind the application's back (emptied, or written by a version that did not keep them) would stay wrong
 * at every later coding; a start that finds them so derives everything again. About 20 ms at 10M reports.
 */
const bitsDrifted = async (client: Client) => {
  const [row] = await client.$queryRaw<{ drifted: boolean }[]>`
    SELECT EXISTS (
      SELECT 1
      FROM (SELECT month, sum(n - n_open)::bigint AS n FROM analysis_rollup WHERE dim = 'all' GROUP BY month) AS r
      FULL JOIN (
        SELECT month, sum(bit_count(bits))::bigint AS n FROM analysis_bits
        WHERE dim = 'region' AND role = 'any' GROUP BY month
      ) AS b ON b.month = r.month
      WHERE coalesce(r.n, 0) <> coalesce(b.n, 0)
    ) AS drifted`
  return row?.drifted === true
}

export type FactsRepository = ReturnType<typeof createFactsRepository>
