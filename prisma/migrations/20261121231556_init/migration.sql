-- CreateTable
CREATE TABLE "app_setting" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_on" DATE NOT NULL,

    CONSTRAINT "app_setting_pkey" PRIMARY KEY ("key")
);
