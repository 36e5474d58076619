import 'server-only';
import { env } from '@/lib/env';
import { WORKER_HEARTBEAT_MS } from '@/lib/validation/worker-status';
import { failStaleTraining } from '../data/models';
import { failStaleImports, listActiveImportDirs } from '../data/imports';
import { sweepCatalogueFolders } from '../services/catalogue-sources';
import { beatWorker, listActiveQueueJobIds, markWorkerStopped } from '../data/worker-heartbeat';
import { failStaleImportJobs } from '../data/member-imports';
import {
  getBoss,
  IMPORT_QUEUE,
  MEMBER_IMPORT_QUEUE,
  RECOMPUTE_QUEUE,
  stopBoss,
  type ImportJob,
  type MemberImportJob,
  type RecomputeJob,
} from './queue';
import { handleMemberImport } from './member-import';
import { handleRecompute } from './recompute-model';
import { handleImport } from './import-catalogue-handler';
import { recoverInterruptedReloads } from '../services/catalogue-import';

/**
 * Jobs a dead worker left "active" in the queue: failed now, so pg-boss retries them (retryLimit) instead of waiting
 * for their expiry (15 min by default). One worker process runs at a time (npm start supervises it), so at start-up
 * every active job of our queues belonged to a worker that is gone.
 */
async function failOrphanedJobs(log: (line: string) => void): Promise<number> {
  const boss = await getBoss(3);
  let count = 0;
  for (const queue of [RECOMPUTE_QUEUE, IMPORT_QUEUE, MEMBER_IMPORT_QUEUE]) {
    const ids = await listActiveQueueJobIds(queue);
    for (const id of ids) await boss.fail(queue, id, { reason: 'the worker running this job stopped' });
    count += ids.length;
  }
  if (count) log(`[worker] ${count} job(s) left running by a stopped worker failed; the queue retries them`);
  return count;
}

/** The one worker entry point: heartbeat, recovery of a dead worker's jobs, every handler and the nightly schedule. */
export async function startWorker(log: (line: string) => void = console.log): Promise<() => Promise<void>> {
  const startedAt = new Date();
  await beatWorker(startedAt);
  const beat = setInterval(() => {
    beatWorker(startedAt).catch((err: unknown) =>
      console.error('[worker] heartbeat failed:', err instanceof Error ? err.message : err),
    );
  }, WORKER_HEARTBEAT_MS);
  // Rows left running by a killed worker: fail them so the admin sees it; the queue retries the job itself.
  const stale = await failStaleTraining('the worker stopped while this version was training');
  // A reload killed during its switch is rolled back from its stage before anything else runs.
  const recovered = await recoverInterruptedReloads(log);
  await failStaleImports(
    recovered.length
      ? 'the worker stopped during this job; the previous catalogue was restored'
      : 'the worker stopped while this job was running',
  );
  if (stale) log(`[worker] marked ${stale} interrupted training run(s) as failed`);
  // A member's import killed mid-write was rolled back by the database: its preview is confirmable again.
  const staleMember = await failStaleImportJobs(
    'The import stopped before it finished (the server restarted); nothing was written. Confirm it again.',
  );
  if (staleMember) log(`[worker] ${staleMember} interrupted member import(s) failed; nothing was written`);
  // Uploaded or downloaded catalogues nothing will use any more (never applied, or left by a stopped worker).
  const swept = sweepCatalogueFolders({
    maxAgeMs: env.CATALOGUE_UPLOAD_MAX_AGE_HOURS * 3_600_000,
    keep: await listActiveImportDirs(),
  });
  if (swept.length)
    log(`[worker] removed ${swept.length} catalogue upload(s) older than ${env.CATALOGUE_UPLOAD_MAX_AGE_HOURS} h`);
  await failOrphanedJobs(log);
  const boss = await getBoss(3);
  await boss.work<RecomputeJob>(RECOMPUTE_QUEUE, { batchSize: 1, pollingIntervalSeconds: 2 }, handleRecompute);
  await boss.work<ImportJob>(IMPORT_QUEUE, { batchSize: 1, pollingIntervalSeconds: 2 }, handleImport);
  // One import at a time across members too: on the embedded database each holds the one transaction while it writes.
  await boss.work<MemberImportJob>(
    MEMBER_IMPORT_QUEUE,
    { batchSize: 1, pollingIntervalSeconds: 1 },
    handleMemberImport,
  );
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  await boss.schedule(RECOMPUTE_QUEUE, env.MODEL_CRON, { trigger: 'nightly' } satisfies RecomputeJob, { tz });
  log(`[worker] ready: nightly recompute at "${env.MODEL_CRON}" (${tz})`);
  return async () => {
    clearInterval(beat);
    await stopBoss();
    await markWorkerStopped().catch(() => {});
  };
}
