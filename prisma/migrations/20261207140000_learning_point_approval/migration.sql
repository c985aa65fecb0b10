-- CreateTable
CREATE TABLE "learning_point_approval" (
    "coding_id" UUID NOT NULL,
    "approver_id" UUID NOT NULL,
    "text_hash" TEXT NOT NULL,
    "approved_on" DATE NOT NULL,

    CONSTRAINT "learning_point_approval_pkey" PRIMARY KEY ("coding_id","approver_id")
);

-- AddForeignKey
ALTER TABLE "learning_point_approval" ADD CONSTRAINT "learning_point_approval_coding_id_fkey" FOREIGN KEY ("coding_id") REFERENCES "coding"("id") ON DELETE CASCADE ON UPDATE CASCADE;
