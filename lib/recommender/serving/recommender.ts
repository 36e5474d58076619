/**
 * The served hybrid (lib/recommender/serving/index.ts) as the registry's `hybrid`: `npm run eval` fits the learned hybrid,
 * turns it into the serving tables and scores every user through the same live fold-in functions the web app calls,
 * with the user's train ratings (and their timestamps) as the "current" ratings.
 */
import { alignTimestamps } from '../hybrid/features';
import { HybridParamsSchema, type HybridParams, type RunContext } from '../hybrid/params';
import { SLOT_WINDOW } from './coverage-floor';
import { topKFromScores } from '../algorithms/mf-common';
import {
  createServingScratch,
  predictRating,
  ratingContext,
  scoreUser,
  servedOrder,
  trainServingModelSync,
  type RatingContext,
  type ServingModel,
  type ServingScratch,
  userRow,
} from '.';

export { userRow };
import type { RatingMatrix, Recommender } from '../core/types';

/** The fitted served model plus the train timestamps aligned to `data.byUser` (offline scoring only). */
export interface ServedHybrid {
  serving: ServingModel;
  times: Float64Array | null;
  /** Per-user caches of the adapter (not part of the stored model). */
  cache: { scratch: ServingScratch | null; ratingUser: number; rating: RatingContext | null };
}

export function fitServedHybrid(data: RatingMatrix, config: HybridParams & RunContext): ServedHybrid {
  const { contentDocs, timeRows, tasks, log, ...rest } = config;
  const params = HybridParamsSchema.parse(rest);
  const { model } = trainServingModelSync(data, contentDocs ?? null, { params, timeRows, tasks, log });
  const times = timeRows?.timestamps
    ? alignTimestamps(data, timeRows.userIds, timeRows.movieIds, timeRows.timestamps)
    : null;
  return { serving: model, times, cache: { scratch: null, ratingUser: -2, rating: null } };
}

function scoreServed(m: ServedHybrid, data: RatingMatrix, u: number, out: Float32Array): void {
  m.cache.scratch ??= createServingScratch(m.serving);
  scoreUser(m.serving, userRow(data, u, m.times), out, m.cache.scratch);
}

export const servedHybridRecommender: Recommender<HybridParams & RunContext, ServedHybrid> = {
  name: 'hybrid',
  fit: fitServedHybrid,
  predict(m, data, u, i) {
    if (m.cache.ratingUser !== u || !m.cache.rating) {
      m.cache.rating = ratingContext(m.serving, userRow(data, u, m.times));
      m.cache.ratingUser = u;
    }
    return predictRating(m.serving, m.cache.rating, i);
  },
  scoreItems: scoreServed,
  recommend(m, data, u, k, opts) {
    const scores = new Float32Array(m.serving.itemIds.length);
    scoreServed(m, data, u, scores);
    if (!(m.serving.discoverySlots! > 0)) return topKFromScores(scores, data, u, k, opts);
    // Discovery slots re-order the first 20 (the served order); each place keeps its score, so scores stay sorted.
    const ranked = topKFromScores(scores, data, u, Math.max(k, SLOT_WINDOW), opts);
    const nRatings = u >= 0 && u < data.byUser.nRows ? data.byUser.indptr[u + 1] - data.byUser.indptr[u] : 0;
    const order = servedOrder(
      m.serving,
      nRatings,
      ranked.map((r) => r.itemIdx),
    );
    return order.slice(0, k).map((itemIdx, x) => ({ itemIdx, score: ranked[x].score }));
  },
};
