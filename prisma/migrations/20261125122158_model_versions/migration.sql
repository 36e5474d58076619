-- CreateEnum
CREATE TYPE "ModelStatus" AS ENUM ('QUEUED', 'TRAINING', 'ACTIVE', 'READY', 'REJECTED', 'FAILED', 'ARCHIVED');

-- CreateEnum
CREATE TYPE "ImportStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED');

-- CreateTable
CREATE TABLE "ModelVersion" (
    "id" SERIAL NOT NULL,
    "algorithm" TEXT NOT NULL,
    "params" JSONB NOT NULL,
    "status" "ModelStatus" NOT NULL DEFAULT 'QUEUED',
    "isActive" BOOLEAN NOT NULL DEFAULT false,
    "trigger" TEXT NOT NULL,
    "phase" TEXT,
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "dataCounts" JSONB,
    "metrics" JSONB,
    "timings" JSONB,
    "reason" TEXT,
    "jobId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "activatedAt" TIMESTAMP(3),

    CONSTRAINT "ModelVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ModelArtifact" (
    "modelVersionId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "dtype" TEXT NOT NULL,
    "length" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,

    CONSTRAINT "ModelArtifact_pkey" PRIMARY KEY ("modelVersionId","name")
);

-- CreateTable
CREATE TABLE "CatalogueImport" (
    "id" SERIAL NOT NULL,
    "status" "ImportStatus" NOT NULL DEFAULT 'QUEUED',
    "dataDir" TEXT,
    "phase" TEXT,
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "report" JSONB,
    "error" TEXT,
    "requestedBy" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "CatalogueImport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ModelVersion_status_idx" ON "ModelVersion"("status");

-- CreateIndex
CREATE INDEX "ModelVersion_createdAt_idx" ON "ModelVersion"("createdAt" DESC);

-- CreateIndex
CREATE INDEX "CatalogueImport_createdAt_idx" ON "CatalogueImport"("createdAt" DESC);

-- AddForeignKey
ALTER TABLE "ModelArtifact" ADD CONSTRAINT "ModelArtifact_modelVersionId_fkey" FOREIGN KEY ("modelVersionId") REFERENCES "ModelVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- At most one active model version; activation swaps it in one transaction.
CREATE UNIQUE INDEX "ModelVersion_one_active" ON "ModelVersion" ("isActive") WHERE "isActive";
