-- CreateEnum
CREATE TYPE "action_status" AS ENUM ('proposed', 'agreed', 'in_progress', 'done', 'dropped');

-- CreateTable
CREATE TABLE "action" (
    "id" UUID NOT NULL,
    "description" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "themes" TEXT[],
    "due_on" DATE NOT NULL,
    "status" "action_status" NOT NULL DEFAULT 'proposed',
    "outcome" TEXT NOT NULL DEFAULT '',
    "reason" TEXT NOT NULL DEFAULT '',
    "created_by" UUID NOT NULL,
    "created_on" DATE NOT NULL,
    "updated_on" DATE NOT NULL,
    "done_on" DATE,

    CONSTRAINT "action_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "action_report" (
    "action_id" UUID NOT NULL,
    "report_id" UUID NOT NULL,

    CONSTRAINT "action_report_pkey" PRIMARY KEY ("action_id","report_id")
);

-- CreateIndex
CREATE INDEX "action_status_due_on_idx" ON "action"("status", "due_on");

-- CreateIndex
CREATE INDEX "action_report_report_id_idx" ON "action_report"("report_id");

-- AddForeignKey
ALTER TABLE "action_report" ADD CONSTRAINT "action_report_action_id_fkey" FOREIGN KEY ("action_id") REFERENCES "action"("id") ON DELETE CASCADE ON UPDATE CASCADE;
