-- One import job per member at a time (queued or running). Apart from the migration adding APPLYING: PostgreSQL
-- refuses a new enum value in the transaction that added it.
CREATE UNIQUE INDEX "MemberImport_one_job_per_member" ON "MemberImport" ("userId") WHERE status = 'APPLYING';
