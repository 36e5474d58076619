-- CreateEnum
CREATE TYPE "PendingImportKind" AS ENUM ('WATCH', 'LIKE');

-- CreateEnum
CREATE TYPE "MemberImportStatus" AS ENUM ('PREVIEW', 'APPLIED');

-- CreateTable
CREATE TABLE "MovieList" (
    "id" SERIAL NOT NULL,
    "userId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "isPublic" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MovieList_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MovieListItem" (
    "listId" INTEGER NOT NULL,
    "movieId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "note" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MovieListItem_pkey" PRIMARY KEY ("listId","movieId")
);

-- CreateTable
CREATE TABLE "PendingImportItem" (
    "id" SERIAL NOT NULL,
    "userId" INTEGER NOT NULL,
    "kind" "PendingImportKind" NOT NULL,
    "movieId" INTEGER NOT NULL,
    "date" DATE NOT NULL,
    "rewatch" BOOLEAN NOT NULL DEFAULT false,
    "rating" REAL,
    "source" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PendingImportItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MemberImport" (
    "id" SERIAL NOT NULL,
    "userId" INTEGER NOT NULL,
    "status" "MemberImportStatus" NOT NULL DEFAULT 'PREVIEW',
    "source" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "summary" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "appliedAt" TIMESTAMP(3),

    CONSTRAINT "MemberImport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "MovieList_userId_updatedAt_idx" ON "MovieList"("userId", "updatedAt" DESC);

-- CreateIndex
CREATE INDEX "MovieListItem_listId_position_idx" ON "MovieListItem"("listId", "position");

-- CreateIndex
CREATE INDEX "MovieListItem_movieId_idx" ON "MovieListItem"("movieId");

-- CreateIndex
CREATE INDEX "PendingImportItem_movieId_idx" ON "PendingImportItem"("movieId");

-- CreateIndex
CREATE UNIQUE INDEX "PendingImportItem_userId_kind_movieId_date_key" ON "PendingImportItem"("userId", "kind", "movieId", "date");

-- CreateIndex
CREATE INDEX "MemberImport_userId_createdAt_idx" ON "MemberImport"("userId", "createdAt" DESC);

-- AddForeignKey
ALTER TABLE "MovieList" ADD CONSTRAINT "MovieList_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MovieListItem" ADD CONSTRAINT "MovieListItem_listId_fkey" FOREIGN KEY ("listId") REFERENCES "MovieList"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MovieListItem" ADD CONSTRAINT "MovieListItem_movieId_fkey" FOREIGN KEY ("movieId") REFERENCES "Movie"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PendingImportItem" ADD CONSTRAINT "PendingImportItem_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PendingImportItem" ADD CONSTRAINT "PendingImportItem_movieId_fkey" FOREIGN KEY ("movieId") REFERENCES "Movie"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MemberImport" ADD CONSTRAINT "MemberImport_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
