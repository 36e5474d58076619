-- CreateTable
CREATE TABLE "Watch" (
    "id" SERIAL NOT NULL,
    "userId" INTEGER NOT NULL,
    "movieId" INTEGER NOT NULL,
    "watchedOn" DATE NOT NULL,
    "rewatch" BOOLEAN NOT NULL DEFAULT false,
    "rating" REAL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Watch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Like" (
    "userId" INTEGER NOT NULL,
    "movieId" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Like_pkey" PRIMARY KEY ("userId","movieId")
);

-- CreateIndex
CREATE INDEX "Watch_userId_watchedOn_id_idx" ON "Watch"("userId", "watchedOn" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Watch_userId_movieId_idx" ON "Watch"("userId", "movieId");

-- CreateIndex
CREATE INDEX "Watch_movieId_idx" ON "Watch"("movieId");

-- CreateIndex
CREATE INDEX "Like_userId_createdAt_idx" ON "Like"("userId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "Like_movieId_idx" ON "Like"("movieId");

-- AddForeignKey
ALTER TABLE "Watch" ADD CONSTRAINT "Watch_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Watch" ADD CONSTRAINT "Watch_movieId_fkey" FOREIGN KEY ("movieId") REFERENCES "Movie"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Like" ADD CONSTRAINT "Like_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Like" ADD CONSTRAINT "Like_movieId_fkey" FOREIGN KEY ("movieId") REFERENCES "Movie"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A diary rating is a half-star value like Rating's.
ALTER TABLE "Watch" ADD CONSTRAINT "Watch_rating_half_stars" CHECK ("rating" IS NULL OR ("rating" >= 0.5 AND "rating" <= 5 AND "rating" * 2 = floor("rating" * 2)));
-- Cinema starts in the 1870s (Muybridge's motion studies, 1878). The upper bound allows for the member's time zone
-- being up to a day ahead of UTC; the server action applies the exact "not after the member's today" rule.
ALTER TABLE "Watch" ADD CONSTRAINT "Watch_watchedOn_range" CHECK ("watchedOn" >= DATE '1870-01-01' AND "watchedOn" <= CURRENT_DATE + 1);
