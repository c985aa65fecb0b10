-- Issue 15: a question with three field filters read 280,000 cube entries (a year of months) through the month-led
-- key at 10M reports: the single-field indexes were never chosen. An index on each pair of fields lets the planner
-- start from the pair of filters that keeps fewest rows (a few thousand entries) and check the rest on those.
DROP INDEX "analysis_field_cube_region_month_idx";
DROP INDEX "analysis_field_cube_setting_month_idx";
DROP INDEX "analysis_field_cube_event_class_month_idx";
DROP INDEX "analysis_field_cube_detection_month_idx";
DROP INDEX "analysis_field_cube_reach_month_idx";
DROP INDEX "analysis_field_cube_event_type_month_idx";
CREATE INDEX "analysis_field_cube_region_setting_month_idx" ON "analysis_field_cube"("region", "setting", "month");
CREATE INDEX "analysis_field_cube_region_event_class_month_idx" ON "analysis_field_cube"("region", "event_class", "month");
CREATE INDEX "analysis_field_cube_region_detection_month_idx" ON "analysis_field_cube"("region", "detection", "month");
CREATE INDEX "analysis_field_cube_region_reach_month_idx" ON "analysis_field_cube"("region", "reach", "month");
CREATE INDEX "analysis_field_cube_region_event_type_month_idx" ON "analysis_field_cube"("region", "event_type", "month");
CREATE INDEX "analysis_field_cube_setting_event_class_month_idx" ON "analysis_field_cube"("setting", "event_class", "month");
CREATE INDEX "analysis_field_cube_setting_detection_month_idx" ON "analysis_field_cube"("setting", "detection", "month");
CREATE INDEX "analysis_field_cube_setting_reach_month_idx" ON "analysis_field_cube"("setting", "reach", "month");
CREATE INDEX "analysis_field_cube_setting_event_type_month_idx" ON "analysis_field_cube"("setting", "event_type", "month");
CREATE INDEX "analysis_field_cube_event_class_detection_month_idx" ON "analysis_field_cube"("event_class", "detection", "month");
CREATE INDEX "analysis_field_cube_event_class_reach_month_idx" ON "analysis_field_cube"("event_class", "reach", "month");
CREATE INDEX "analysis_field_cube_event_class_event_type_month_idx" ON "analysis_field_cube"("event_class", "event_type", "month");
CREATE INDEX "analysis_field_cube_detection_reach_month_idx" ON "analysis_field_cube"("detection", "reach", "month");
CREATE INDEX "analysis_field_cube_detection_event_type_month_idx" ON "analysis_field_cube"("detection", "event_type", "month");
CREATE INDEX "analysis_field_cube_reach_event_type_month_idx" ON "analysis_field_cube"("reach", "event_type", "month");
