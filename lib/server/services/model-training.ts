import 'server-only';
import { buildRatingMatrix } from '@/lib/recommender/sparse';
import { db } from '../db';
import { buildContentDocs } from '@/lib/recommender/hybrid-content-docs';
import { trainServingModel, DEFAULT_SERVING, type ExternalFactors } from '@/lib/recommender/serving';
import { serializeModel } from '@/lib/recommender/serialize';
import { env } from '@/lib/env';
import {
  activateVersion,
  createModelVersion,
  getActiveVersion,
  markFailed,
  markTraining,
  pruneVersions,
  rejectVersion,
  saveTrainedVersion,
  setProgress,
  snapshotRatings,
} from '../data/models';
import { loadContentSources } from '../data/content';
import { refreshStats } from '../data/stats';

export const SERVING_ALGORITHM = 'hybrid-served-v2';

export interface RecomputeOptions {
  trigger: 'startup' | 'nightly' | 'admin' | 'test' | 'import';
  versionId?: number;
  jobId?: string;
  /** Test hook: throw when this phase starts (proves a failed run leaves the active model serving). */
  failAtPhase?: string;
  /** ALS factors from an external trainer (Spark MLlib) used instead of fitting ALS here. */
  externalFactors?: ExternalFactors;
  /** Recorded as the version's algorithm (default hybrid-served-v2). */
  algorithm?: string;
}

export interface RecomputeResult {
  versionId: number;
  activated: boolean;
  reason?: string;
  metrics: Record<string, number>;
}

/**
 * Snapshots ratings and catalogue, trains the serving model, stores it as a new version, and activates it only if
 * its validation NDCG@10 is within MODEL_TOLERANCE of the active version's. A failure marks the version FAILED and
 * leaves the active one serving.
 */
export async function recomputeModel(opts: RecomputeOptions): Promise<RecomputeResult> {
  const versionId =
    opts.versionId ??
    (await createModelVersion({ algorithm: opts.algorithm ?? SERVING_ALGORITHM, params: DEFAULT_SERVING, trigger: opts.trigger, jobId: opts.jobId }));
  await markTraining(versionId);
  try {
    const phase = async (name: string, progress: number) => {
      if (opts.failAtPhase === name) throw new Error(`injected failure at phase "${name}"`);
      await setProgress(versionId, name, progress);
    };
    await phase('snapshot', 0.01);
    const t0 = performance.now();
    const [ratings, times] = await Promise.all([snapshotRatings(), snapshotRatingTimes()]);
    if (ratings.values.length < 20) throw new Error(`only ${ratings.values.length} ratings: import a catalogue first`);
    const { movies, tags } = await loadContentSources();
    const data = buildRatingMatrix({ userIds: ratings.userIds, itemIds: ratings.movieIds, ratings: ratings.values }, { scale: [0.5, 5] });
    const docs = buildContentDocs(movies.filter((m) => data.items.index(m.movieId) !== undefined), tags);
    const snapshotSeconds = (performance.now() - t0) / 1000;
    const config = { ...DEFAULT_SERVING, externalFactors: opts.externalFactors, timeRows: { userIds: ratings.userIds, movieIds: ratings.movieIds, timestamps: times } };
    const result = await trainServingModel(data, docs, config, (name, p) => phase(name, 0.05 + 0.85 * p));
    await phase('saving', 0.92);
    const t1 = performance.now();
    const { meta, blobs } = serializeModel(result.model);
    const metrics = { ...result.metrics };
    await saveTrainedVersion(versionId, {
      meta,
      blobs,
      metrics,
      timings: { ...result.timings, snapshot: snapshotSeconds, save: (performance.now() - t1) / 1000 },
      dataCounts: { users: data.users.size, items: data.items.size, ratings: ratings.values.length, catalogue: movies.length },
    });
    await refreshStats();
    const active = await getActiveVersion();
    // Validation NDCG@10 is comparable only between versions of the same algorithm (same validation protocol).
    const activeNdcg = active?.algorithm === (opts.algorithm ?? SERVING_ALGORITHM) ? active?.metrics?.['ndcg@10'] : undefined;
    if (active && typeof activeNdcg === 'number' && metrics['ndcg@10'] < activeNdcg * (1 - env.MODEL_TOLERANCE)) {
      const reason = `validation NDCG@10 ${metrics['ndcg@10'].toFixed(4)} is worse than the active version #${active.id} (${activeNdcg.toFixed(4)}) beyond the ${(env.MODEL_TOLERANCE * 100).toFixed(0)}% tolerance`;
      await rejectVersion(versionId, reason);
      return { versionId, activated: false, reason, metrics };
    }
    await activateVersion(versionId);
    await pruneVersions(env.MODEL_KEEP_VERSIONS);
    return { versionId, activated: true, metrics };
  } catch (err) {
    await markFailed(versionId, err instanceof Error ? err.message : String(err));
    throw err;
  }
}

/** Last-change time (unix s) of every rating, in the order of `snapshotRatings` (user, movie). */
async function snapshotRatingTimes(): Promise<Float64Array> {
  const [row] = await db.$queryRaw<{ t: number[] | null }[]>`
    SELECT array_agg(extract(epoch FROM "updatedAt")::float8 ORDER BY "userId", "movieId") AS t FROM "Rating"`;
  return Float64Array.from(row?.t ?? []);
}
