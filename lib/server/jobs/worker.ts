import 'server-only';
import { env } from '@/lib/env';
import { failStaleTraining } from '../data/models';
import { failStaleImports } from '../data/imports';
import { getBoss, IMPORT_QUEUE, RECOMPUTE_QUEUE, stopBoss, type ImportJob, type RecomputeJob } from './queue';
import { handleRecompute } from './recompute-model';
import { handleImport } from './import-catalogue-handler';
import { recoverInterruptedReloads } from '../services/catalogue-import';

/** The one worker entry point: registers every handler and the nightly schedule. */
export async function startWorker(log: (line: string) => void = console.log): Promise<() => Promise<void>> {
  // Rows left running by a killed worker: fail them so the admin sees it; pg-boss retries the job itself.
  const stale = await failStaleTraining('the worker stopped while this version was training');
  // A reload killed during its switch is rolled back from its stage before anything else runs.
  const recovered = await recoverInterruptedReloads(log);
  await failStaleImports(
    recovered.length ? 'the worker stopped during this job; the previous catalogue was restored' : 'the worker stopped while this job was running',
  );
  if (stale) log(`[worker] marked ${stale} interrupted training run(s) as failed`);
  const boss = await getBoss(3);
  await boss.work<RecomputeJob>(RECOMPUTE_QUEUE, { batchSize: 1, pollingIntervalSeconds: 2 }, handleRecompute);
  await boss.work<ImportJob>(IMPORT_QUEUE, { batchSize: 1, pollingIntervalSeconds: 2 }, handleImport);
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  await boss.schedule(RECOMPUTE_QUEUE, env.MODEL_CRON, { trigger: 'nightly' } satisfies RecomputeJob, { tz });
  log(`[worker] ready: nightly recompute at "${env.MODEL_CRON}" (${tz})`);
  return stopBoss;
}
