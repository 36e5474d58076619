-- CreateTable
CREATE TABLE "CatalogueReject" (
    "importId" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,
    "file" TEXT NOT NULL,
    "line" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,

    CONSTRAINT "CatalogueReject_pkey" PRIMARY KEY ("importId","seq")
);

-- AddForeignKey
ALTER TABLE "CatalogueReject" ADD CONSTRAINT "CatalogueReject_importId_fkey" FOREIGN KEY ("importId") REFERENCES "CatalogueImport"("id") ON DELETE CASCADE ON UPDATE CASCADE;
