-- Issue 17.6: reports are held here until a scheduled flush moves them into "report" in one transaction, in random
-- order, and empties this table with TRUNCATE; a copy of the database then cannot order a report's arrival within
-- its batch window (see src/modules/reports/intake-batch.ts and docs/keys.md).
CREATE TABLE "report_held" (
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
    "narrative_ciphertext" BYTEA,
    "narrative_sealed_key" BYTEA,
    "key_version" INTEGER NOT NULL,
    "sealed_to_version" INTEGER,
    "cipher_version" INTEGER NOT NULL,
    "reporter_public_key" BYTEA,
    "closed_on" DATE,
    "destroyed_on" DATE,
    "idempotency_key_hash" BYTEA,
    "idempotency_request_mac" BYTEA,
    "idempotency_response" BYTEA,
    "idempotency_created_on" DATE,

    CONSTRAINT "report_held_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "report_held_receipt_hash_key" ON "report_held"("receipt_hash");

CREATE UNIQUE INDEX "report_held_idempotency_key_hash_key" ON "report_held"("idempotency_key_hash");
