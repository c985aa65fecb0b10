-- A publication no longer marks every report it counts (report.published_in): each report counted in analysis
-- carries the number of the publication it first became countable for, and publications are numbered in order.

-- AlterTable
ALTER TABLE "report" ADD COLUMN     "analysis_epoch" INTEGER;

-- Reports already published: the number of the publication that counted them.
WITH numbered AS (
  SELECT "quarter", row_number() OVER (ORDER BY "quarter")::int AS "epoch"
  FROM (SELECT DISTINCT "quarter" FROM "publication") AS quarters
)
UPDATE "report" r SET "analysis_epoch" = numbered."epoch"
FROM numbered WHERE r."published_in" = numbered."quarter";

-- Reports counted in analysis and not yet published: the next publication's number.
UPDATE "report" r SET "analysis_epoch" = (SELECT count(DISTINCT "quarter")::int + 1 FROM "publication")
WHERE r."analysis_epoch" IS NULL AND EXISTS (SELECT 1 FROM "analysis_report" f WHERE f."report_id" = r."id");

ALTER TABLE "report" DROP COLUMN "published_in";

-- DropIndex
DROP INDEX "analysis_report_published_in_month_idx";

-- AlterTable
ALTER TABLE "analysis_report" DROP COLUMN "published_in",
ADD COLUMN     "epoch" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "has_point" BOOLEAN NOT NULL DEFAULT false;

UPDATE "analysis_report" f SET "epoch" = r."analysis_epoch", "has_point" = (c."learning_point" <> '')
FROM "report" r, "coding" c WHERE r."id" = f."report_id" AND c."id" = f."coding_id";

ALTER TABLE "analysis_report" ALTER COLUMN "epoch" DROP DEFAULT,
ALTER COLUMN "has_point" DROP DEFAULT;

-- CreateIndex
CREATE INDEX "analysis_report_epoch_month_idx" ON "analysis_report"("epoch", "month");

-- CreateIndex
CREATE INDEX "analysis_report_consent_has_point_month_idx" ON "analysis_report"("consent", "has_point", "month");
