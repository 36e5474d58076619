-- AlterEnum
ALTER TYPE "MemberImportStatus" ADD VALUE 'APPLYING';

-- AlterTable
ALTER TABLE "MemberImport" ADD COLUMN     "choices" JSONB,
ADD COLUMN     "error" TEXT,
ADD COLUMN     "jobEndedAt" TIMESTAMP(3),
ADD COLUMN     "jobQueuedAt" TIMESTAMP(3),
ADD COLUMN     "jobStartedAt" TIMESTAMP(3),
ADD COLUMN     "phase" TEXT,
ADD COLUMN     "rowsDone" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "rowsTotal" INTEGER NOT NULL DEFAULT 0;
