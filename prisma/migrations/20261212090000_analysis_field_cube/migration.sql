-- Issue 15: questions with three or more field filters read the field cube (reports per month by every coded field
-- at once: its rows are the distinct cells, not the reports), through one index per field.
CREATE TABLE "analysis_field_cube" (
    "month" DATE NOT NULL,
    "region" TEXT NOT NULL,
    "setting" TEXT NOT NULL,
    "event_class" TEXT NOT NULL,
    "detection" TEXT NOT NULL,
    "reach" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "n" INTEGER NOT NULL,
    "n_open" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "analysis_field_cube_pkey" PRIMARY KEY ("month","region","setting","event_class","detection","reach","event_type")
);

-- Filled from the analysis record already there, so an upgrade needs no rebuild (rollups.ts defines the same rows).
INSERT INTO "analysis_field_cube" ("month", "region", "setting", "event_class", "detection", "reach", "event_type", "n", "n_open")
SELECT "month", "region", "setting", "event_class", "detection", "reach", "event_type", count(*)::int,
    (count(*) FILTER (WHERE "open"))::int
FROM "analysis_report"
GROUP BY "month", "region", "setting", "event_class", "detection", "reach", "event_type";

CREATE INDEX "analysis_field_cube_region_month_idx" ON "analysis_field_cube"("region", "month");
CREATE INDEX "analysis_field_cube_setting_month_idx" ON "analysis_field_cube"("setting", "month");
CREATE INDEX "analysis_field_cube_event_class_month_idx" ON "analysis_field_cube"("event_class", "month");
CREATE INDEX "analysis_field_cube_detection_month_idx" ON "analysis_field_cube"("detection", "month");
CREATE INDEX "analysis_field_cube_reach_month_idx" ON "analysis_field_cube"("reach", "month");
CREATE INDEX "analysis_field_cube_event_type_month_idx" ON "analysis_field_cube"("event_type", "month");
