-- DropForeignKey
ALTER TABLE "PendingImportItem" DROP CONSTRAINT "PendingImportItem_userId_fkey";

-- DropForeignKey
ALTER TABLE "PendingImportItem" DROP CONSTRAINT "PendingImportItem_movieId_fkey";

-- DropTable
DROP TABLE "PendingImportItem";

-- DropEnum
DROP TYPE "PendingImportKind";
