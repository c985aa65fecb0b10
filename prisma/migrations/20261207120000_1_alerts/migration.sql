-- CreateEnum
CREATE TYPE "alert_status" AS ENUM ('draft', 'approved');

-- CreateEnum
CREATE TYPE "delivery_channel" AS ENUM ('email', 'webhook');

-- CreateEnum
CREATE TYPE "delivery_status" AS ENUM ('pending', 'sent');

-- CreateTable
CREATE TABLE "alert" (
    "id" UUID NOT NULL,
    "status" "alert_status" NOT NULL DEFAULT 'draft',
    "hazard" TEXT NOT NULL,
    "themes" TEXT[],
    "step" TEXT NOT NULL,
    "regions" TEXT[],
    "report_id" UUID,
    "drafted_by" UUID NOT NULL,
    "approved_by" UUID,
    "drafted_on" DATE NOT NULL,
    "approved_on" DATE,

    CONSTRAINT "alert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_recipient" (
    "id" UUID NOT NULL,
    "region" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "created_on" DATE NOT NULL,

    CONSTRAINT "alert_recipient_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_webhook" (
    "id" UUID NOT NULL,
    "region" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "created_on" DATE NOT NULL,

    CONSTRAINT "alert_webhook_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_delivery" (
    "id" UUID NOT NULL,
    "alert_id" UUID NOT NULL,
    "channel" "delivery_channel" NOT NULL,
    "receiver_id" UUID NOT NULL,
    "status" "delivery_status" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL,
    "lease_until" TIMESTAMPTZ(3),
    "sent_at" TIMESTAMPTZ(3),

    CONSTRAINT "alert_delivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "alert_report_id_idx" ON "alert"("report_id");

-- CreateIndex
CREATE INDEX "alert_status_approved_on_idx" ON "alert"("status", "approved_on");

-- CreateIndex
CREATE UNIQUE INDEX "alert_recipient_region_email_key" ON "alert_recipient"("region", "email");

-- CreateIndex
CREATE INDEX "alert_delivery_status_next_attempt_at_idx" ON "alert_delivery"("status", "next_attempt_at");

-- CreateIndex
CREATE UNIQUE INDEX "alert_delivery_alert_id_channel_receiver_id_key" ON "alert_delivery"("alert_id", "channel", "receiver_id");

-- AddForeignKey
ALTER TABLE "alert_delivery" ADD CONSTRAINT "alert_delivery_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alert"("id") ON DELETE CASCADE ON UPDATE CASCADE;
