-- Issue 15: the questions no rollup answers (a code with two or more field filters, codes under three or more
-- fields, codes under a code and a field) counted the analysis record: 278–387 ms p95 at 10 leads and 10M reports,
-- five times their cost at 1M. They are now counted from bitmaps: each report settled in analysis has a slot in
-- its event month (analysis_slot; analysis_slot_next hands out the next), and each field value and each code in
-- each role has, per month and chunk of 8,192 slots, the bits of the reports that carry it (analysis_bits). A
-- question ANDs its filters' bits and counts the bits in common with each group's: about 1 KB of work per month,
-- chunk and value, whatever the combination of filters. The key is in the order a grouping reads it (a dimension's
-- values side by side for each month and chunk), and the table is written in that order. src/modules/analysis/bits.ts keeps them; this fills them
-- for the analysis record already there, with the same statements as its rebuild.
-- No coding may change the record between the fill below and the end of the migration (an instance of the
-- previous version still serving would change the record without the bits).
LOCK TABLE "analysis_report", "analysis_code" IN SHARE MODE;

CREATE TABLE "analysis_slot" (
    "report_id" UUID NOT NULL,
    "month" DATE NOT NULL,
    "slot" INTEGER NOT NULL,

    CONSTRAINT "analysis_slot_pkey" PRIMARY KEY ("report_id")
);

CREATE TABLE "analysis_slot_next" (
    "month" DATE NOT NULL,
    "next" INTEGER NOT NULL,

    CONSTRAINT "analysis_slot_next_pkey" PRIMARY KEY ("month")
);

CREATE TABLE "analysis_bits" (
    "dim" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "month" DATE NOT NULL,
    "chunk" SMALLINT NOT NULL,
    "bits" BIT(8192) NOT NULL,

    CONSTRAINT "analysis_bits_pkey" PRIMARY KEY ("dim","role","month","chunk","value")
);

-- The record's reports take the slots 0, 1, … of their month in the order of their ids.
INSERT INTO "analysis_slot" ("report_id", "month", "slot")
SELECT "report_id", "month", (row_number() OVER (PARTITION BY "month" ORDER BY "report_id") - 1)::int
FROM "analysis_report";

INSERT INTO "analysis_slot_next" ("month", "next")
SELECT "month", count(*)::int FROM "analysis_slot" GROUP BY "month";

INSERT INTO "analysis_bits" ("dim", "role", "value", "month", "chunk", "bits")
SELECT s."dim", s."role", s."value", s."month", (s."slot" / 8192)::smallint,
  bit_or(set_bit(0::bit(8192), s."slot" % 8192, 1))
FROM (
  SELECT d."dim", 'any'::text AS "role", d."value", x."month", x."slot"
  FROM "analysis_report" f JOIN "analysis_slot" x ON x."report_id" = f."report_id"
  CROSS JOIN LATERAL (VALUES ('region', f."region"), ('setting', f."setting"), ('event_class', f."event_class"),
    ('detection', f."detection"), ('reach', f."reach"), ('event_type', f."event_type")) AS d("dim", "value")
  WHERE NOT f."open"
  UNION ALL
  SELECT 'code' || c."level", r."role", c."code", x."month", x."slot"
  FROM "analysis_code" c JOIN "analysis_slot" x ON x."report_id" = c."report_id"
  CROSS JOIN LATERAL (VALUES ('any', TRUE), ('contributing', c."contributing"), ('mitigating', c."mitigating"))
    AS r("role", "present")
  WHERE r."present" AND NOT c."open"
) AS s
GROUP BY 1, 2, 3, 4, 5
ORDER BY 1, 2, 4, 5, 3;

-- The covering indexes that the record's counts read are read by nothing now (7.1 GB at 10M reports for
-- analysis_code's alone), and every coding wrote to them.
DROP INDEX "analysis_code_covering_idx";
DROP INDEX "analysis_report_month_region_setting_event_class_detection__idx";
DROP INDEX "analysis_report_region_month_setting_event_class_detection__idx";
