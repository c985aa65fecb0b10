-- Issue 15: every question of the analysis API with up to two filters, and a publication's late reports, answered
-- from rollups that grow with the number of distinct cells, not with the number of reports.

-- Whether the report is still open (new, in review or coded): a lead may still code it blind, so a lead's answers
-- leave it out unless the lead coded it (issue 17.9). Kept on the record and, as n_open, beside every rollup count.
ALTER TABLE "analysis_report" ADD COLUMN "open" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "analysis_code" ADD COLUMN "open" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "analysis_rollup" ADD COLUMN "n_open" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "analysis_cross_rollup" ADD COLUMN "n_open" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "analysis_pair_rollup" ADD COLUMN "n_open" INTEGER NOT NULL DEFAULT 0;

-- Grouped by one field, under one value of each of two other fields (b < c).
CREATE TABLE "analysis_field_cross2" (
    "dim_a" TEXT NOT NULL,
    "dim_b" TEXT NOT NULL,
    "value_b" TEXT NOT NULL,
    "dim_c" TEXT NOT NULL,
    "value_c" TEXT NOT NULL,
    "month" DATE NOT NULL,
    "value_a" TEXT NOT NULL,
    "n" INTEGER NOT NULL,
    "n_open" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "analysis_field_cross2_pkey" PRIMARY KEY ("dim_a","dim_b","value_b","dim_c","value_c","month","value_a")
);

-- Codes (a level, in a role) by one value of each of two fields (dim_1 < dim_2).
CREATE TABLE "analysis_code_fields" (
    "dim_1" TEXT NOT NULL,
    "dim_2" TEXT NOT NULL,
    "value_1" TEXT NOT NULL,
    "value_2" TEXT NOT NULL,
    "level" SMALLINT NOT NULL,
    "role" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "month" DATE NOT NULL,
    "n" INTEGER NOT NULL,
    "n_open" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "analysis_code_fields_pkey" PRIMARY KEY ("dim_1","dim_2","value_1","value_2","level","role","month","code")
);
CREATE INDEX "analysis_code_fields_code_idx" ON "analysis_code_fields"("level", "role", "code", "dim_1", "dim_2", "month");

-- Codes (a level, in a role) on reports that carry another code (any level, the same role).
CREATE TABLE "analysis_code_cross" (
    "role" TEXT NOT NULL,
    "level_b" SMALLINT NOT NULL,
    "code_b" TEXT NOT NULL,
    "level_a" SMALLINT NOT NULL,
    "month" DATE NOT NULL,
    "code_a" TEXT NOT NULL,
    "n" INTEGER NOT NULL,
    "n_open" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "analysis_code_cross_pkey" PRIMARY KEY ("role","level_b","code_b","level_a","month","code_a")
);

-- A publication's late reports (about quarters already published) by publication number, month and region.
CREATE TABLE "analysis_epoch_rollup" (
    "epoch" INTEGER NOT NULL,
    "month" DATE NOT NULL,
    "region" TEXT NOT NULL,
    "cut" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "n" INTEGER NOT NULL,

    CONSTRAINT "analysis_epoch_rollup_pkey" PRIMARY KEY ("epoch","month","region","cut","value")
);

-- A lead's own codings, to find the open reports a lead has coded (and may read) without scanning every coding.
CREATE INDEX "coding_coder_id_report_id_idx" ON "coding"("coder_id", "report_id");
