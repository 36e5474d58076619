-- CreateTable
CREATE TABLE "RateSkip" (
    "userId" INTEGER NOT NULL,
    "movieId" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RateSkip_pkey" PRIMARY KEY ("userId","movieId")
);

-- CreateIndex
CREATE INDEX "RateSkip_movieId_idx" ON "RateSkip"("movieId");

-- AddForeignKey
ALTER TABLE "RateSkip" ADD CONSTRAINT "RateSkip_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RateSkip" ADD CONSTRAINT "RateSkip_movieId_fkey" FOREIGN KEY ("movieId") REFERENCES "Movie"("id") ON DELETE CASCADE ON UPDATE CASCADE;
