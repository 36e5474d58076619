-- AlterTable
ALTER TABLE "Movie" ADD COLUMN     "originalTitle" TEXT;
