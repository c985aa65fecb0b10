-- CreateEnum
CREATE TYPE "report_status" AS ENUM ('new', 'in_review', 'coded', 'closed', 'withdrawn', 'merged');

-- CreateEnum
CREATE TYPE "event_class" AS ENUM ('near_miss', 'incident', 'unsafe_condition', 'good_catch');

-- CreateEnum
CREATE TYPE "detection" AS ENUM ('self', 'colleague', 'supervisor', 'other_agency', 'family', 'system_check', 'chance', 'not_caught');

-- CreateEnum
CREATE TYPE "setting" AS ENUM ('front_door', 'assessment', 'child_in_need', 'child_protection', 'children_in_care', 'leaving_care', 'out_of_hours', 'court', 'other');

-- CreateTable
CREATE TABLE "team_key" (
    "version" INTEGER NOT NULL,
    "public_key" BYTEA NOT NULL,
    "recovery_wrap" BYTEA NOT NULL,
    "created_on" DATE NOT NULL,

    CONSTRAINT "team_key_pkey" PRIMARY KEY ("version")
);

-- CreateTable
CREATE TABLE "report" (
    "id" UUID NOT NULL,
    "status" "report_status" NOT NULL DEFAULT 'new',
    "event_class" "event_class" NOT NULL,
    "detection" "detection" NOT NULL,
    "setting" "setting" NOT NULL,
    "region" TEXT NOT NULL,
    "occurred_month" DATE NOT NULL,
    "handover" BOOLEAN NOT NULL,
    "consent_to_publish" BOOLEAN NOT NULL,
    "received_on" DATE NOT NULL,
    "receipt_hash" BYTEA NOT NULL,
    "narrative_ciphertext" BYTEA NOT NULL,
    "narrative_sealed_key" BYTEA NOT NULL,
    "key_version" INTEGER NOT NULL,
    "cipher_version" INTEGER NOT NULL,

    CONSTRAINT "report_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_record" (
    "key_hash" BYTEA NOT NULL,
    "request_mac" BYTEA NOT NULL,
    "response" BYTEA NOT NULL,
    "created_on" DATE NOT NULL,

    CONSTRAINT "idempotency_record_pkey" PRIMARY KEY ("key_hash")
);

-- CreateIndex
CREATE UNIQUE INDEX "report_receipt_hash_key" ON "report"("receipt_hash");

-- CreateIndex
CREATE INDEX "report_status_received_on_idx" ON "report"("status", "received_on");

-- CreateIndex
CREATE INDEX "report_occurred_month_idx" ON "report"("occurred_month");

-- CreateIndex
CREATE INDEX "idempotency_record_created_on_idx" ON "idempotency_record"("created_on");
