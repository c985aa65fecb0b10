-- R26: API keys expire (within 12 months) and are stored as HMAC-SHA-256 under a pepper derived from the server
-- secret instead of a plain SHA-256.
--
-- Keys made before this migration can never match again (only the SHA-256 of each is stored, not the key, so it
-- cannot be re-hashed), and some were for several regions: they are revoked today, so that list-api-keys shows
-- them as revoked and the regional groups are issued new keys. Their expiry is set to 365 days after creation only
-- because the column may not be empty.

-- AlterTable
ALTER TABLE "api_key" ADD COLUMN     "expires_on" DATE;

UPDATE "api_key" SET "expires_on" = "created_on" + 365, "revoked_on" = COALESCE("revoked_on", (now() AT TIME ZONE 'UTC')::date);

ALTER TABLE "api_key" ALTER COLUMN "expires_on" SET NOT NULL;
