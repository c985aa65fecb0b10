-- Issue 15: a trend of one code under two or more field filters counts analysis_code through its covering index,
-- but that index predated `open` (issue 17.9), so every entry that passed the field filters sent PostgreSQL to the
-- table to check it. The index now carries `open`: the count reads the index alone (tests/review/record-indexes).
-- A second covering index led by region was measured and not kept (docs/benchmarks.md): it took a region question
-- at 10M reports from p95 219 ms to 132-143 ms, still above 100, and a first coding's write from p50 34 to 40 ms.
DROP INDEX "analysis_code_level_code_month_contributing_mitigating_regi_idx";
CREATE INDEX "analysis_code_covering_idx" ON "analysis_code"("level", "code", "month", "contributing", "mitigating", "open", "region", "setting", "event_class", "detection", "reach", "event_type", "report_id");
