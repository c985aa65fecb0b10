-- Issue 17.5: reviewers' summaries and learning points are sealed to the team key. SQL holds no key, so the existing
-- plaintext moves to unsealed_* columns that the next start (or `admin reseal`) seals with the team PUBLIC key and
-- empties; learning_point then holds only approved points (restored by that same step).
ALTER TABLE "coding" RENAME COLUMN "summary" TO "unsealed_summary";
ALTER TABLE "coding" ALTER COLUMN "unsealed_summary" DROP NOT NULL;
ALTER TABLE "coding" ADD COLUMN "unsealed_learning_point" TEXT,
ADD COLUMN "has_point" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "summary_sealed" BYTEA,
ADD COLUMN "learning_point_sealed" BYTEA,
ADD COLUMN "sealed_key" BYTEA,
ADD COLUMN "key_version" INTEGER,
ADD COLUMN "sealed_to_version" INTEGER;

UPDATE "coding" SET
  "unsealed_learning_point" = NULLIF("learning_point", ''),
  "unsealed_summary" = NULLIF("unsealed_summary", ''),
  "has_point" = "learning_point" <> '',
  "learning_point" = '';
