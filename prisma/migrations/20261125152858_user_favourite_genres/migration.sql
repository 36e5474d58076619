-- AlterTable
ALTER TABLE "User" ADD COLUMN     "favouriteGenres" TEXT[] DEFAULT ARRAY[]::TEXT[];
