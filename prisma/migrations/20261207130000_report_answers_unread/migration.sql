-- AlterTable
ALTER TABLE "report" ADD COLUMN     "answers_unread" BOOLEAN NOT NULL DEFAULT false;
