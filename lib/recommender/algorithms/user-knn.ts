import { baselineEstimate } from './biases';
import {
  fitKnnBase,
  KNN_BASELINE_DEFAULTS,
  knnEstimate,
  knnRecommender,
  writeKnnScores,
  type KnnConfig,
  type KnnModelBase,
} from './knn-common';
import { topKPositions } from '../core/select-top';
import type { Csr, RatingMatrix } from '../core/types';

export type UserKnnConfig = KnnConfig;

/** Surprise KNNBaseline defaults, user-based. */
export const DEFAULT_USER_KNN: UserKnnConfig = { ...KNN_BASELINE_DEFAULTS };

/** Top-N setup chosen on the ranking validation carve (see {@link ITEM_KNN_RANKING} in item-knn.ts). */
export const USER_KNN_RANKING: Partial<UserKnnConfig> = {
  metric: 'cosine',
  overlap: 'full',
  binarize: 3.5,
  shrinkage: 10,
  k: 60,
  rankScore: 'sum',
};

export interface UserKnnModel extends KnnModelBase {
  kind: 'user-knn';
  /** nUsers × nUsers CSR of positive similarities. */
  sims: Csr;
}

/**
 * User-based kNN with baseline (Koren 2010 eq. 3 with the roles of users and items swapped;
 * Surprise KNNBaseline with user_based=True). Fit time O(epochs·nnz + Σ_i |U(i)|²).
 */
export function fitUserKnn(data: RatingMatrix, config: Partial<UserKnnConfig> = {}): UserKnnModel {
  return { kind: 'user-knn', ...fitKnnBase(data, { ...DEFAULT_USER_KNN, ...config }, 'user') };
}

/** Predicted rating (unclipped): neighbours are the k users most similar to u who rated i. O(|U(i)| · log). */
export function predictUserKnn(model: UserKnnModel, data: RatingMatrix, u: number, i: number): number {
  const base = baselineEstimate(model.biases, u, i);
  if (u < 0 || i < 0 || u >= model.sims.nRows || i >= data.byItem.nRows) return base;
  const { mean, userBias, itemBias } = model.biases;
  return knnEstimate(model, data.byItem, i, u, base, mean + itemBias[i], userBias);
}

/** Ranking scores from the user's top-k neighbours' items. O(Σ_{v ∈ N(u)} |I(v)| + nItems). */
export function scoreUserKnn(model: UserKnnModel, data: RatingMatrix, u: number, out: Float32Array): void {
  const { sims } = model;
  const known = u >= 0 && u < sims.nRows;
  writeKnnScores(model, data, u, out, known, (sum, num, den) => {
    const nb = topKPositions(sims.values, sims.indices, sims.indptr[u], sims.indptr[u + 1], model.k);
    const { indptr, indices, values } = data.byUser;
    const { mean, userBias, itemBias } = model.biases;
    for (const p of nb) {
      const v = sims.indices[p];
      const s = sims.values[p];
      const bv = mean + userBias[v];
      for (let q = indptr[v]; q < indptr[v + 1]; q++) {
        const i = indices[q];
        if (num && den) {
          num[i] += s * (values[q] - bv - itemBias[i]);
          den[i] += s;
        } else sum[i] += s;
      }
    }
  });
}

export const userKnnRecommender = knnRecommender<Partial<UserKnnConfig>, UserKnnModel>(
  'user-knn',
  fitUserKnn,
  predictUserKnn,
  scoreUserKnn,
);
