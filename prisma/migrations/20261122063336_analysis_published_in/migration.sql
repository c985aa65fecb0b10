-- AlterTable
ALTER TABLE "analysis_report" ADD COLUMN     "published_in" TEXT;

-- CreateIndex
CREATE INDEX "analysis_report_published_in_month_idx" ON "analysis_report"("published_in", "month");

-- The copy starts equal to the original.
UPDATE "analysis_report" f SET "published_in" = r."published_in"
FROM "report" r WHERE r."id" = f."report_id" AND r."published_in" IS NOT NULL;
