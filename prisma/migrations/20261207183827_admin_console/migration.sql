-- AlterEnum
ALTER TYPE "ImportStatus" ADD VALUE 'CANCELLED';

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "disabledAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "CatalogueImport" ADD COLUMN     "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'APPLY',
ADD COLUMN     "maxRejectShare" DOUBLE PRECISION NOT NULL DEFAULT 0.01,
ADD COLUMN     "phaseStartedAt" TIMESTAMP(3),
ADD COLUMN     "previewId" INTEGER,
ADD COLUMN     "rowsDone" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "rowsTotal" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "source" JSONB,
ADD COLUMN     "startedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "CatalogueFingerprint" (
    "movieId" INTEGER NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "CatalogueFingerprint_pkey" PRIMARY KEY ("movieId")
);

-- One catalogue job (dry run or apply) at a time: a second request while one is queued or running fails with P2002.
CREATE UNIQUE INDEX "CatalogueImport_one_active" ON "CatalogueImport" ((true)) WHERE status IN ('QUEUED', 'RUNNING');
