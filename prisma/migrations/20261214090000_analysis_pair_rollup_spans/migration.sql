-- Issue 15: co-occurrence over a year summed about 19,000 month rows of analysis_pair_rollup (1,650 leaf pairs in
-- each of 12 months), the costliest read left among the rollup questions. The pair rollup is now kept per quarter
-- and per year as well (span 3 and 12, month being the block's first), and a range is read as the fewest months,
-- quarters and years that tile it. The existing month rows become span 1; the quarters and years are summed
-- from them here.
ALTER TABLE "analysis_pair_rollup" ADD COLUMN "span" SMALLINT NOT NULL DEFAULT 1;
ALTER TABLE "analysis_pair_rollup" ALTER COLUMN "span" DROP DEFAULT;
ALTER TABLE "analysis_pair_rollup" DROP CONSTRAINT "analysis_pair_rollup_pkey";
ALTER TABLE "analysis_pair_rollup" ADD CONSTRAINT "analysis_pair_rollup_pkey" PRIMARY KEY ("level", "span", "month", "code_a", "code_b");
INSERT INTO "analysis_pair_rollup" ("level", "span", "month", "code_a", "code_b", "n", "n_open")
SELECT p."level", s."span",
  CASE s."span" WHEN 3 THEN date_trunc('quarter', p."month"::timestamp)::date ELSE date_trunc('year', p."month"::timestamp)::date END,
  p."code_a", p."code_b", sum(p."n")::int, sum(p."n_open")::int
FROM "analysis_pair_rollup" p CROSS JOIN (VALUES (3::smallint), (12::smallint)) AS s("span")
WHERE p."span" = 1
GROUP BY 1, 2, 3, 4, 5;
