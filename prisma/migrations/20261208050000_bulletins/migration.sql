-- CreateEnum
CREATE TYPE "bulletin_status" AS ENUM ('draft', 'approved');

-- CreateTable
CREATE TABLE "bulletin" (
    "id" UUID NOT NULL,
    "quarter" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "status" "bulletin_status" NOT NULL DEFAULT 'draft',
    "content" TEXT NOT NULL,
    "drafted_by" UUID NOT NULL,
    "drafted_on" DATE NOT NULL,
    "approved_on" DATE,
    "json" TEXT,
    "html" TEXT,
    "pdf" BYTEA,

    CONSTRAINT "bulletin_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bulletin_approval" (
    "bulletin_id" UUID NOT NULL,
    "approver_id" UUID NOT NULL,
    "content_hash" TEXT NOT NULL,
    "approved_on" DATE NOT NULL,

    CONSTRAINT "bulletin_approval_pkey" PRIMARY KEY ("bulletin_id","approver_id")
);

-- CreateIndex
CREATE INDEX "bulletin_status_approved_on_idx" ON "bulletin"("status", "approved_on");

-- CreateIndex
CREATE UNIQUE INDEX "bulletin_quarter_scope_key" ON "bulletin"("quarter", "scope");

-- AddForeignKey
ALTER TABLE "bulletin_approval" ADD CONSTRAINT "bulletin_approval_bulletin_id_fkey" FOREIGN KEY ("bulletin_id") REFERENCES "bulletin"("id") ON DELETE CASCADE ON UPDATE CASCADE;
