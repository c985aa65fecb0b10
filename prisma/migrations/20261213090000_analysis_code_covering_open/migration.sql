-- Issue 15: a trend of one code under two or more field filters counts analysis_code through its covering index,
-- but that index predates `open` (issue 17.9), so every entry in the range sent PostgreSQL to the table to check
-- it: 219 ms p95 at 10 leads at 10M reports. The index now carries `open` (index-only again), and a second one led
-- by region (as analysis_report has) lets a question with a region filter read a ninth of the code's rows.
DROP INDEX "analysis_code_level_code_month_contributing_mitigating_regi_idx";
CREATE INDEX "analysis_code_covering_idx" ON "analysis_code"("level", "code", "month", "contributing", "mitigating", "open", "region", "setting", "event_class", "detection", "reach", "event_type", "report_id");
CREATE INDEX "analysis_code_region_covering_idx" ON "analysis_code"("level", "code", "region", "month", "contributing", "mitigating", "open", "setting", "event_class", "detection", "reach", "event_type", "report_id");
