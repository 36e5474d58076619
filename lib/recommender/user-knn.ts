import { baselineEstimate, fitBiases, type BiasesModel } from './biases';
import { KnnScratch, knnSimilarities, neighbourhoodTerm, type KnnConfig } from './knn-common';
import { clipRating, topKFromScores } from './mf-common';
import { similarityOf, topKPositions } from './similarity';
import type { Csr, RatingMatrix, Recommender } from './types';

export type UserKnnConfig = KnnConfig;

/** Surprise KNNBaseline defaults, user-based. */
export const DEFAULT_USER_KNN: UserKnnConfig = {
  k: 40,
  minK: 1,
  metric: 'pearson_baseline',
  shrinkage: 100,
  minSupport: 1,
  maxNeighbors: 0,
  regItem: 10,
  regUser: 15,
  baselineEpochs: 10,
  rankScore: 'sum',
  overlap: 'common',
  binarize: 0,
};

/** Top-N setup chosen on the ranking validation carve (see {@link ITEM_KNN_RANKING} in item-knn.ts). */
export const USER_KNN_RANKING: Partial<UserKnnConfig> = {
  metric: 'cosine',
  overlap: 'full',
  binarize: 3.5,
  shrinkage: 10,
  k: 60,
  rankScore: 'sum',
};

export interface UserKnnModel {
  kind: 'user-knn';
  k: number;
  minK: number;
  rankScore: 'sum' | 'prediction';
  biases: BiasesModel;
  /** nUsers × nUsers CSR of positive similarities. */
  sims: Csr;
}

/**
 * User-based kNN with baseline (Koren 2010 eq. 3 with the roles of users and items swapped;
 * Surprise KNNBaseline with user_based=True). Fit time O(epochs·nnz + Σ_i |U(i)|²).
 */
export function fitUserKnn(data: RatingMatrix, config: Partial<UserKnnConfig> = {}): UserKnnModel {
  const cfg = { ...DEFAULT_USER_KNN, ...config };
  const biases = fitBiases(data, { regItem: cfg.regItem, regUser: cfg.regUser, epochs: cfg.baselineEpochs });
  const sims = knnSimilarities(data, biases, cfg, 'user');
  return { kind: 'user-knn', k: cfg.k, minK: cfg.minK, rankScore: cfg.rankScore, biases, sims };
}

const scratch = new KnnScratch();

/** Predicted rating (unclipped): neighbours are the k users most similar to u who rated i. O(|U(i)| · log). */
export function predictUserKnn(model: UserKnnModel, data: RatingMatrix, u: number, i: number): number {
  const base = baselineEstimate(model.biases, u, i);
  if (u < 0 || i < 0 || u >= model.sims.nRows || i >= data.byItem.nRows) return base;
  const { indptr, indices, values } = data.byItem;
  const a = indptr[i];
  const b = indptr[i + 1];
  scratch.ensure(b - a);
  const { mean, userBias, itemBias } = model.biases;
  const bi = mean + itemBias[i];
  let count = 0;
  for (let p = a; p < b; p++) {
    const v = indices[p];
    const s = similarityOf(model.sims, u, v);
    if (s > 0) {
      scratch.sims[count] = s;
      scratch.resids[count] = values[p] - bi - userBias[v];
      count++;
    }
  }
  const term = neighbourhoodTerm(scratch, count, model.k, model.minK);
  return Number.isNaN(term) ? base : base + term;
}

/** Ranking scores from the user's top-k neighbours' items. O(Σ_{v ∈ N(u)} |I(v)| + nItems). */
export function scoreUserKnn(model: UserKnnModel, data: RatingMatrix, u: number, out: Float32Array): void {
  const n = out.length;
  if (u < 0 || u >= model.sims.nRows) {
    for (let i = 0; i < n; i++) out[i] = baselineEstimate(model.biases, -1, i);
    return;
  }
  const { sims } = model;
  const nb = topKPositions(sims.values, sims.indices, sims.indptr[u], sims.indptr[u + 1], model.k);
  const { indptr, indices, values } = data.byUser;
  const { mean, userBias, itemBias } = model.biases;
  const bu = mean + userBias[u];
  if (model.rankScore === 'sum') {
    out.fill(0);
    for (const p of nb) {
      const v = sims.indices[p];
      const s = sims.values[p];
      for (let q = indptr[v]; q < indptr[v + 1]; q++) out[indices[q]] += s;
    }
    for (let i = 0; i < n; i++) out[i] += (bu + itemBias[i]) * 1e-4;
    return;
  }
  const num = new Float64Array(n);
  const den = new Float64Array(n);
  for (const p of nb) {
    const v = sims.indices[p];
    const s = sims.values[p];
    const bv = mean + userBias[v];
    for (let q = indptr[v]; q < indptr[v + 1]; q++) {
      const i = indices[q];
      num[i] += s * (values[q] - bv - itemBias[i]);
      den[i] += s;
    }
  }
  for (let i = 0; i < n; i++) out[i] = bu + itemBias[i] + (den[i] > 0 ? num[i] / den[i] : 0);
}

export const userKnnRecommender: Recommender<Partial<UserKnnConfig>, UserKnnModel> = {
  name: 'user-knn',
  fit: fitUserKnn,
  predict: (model, data, u, i) => clipRating(predictUserKnn(model, data, u, i), data.scale),
  scoreItems: scoreUserKnn,
  recommend(model, data, u, k, opts) {
    const scores = new Float32Array(data.items.size);
    scoreUserKnn(model, data, u, scores);
    return topKFromScores(scores, data, u, k, opts);
  },
};
