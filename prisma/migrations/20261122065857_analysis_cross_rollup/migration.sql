-- CreateTable
CREATE TABLE "analysis_cross_rollup" (
    "dim_a" TEXT NOT NULL,
    "role_a" TEXT NOT NULL,
    "value_a" TEXT NOT NULL,
    "dim_b" TEXT NOT NULL,
    "role_b" TEXT NOT NULL,
    "value_b" TEXT NOT NULL,
    "month" DATE NOT NULL,
    "n" INTEGER NOT NULL,

    CONSTRAINT "analysis_cross_rollup_pkey" PRIMARY KEY ("dim_a","role_a","dim_b","role_b","value_b","month","value_a")
);
