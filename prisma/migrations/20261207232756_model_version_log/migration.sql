-- CreateTable
CREATE TABLE "ModelVersionLog" (
    "modelVersionId" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "level" TEXT NOT NULL,
    "message" TEXT NOT NULL,

    CONSTRAINT "ModelVersionLog_pkey" PRIMARY KEY ("modelVersionId","seq")
);

-- AddForeignKey
ALTER TABLE "ModelVersionLog" ADD CONSTRAINT "ModelVersionLog_modelVersionId_fkey" FOREIGN KEY ("modelVersionId") REFERENCES "ModelVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;
