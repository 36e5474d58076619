import 'server-only';
import { buildRatingMatrix, createVocabulary } from '@/lib/recommender/core/sparse';
import { buildContentDocs } from '@/lib/recommender/algorithms/content-docs';
import { trainServingModel, DEFAULT_SERVING, type ExternalFactors } from '@/lib/recommender/serving';
import { serializeModel } from '@/lib/recommender/core/serialize';
import { attachImplicit, idsWithImplicit } from '@/lib/recommender/core/interactions';
import { implicitRowsOf } from './implicit-signals';
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
  setVersionTimings,
  snapshotRatingTimes,
  snapshotRatings,
  snapshotImplicitFeedback,
  implicitCounts,
} from '../data/models';
import { loadContentSources } from '../data/content';
import { refreshStats } from '../data/stats';
import { openTrainingLog, secs } from './training-log';

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
    (await createModelVersion({
      algorithm: opts.algorithm ?? SERVING_ALGORITHM,
      params: DEFAULT_SERVING,
      trigger: opts.trigger,
      jobId: opts.jobId,
    }));
  await markTraining(versionId);
  // The job's lines (phases, figures, timings, the error) are stored per version as they are written (#24).
  const log = await openTrainingLog(versionId, {
    echo: env.LOG_LEVEL === 'debug' ? (line) => console.log(line) : undefined,
  });
  const tStart = performance.now();
  let current = 'starting';
  let tPhase = tStart;
  log.info(
    `training started: trigger ${opts.trigger}, algorithm ${opts.algorithm ?? SERVING_ALGORITHM}` +
      (opts.jobId ? `, job ${opts.jobId}` : '') +
      (opts.externalFactors ? ', external ALS factors' : ''),
  );
  try {
    const phase = async (name: string, progress: number) => {
      const now = performance.now();
      if (name !== current) {
        if (current !== 'starting') log.info(`${current}: done in ${secs((now - tPhase) / 1000)}`);
        log.info(`${name} (${Math.round(progress * 100)} %)`);
        current = name;
        tPhase = now;
      }
      if (opts.failAtPhase === name) throw new Error(`injected failure at phase "${name}"`);
      await setProgress(versionId, name, progress);
    };
    await phase('snapshot', 0.01);
    const t0 = performance.now();
    // The catalogue read overlaps the two rating reads (≈ 0.7 s of the snapshot at ML-1M shape).
    // Watches, likes and watchlist adds are snapshotted with the ratings (issue #23): unrated ones become the matrix's
    // implicit part with the engine's weights per kind (services/implicit-signals.ts implicitRowsOf →
    // core/interactions.ts attachImplicit), read by the implicit models (ALS, EASE, RP3beta) only; the rating models
    // fit the ratings. With none (e.g. MovieLens imports only) the fit is exactly the ratings-only fit.
    const [ratings, times, { movies, tags }, implicit] = await Promise.all([
      snapshotRatings(),
      snapshotRatingTimes(),
      loadContentSources(),
      snapshotImplicitFeedback(),
    ]);
    if (ratings.values.length < 20) throw new Error(`only ${ratings.values.length} ratings: import a catalogue first`);
    // Every catalogue movie is an item, rated or not: a movie nobody has rated yet (a new catalogue entry) still
    // gets content vectors and neighbours, so it can be recommended by content and has "More like this".
    const movieIds = new Int32Array(ratings.movieIds.length + movies.length);
    movieIds.set(ratings.movieIds);
    movies.forEach((m, x) => (movieIds[ratings.movieIds.length + x] = m.movieId));
    const items = createVocabulary(movieIds);
    const implicitRows = implicitRowsOf(implicit);
    // A member with watches or likes but no rating yet is a user of the model too (the implicit models learn them).
    const users = createVocabulary(idsWithImplicit(ratings, implicitRows).userIds);
    const data = attachImplicit(
      buildRatingMatrix(
        { userIds: ratings.userIds, itemIds: ratings.movieIds, ratings: ratings.values },
        { scale: [0.5, 5], items, users },
      ),
      implicitRows,
    );
    const implicitFitRows = data.implicit?.byUser.indices.length ?? 0;
    const docs = buildContentDocs(movies, tags);
    const snapshotSeconds = (performance.now() - t0) / 1000;
    log.info(
      `snapshot: ${ratings.values.length.toLocaleString('en')} ratings by ${data.users.size.toLocaleString('en')} members ` +
        `on ${data.items.size.toLocaleString('en')} items (catalogue ${movies.length.toLocaleString('en')} movies, ` +
        `${tags.length.toLocaleString('en')} tags), ${implicitFitRows.toLocaleString('en')} implicit rows, ` +
        `in ${secs(snapshotSeconds)}`,
    );
    // The times carry their own (user, movie) keys: the hybrid aligns them to the matrix by id, so a rating written
    // between the two reads cannot shift them.
    const config = {
      ...DEFAULT_SERVING,
      externalFactors: opts.externalFactors,
      timeRows: times,
    };
    const result = await trainServingModel(data, docs, config, (name, p) => phase(name, 0.05 + 0.85 * p));
    await phase('saving', 0.92);
    log.info(`validation: ${formatFigures(result.metrics, 4)}`);
    log.info(`timings: ${formatFigures(result.timings, 2, ' s')}`);
    const t1 = performance.now();
    const { meta, blobs } = serializeModel(result.model);
    // Label-free: the served lists' share of the catalogue over the members the coverage floor calibrated on.
    const metrics: Record<string, number> = {
      ...result.metrics,
      ...(result.coverageFloor ? { 'served coverage@10': result.coverageFloor.coverage } : {}),
    };
    const timings = { ...result.timings, snapshot: snapshotSeconds, save: (performance.now() - t1) / 1000 };
    await saveTrainedVersion(versionId, {
      meta,
      blobs,
      metrics,
      timings,
      dataCounts: {
        users: data.users.size,
        items: data.items.size,
        ratings: ratings.values.length,
        catalogue: movies.length,
        ...implicitCounts(implicit),
        implicitFitRows,
      },
    });
    // The artifact write (seconds at ML-1M shape) is part of saving: record it once it is done.
    await setVersionTimings(versionId, { ...timings, save: (performance.now() - t1) / 1000 });
    const bytes = blobs.reduce((sum, b) => sum + b.data.byteLength, 0);
    log.info(
      `saved ${blobs.length} tables (${(bytes / 1024 / 1024).toFixed(1)} MB) in ${secs((performance.now() - t1) / 1000)}`,
    );
    current = 'activating';
    await refreshStats();
    const active = await getActiveVersion();
    // Validation NDCG@10 is comparable only between versions of the same algorithm (same validation protocol).
    const activeNdcg =
      active?.algorithm === (opts.algorithm ?? SERVING_ALGORITHM) ? active?.metrics?.['ndcg@10'] : undefined;
    if (active && typeof activeNdcg === 'number' && metrics['ndcg@10'] < activeNdcg * (1 - env.MODEL_TOLERANCE)) {
      const reason = `validation NDCG@10 ${metrics['ndcg@10'].toFixed(4)} is worse than the active version #${active.id} (${activeNdcg.toFixed(4)}) beyond the ${(env.MODEL_TOLERANCE * 100).toFixed(0)}% tolerance`;
      await rejectVersion(versionId, reason);
      log.warn(`kept inactive: ${reason}; total ${secs((performance.now() - tStart) / 1000)}`);
      await log.flush();
      return { versionId, activated: false, reason, metrics };
    }
    await activateVersion(versionId);
    const pruned = await pruneVersions(env.MODEL_KEEP_VERSIONS);
    log.info(
      `activated${active ? ` (replacing v${active.id})` : ''}` +
        (pruned ? `; ${pruned} old version(s) archived` : '') +
        `; total ${secs((performance.now() - tStart) / 1000)}`,
    );
    await log.flush();
    return { versionId, activated: true, metrics };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.error(`failed during ${current} after ${secs((performance.now() - tStart) / 1000)}: ${message}`);
    await log.flush();
    await markFailed(versionId, message);
    throw err;
  }
}

/** `{ 'ndcg@10': 0.1234, rmse: 0.87 }` → "ndcg@10 0.1234, rmse 0.8700" (finite numbers only). */
function formatFigures(figures: Record<string, unknown>, digits: number, unit = ''): string {
  const parts = Object.entries(figures)
    .filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1]))
    .map(([k, v]) => `${k} ${Number.isInteger(v) && !unit ? v : v.toFixed(digits)}${unit}`);
  return parts.length ? parts.join(', ') : 'none';
}
