-- AlterTable
ALTER TABLE "coding" ADD COLUMN     "learning_point" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "report" ADD COLUMN     "published_in" TEXT;

-- CreateTable
CREATE TABLE "analysis_report" (
    "report_id" UUID NOT NULL,
    "coding_id" UUID NOT NULL,
    "month" DATE NOT NULL,
    "region" TEXT NOT NULL,
    "event_class" TEXT NOT NULL,
    "setting" TEXT NOT NULL,
    "detection" TEXT NOT NULL,
    "reach" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "handover" BOOLEAN NOT NULL,
    "consent" BOOLEAN NOT NULL,

    CONSTRAINT "analysis_report_pkey" PRIMARY KEY ("report_id")
);

-- CreateTable
CREATE TABLE "analysis_code" (
    "report_id" UUID NOT NULL,
    "level" SMALLINT NOT NULL,
    "code" TEXT NOT NULL,
    "contributing" BOOLEAN NOT NULL,
    "mitigating" BOOLEAN NOT NULL,
    "month" DATE NOT NULL,
    "region" TEXT NOT NULL,
    "event_class" TEXT NOT NULL,
    "setting" TEXT NOT NULL,
    "detection" TEXT NOT NULL,
    "reach" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,

    CONSTRAINT "analysis_code_pkey" PRIMARY KEY ("report_id","level","code")
);

-- CreateTable
CREATE TABLE "analysis_rollup" (
    "dim" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "month" DATE NOT NULL,
    "value" TEXT NOT NULL,
    "n" INTEGER NOT NULL,

    CONSTRAINT "analysis_rollup_pkey" PRIMARY KEY ("dim","role","month","value")
);

-- CreateTable
CREATE TABLE "analysis_pair_rollup" (
    "level" SMALLINT NOT NULL,
    "month" DATE NOT NULL,
    "code_a" TEXT NOT NULL,
    "code_b" TEXT NOT NULL,
    "n" INTEGER NOT NULL,

    CONSTRAINT "analysis_pair_rollup_pkey" PRIMARY KEY ("level","month","code_a","code_b")
);

-- CreateTable
CREATE TABLE "api_key" (
    "id" UUID NOT NULL,
    "prefix" TEXT NOT NULL,
    "key_hash" BYTEA NOT NULL,
    "label" TEXT NOT NULL,
    "regions" TEXT[],
    "created_on" DATE NOT NULL,
    "revoked_on" DATE,

    CONSTRAINT "api_key_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "publication" (
    "quarter" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "published_on" DATE NOT NULL,
    "json" TEXT NOT NULL,
    "csv" TEXT NOT NULL,

    CONSTRAINT "publication_pkey" PRIMARY KEY ("quarter","region")
);

-- CreateIndex
CREATE INDEX "analysis_report_month_idx" ON "analysis_report"("month");

-- CreateIndex
CREATE INDEX "analysis_code_level_code_month_idx" ON "analysis_code"("level", "code", "month");

-- CreateIndex
CREATE INDEX "analysis_code_level_month_idx" ON "analysis_code"("level", "month");

-- CreateIndex
CREATE UNIQUE INDEX "api_key_prefix_key" ON "api_key"("prefix");

-- CreateIndex
CREATE UNIQUE INDEX "api_key_key_hash_key" ON "api_key"("key_hash");
