import 'server-only';
import type PgBoss from 'pg-boss';
import { recomputeModel, SERVING_ALGORITHM } from '../services/model-training';
import { createModelVersion, getVersionStatus } from '../data/models';
import { DEFAULT_SERVING } from '@/lib/recommender/serving';
import { getWorkerStatus } from '../data/worker-heartbeat';
import { AppError } from '../errors';
import { getBoss, RECOMPUTE_QUEUE, type RecomputeJob } from './queue';

/**
 * Queues a recompute; the QUEUED version row is visible to the admin at once. An admin's request is refused while
 * no worker is alive (it would sit in the queue with nothing to run it).
 */
export async function enqueueRecompute(trigger: RecomputeJob['trigger']): Promise<number> {
  if (trigger === 'admin') {
    const worker = await getWorkerStatus();
    if (!worker.alive) {
      const since = worker.lastSeenAt ? ` (last seen ${worker.lastSeenAt.replace('T', ' ').slice(0, 19)} UTC)` : '';
      throw new AppError(
        'CONFLICT',
        `The background worker is not running${since}, so nothing could train a model. npm start restarts it; try again in a minute.`,
      );
    }
  }
  const versionId = await createModelVersion({ algorithm: SERVING_ALGORITHM, params: DEFAULT_SERVING, trigger });
  const boss = await getBoss();
  await boss.send(RECOMPUTE_QUEUE, { trigger, versionId } satisfies RecomputeJob, { retryLimit: 1, retryDelay: 30 });
  return versionId;
}

/** Queue handler: a nightly (cron) job has no version row yet, an admin one does. */
export async function handleRecompute(jobs: PgBoss.Job<RecomputeJob>[]): Promise<void> {
  for (const job of jobs) {
    const { trigger, versionId } = job.data;
    // A retry of a failed attempt trains a fresh version row so the failed one keeps its reason.
    const retry = versionId !== undefined && job.id !== undefined && (await isRetry(versionId));
    const result = await recomputeModel({ trigger, versionId: retry ? undefined : versionId, jobId: job.id });
    console.log(
      `[worker] model version ${result.versionId} ${result.activated ? 'activated' : `kept inactive: ${result.reason}`} ` +
        `(NDCG@10 ${result.metrics['ndcg@10']?.toFixed(4)})`,
    );
  }
}

async function isRetry(versionId: number): Promise<boolean> {
  return (await getVersionStatus(versionId)) !== 'QUEUED';
}
