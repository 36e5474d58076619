/**
 * The served model (lib/recommender/serving.ts) as a registry algorithm, so `npm run eval -- --algo serving`
 * measures exactly what the app serves, on the protocol's files.
 */
import { z } from 'zod';
import type { ContentDoc } from './content-tfidf';
import { clipRating, topKFromScores } from './mf-common';
import { predictRating, scoreUser, trainServingModelSync, type ServingModel, type UserRatings } from './serving';
import type { RatingMatrix, Recommender } from './types';

export const ServingParamsSchema = z.object({
  factors: z.number().int().min(1).max(512).default(64).describe('ALS factors k'),
  iterations: z.number().int().min(1).max(100).default(15).describe('ALS sweeps'),
  neighbours: z.number().int().min(1).max(500).default(30).describe('kNN and content neighbours kept per item'),
  coldThreshold: z.number().int().min(0).default(5).describe('users with at most this many ratings use the cold blend'),
  seed: z.number().int().default(42),
});
export type ServingParams = z.infer<typeof ServingParamsSchema> & { contentDocs?: readonly ContentDoc[] };

function userRow(data: RatingMatrix, u: number): UserRatings {
  if (u < 0 || u >= data.byUser.nRows) return { itemIdx: new Int32Array(0), values: new Float32Array(0) };
  const a = data.byUser.indptr[u];
  const b = data.byUser.indptr[u + 1];
  return { itemIdx: data.byUser.indices.subarray(a, b), values: data.byUser.values.subarray(a, b) };
}

export const servingRecommender: Recommender<ServingParams, ServingModel> = {
  name: 'serving',
  fit(data, cfg) {
    return trainServingModelSync(data, cfg.contentDocs ?? null, {
      als: { factors: cfg.factors, iterations: cfg.iterations },
      neighbours: cfg.neighbours,
      coldThreshold: cfg.coldThreshold,
      seed: cfg.seed,
    }).model;
  },
  predict(model, data, u, i) {
    if (i < 0 || i >= model.itemIds.length) return clipRating(model.globalMean, data.scale);
    return clipRating(predictRating(model, userRow(data, u), i), data.scale);
  },
  scoreItems(model, data, u, out) {
    scoreUser(model, userRow(data, u), out);
  },
  recommend(model, data, u, k, opts) {
    const scores = new Float32Array(model.itemIds.length);
    scoreUser(model, userRow(data, u), scores);
    return topKFromScores(scores, data, u, k, opts);
  },
};
