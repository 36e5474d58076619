import { baselineEstimate } from './biases';
import {
  fitKnnBase,
  KNN_BASELINE_DEFAULTS,
  knnEstimate,
  knnRecommender,
  reverseTopK,
  writeKnnScores,
  type KnnConfig,
  type KnnModelBase,
} from './knn-common';
import type { Csr, RatingMatrix } from '../core/types';

export type ItemKnnConfig = KnnConfig;

/** Surprise KNNBaseline defaults with item-based pearson_baseline (the reference setup). */
export const DEFAULT_ITEM_KNN: ItemKnnConfig = { ...KNN_BASELINE_DEFAULTS };

/**
 * Top-N setup chosen on a validation split carved from the ml-latest-small ranking train file
 * (latest 20% per user; docs/benchmarks/engine-core-a.md): binary cosine (ratings ≥ 3.5) with full
 * norms, shrinkage 10, k 20, similarity-sum scores (best mean of NDCG@10 and Recall@20 there).
 */
export const ITEM_KNN_RANKING: Partial<ItemKnnConfig> = {
  metric: 'cosine',
  overlap: 'full',
  binarize: 3.5,
  shrinkage: 10,
  k: 20,
  rankScore: 'sum',
};

export interface ItemKnnModel extends KnnModelBase {
  kind: 'item-knn';
  /** nItems × nItems CSR of positive similarities (sorted columns, no diagonal). */
  sims: Csr;
  /** Row j: items i whose top-k neighbours include j, with s_ij (ranking scatter lists). */
  reverseNeighbors: Csr;
}

/**
 * Item-based kNN with baseline (Koren 2010 eq. 3; Surprise KNNBaseline with user_based=False).
 * Fit = biases (ALS) + all positive item–item similarities: time O(epochs·nnz + Σ_u |I(u)|²),
 * memory O(#positive pairs). Deterministic.
 */
export function fitItemKnn(data: RatingMatrix, config: Partial<ItemKnnConfig> = {}): ItemKnnModel {
  const cfg = { ...DEFAULT_ITEM_KNN, ...config };
  const base = fitKnnBase(data, cfg, 'item');
  return { kind: 'item-knn', ...base, reverseNeighbors: reverseTopK(base.sims, cfg.k) };
}

/**
 * Predicted rating of item i for user u (unclipped). Unknown user or item, or too few positive
 * neighbours → baseline. O(|I(u)| · log(row length)).
 */
export function predictItemKnn(model: ItemKnnModel, data: RatingMatrix, u: number, i: number): number {
  const base = baselineEstimate(model.biases, u, i);
  if (u < 0 || i < 0 || u >= data.byUser.nRows || i >= model.sims.nRows) return base;
  const { mean, userBias, itemBias } = model.biases;
  return knnEstimate(model, data.byUser, u, i, base, mean + userBias[u], itemBias);
}

/** Ranking scores for every item (length nItems) via the reversed top-k lists. O(|I(u)| · k + nItems). */
export function scoreItemKnn(model: ItemKnnModel, data: RatingMatrix, u: number, out: Float32Array): void {
  const { indptr, indices, values } = data.byUser;
  const rev = model.reverseNeighbors;
  const known = u >= 0 && u < data.byUser.nRows;
  writeKnnScores(model, data, u, out, known, (sum, num, den) => {
    const { mean, userBias, itemBias } = model.biases;
    const bu = mean + userBias[u];
    for (let p = indptr[u]; p < indptr[u + 1]; p++) {
      const j = indices[p];
      const resid = values[p] - bu - itemBias[j];
      for (let q = rev.indptr[j]; q < rev.indptr[j + 1]; q++) {
        const i = rev.indices[q];
        if (num && den) {
          num[i] += rev.values[q] * resid;
          den[i] += rev.values[q];
        } else sum[i] += rev.values[q];
      }
    }
  });
}

export const itemKnnRecommender = knnRecommender<Partial<ItemKnnConfig>, ItemKnnModel>(
  'item-knn',
  fitItemKnn,
  predictItemKnn,
  scoreItemKnn,
);
