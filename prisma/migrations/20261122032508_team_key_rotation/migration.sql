-- AlterTable
ALTER TABLE "report" ADD COLUMN     "sealed_to_version" INTEGER;

-- AlterTable
ALTER TABLE "report_message" ADD COLUMN     "sealed_to_version" INTEGER;
