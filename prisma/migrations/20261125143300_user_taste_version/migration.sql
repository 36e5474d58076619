-- AlterTable
ALTER TABLE "User" ADD COLUMN     "tasteVersion" INTEGER NOT NULL DEFAULT 0;
