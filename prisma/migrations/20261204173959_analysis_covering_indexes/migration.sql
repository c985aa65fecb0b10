-- DropIndex
DROP INDEX "analysis_code_level_code_month_idx";

-- DropIndex
DROP INDEX "analysis_report_month_idx";

-- CreateIndex
CREATE INDEX "analysis_code_level_code_month_contributing_mitigating_regi_idx" ON "analysis_code"("level", "code", "month", "contributing", "mitigating", "region", "setting", "event_class", "detection", "reach", "event_type", "report_id");

-- CreateIndex
CREATE INDEX "analysis_report_month_region_setting_event_class_detection__idx" ON "analysis_report"("month", "region", "setting", "event_class", "detection", "reach", "event_type", "report_id");

-- CreateIndex
CREATE INDEX "analysis_report_region_month_setting_event_class_detection__idx" ON "analysis_report"("region", "month", "setting", "event_class", "detection", "reach", "event_type", "report_id");
