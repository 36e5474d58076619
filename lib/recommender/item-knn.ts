import { baselineEstimate, fitBiases, type BiasesModel } from './biases';
import { KnnScratch, knnSimilarities, neighbourhoodTerm, reverseTopK, type KnnConfig } from './knn-common';
import { clipRating, topKFromScores } from './mf-common';
import { similarityOf } from './similarity';
import type { Csr, RatingMatrix, Recommender } from './types';

export type ItemKnnConfig = KnnConfig;

/** Surprise KNNBaseline defaults with item-based pearson_baseline (the reference setup). */
export const DEFAULT_ITEM_KNN: ItemKnnConfig = {
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

export interface ItemKnnModel {
  kind: 'item-knn';
  k: number;
  minK: number;
  rankScore: 'sum' | 'prediction';
  biases: BiasesModel;
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
  const biases = fitBiases(data, { regItem: cfg.regItem, regUser: cfg.regUser, epochs: cfg.baselineEpochs });
  const sims = knnSimilarities(data, biases, cfg, 'item');
  return { kind: 'item-knn', k: cfg.k, minK: cfg.minK, rankScore: cfg.rankScore, biases, sims, reverseNeighbors: reverseTopK(sims, cfg.k) };
}

const scratch = new KnnScratch();

/**
 * Predicted rating of item i for user u (unclipped). Unknown user or item, or too few positive
 * neighbours → baseline. O(|I(u)| · log(row length)).
 */
export function predictItemKnn(model: ItemKnnModel, data: RatingMatrix, u: number, i: number): number {
  const base = baselineEstimate(model.biases, u, i);
  if (u < 0 || i < 0 || u >= data.byUser.nRows || i >= model.sims.nRows) return base;
  const { indptr, indices, values } = data.byUser;
  const a = indptr[u];
  const b = indptr[u + 1];
  scratch.ensure(b - a);
  const { mean, userBias, itemBias } = model.biases;
  const bu = mean + userBias[u];
  let count = 0;
  for (let p = a; p < b; p++) {
    const j = indices[p];
    const s = similarityOf(model.sims, i, j);
    if (s > 0) {
      scratch.sims[count] = s;
      scratch.resids[count] = values[p] - bu - itemBias[j];
      count++;
    }
  }
  const term = neighbourhoodTerm(scratch, count, model.k, model.minK);
  return Number.isNaN(term) ? base : base + term;
}

/** Ranking scores for every item (length nItems) via the reversed top-k lists. O(|I(u)| · k + nItems). */
export function scoreItemKnn(model: ItemKnnModel, data: RatingMatrix, u: number, out: Float32Array): void {
  const n = out.length;
  if (u < 0 || u >= data.byUser.nRows) {
    for (let i = 0; i < n; i++) out[i] = baselineEstimate(model.biases, -1, i);
    return;
  }
  const { indptr, indices, values } = data.byUser;
  const rev = model.reverseNeighbors;
  const { mean, userBias, itemBias } = model.biases;
  const bu = mean + userBias[u];
  if (model.rankScore === 'sum') {
    out.fill(0);
    for (let p = indptr[u]; p < indptr[u + 1]; p++) {
      const j = indices[p];
      for (let q = rev.indptr[j]; q < rev.indptr[j + 1]; q++) out[rev.indices[q]] += rev.values[q];
    }
    // Items with no neighbour among the user's items fall back to (tiny) baseline order.
    for (let i = 0; i < n; i++) out[i] += (bu + itemBias[i]) * 1e-4;
    return;
  }
  const num = new Float64Array(n);
  const den = new Float64Array(n);
  for (let p = indptr[u]; p < indptr[u + 1]; p++) {
    const j = indices[p];
    const resid = values[p] - bu - itemBias[j];
    for (let q = rev.indptr[j]; q < rev.indptr[j + 1]; q++) {
      const i = rev.indices[q];
      num[i] += rev.values[q] * resid;
      den[i] += rev.values[q];
    }
  }
  for (let i = 0; i < n; i++) out[i] = bu + itemBias[i] + (den[i] > 0 ? num[i] / den[i] : 0);
}

export const itemKnnRecommender: Recommender<Partial<ItemKnnConfig>, ItemKnnModel> = {
  name: 'item-knn',
  fit: fitItemKnn,
  predict: (model, data, u, i) => clipRating(predictItemKnn(model, data, u, i), data.scale),
  scoreItems: scoreItemKnn,
  recommend(model, data, u, k, opts) {
    const scores = new Float32Array(data.items.size);
    scoreItemKnn(model, data, u, scores);
    return topKFromScores(scores, data, u, k, opts);
  },
};
