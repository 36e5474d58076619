/**
 * Shared machinery of item- and user-based kNN with baseline (Koren 2010, "Factor in the neighbors",
 * eq. 3; the estimator of Surprise's KNNBaseline):
 *   r̂_ui = b_ui + Σ_{j ∈ N^k_i(u)} s_ij (r_uj − b_uj) / Σ_{j ∈ N^k_i(u)} s_ij
 * where N^k_i(u) are the k items rated by u most similar to i (only positive similarities), and the
 * neighbourhood term is dropped when fewer than minK neighbours exist.
 */
import { baselineEstimate, baselineResiduals, fitBiases, type BiasesModel } from './biases';
import { clipRating, topKFromScores } from './mf-common';
import { centreByColumnMean, computeSimilarities, similarityOf, type SimilarityMetric } from './similarity';
import { topKPositions } from '../core/select-top';
import { transpose } from '../core/sparse';
import type { Csr, RatingMatrix, Recommender } from '../core/types';

export interface KnnConfig {
  /** Neighbours used per prediction. */
  k: number;
  /** Fewer usable neighbours than this → plain baseline. */
  minK: number;
  metric: SimilarityMetric;
  /** n/(n+shrinkage) similarity shrinkage; Surprise uses 100 for pearson_baseline. */
  shrinkage: number;
  /** Minimum common support for a similarity. */
  minSupport: number;
  /** Neighbours stored per entity (0 = every positive one; exact Surprise semantics). */
  maxNeighbors: number;
  /** Baseline (biases) regularisation and sweeps. */
  regItem: number;
  regUser: number;
  baselineEpochs: number;
  /**
   * Ranking score: 'sum' = Σ of similarities to the user's items within each item's top-k
   * (Deshpande & Karypis 2004), 'prediction' = the kNN-baseline rating estimate over the same lists.
   */
  rankScore: 'sum' | 'prediction';
  /** Cosine over the 'common' support (Surprise) or with 'full' row norms (top-N item-kNN). */
  overlap: 'common' | 'full';
  /** > 0: similarities are computed on binary interactions (rating ≥ binarize → 1, others dropped). */
  binarize: number;
  seed?: number;
}

/** Surprise KNNBaseline's defaults (pearson_baseline, k 40, shrinkage 100, ALS baselines 10/15/10 sweeps). */
export const KNN_BASELINE_DEFAULTS: Readonly<KnnConfig> = {
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

/** What item- and user-kNN models share (their `sims` are item × item or user × user). */
export interface KnnModelBase {
  k: number;
  minK: number;
  rankScore: 'sum' | 'prediction';
  biases: BiasesModel;
  sims: Csr;
}

/** Biases, then the positive similarity lists of `side`, for the merged config. */
export function fitKnnBase(data: RatingMatrix, cfg: KnnConfig, side: 'item' | 'user'): KnnModelBase {
  const biases = fitBiases(data, { regItem: cfg.regItem, regUser: cfg.regUser, epochs: cfg.baselineEpochs });
  return { k: cfg.k, minK: cfg.minK, rankScore: cfg.rankScore, biases, sims: knnSimilarities(data, biases, cfg, side) };
}

/**
 * kNN-with-baseline estimate b + Σ s·(r − b) / Σ s for the rating of `target`'s row in `ratings`
 * (user u's items for item-based, item i's users for user-based): the candidates are that row's
 * entries e with similarity s = sims(self, e) > 0, residual r − center − nbBias[e]; the k most
 * similar are used. Falls back to `base` with fewer than minK neighbours. O(row · log(sims row)).
 */
export function knnEstimate(
  model: KnnModelBase,
  ratings: Csr,
  target: number,
  self: number,
  base: number,
  center: number,
  nbBias: Float32Array,
): number {
  const { indptr, indices, values } = ratings;
  const a = indptr[target];
  const b = indptr[target + 1];
  scratch.ensure(b - a);
  let count = 0;
  for (let p = a; p < b; p++) {
    const e = indices[p];
    const s = similarityOf(model.sims, self, e);
    if (s > 0) {
      scratch.sims[count] = s;
      scratch.resids[count] = values[p] - center - nbBias[e];
      count++;
    }
  }
  const term = neighbourhoodTerm(scratch, count, model.k, model.minK);
  return Number.isNaN(term) ? base : base + term;
}

/**
 * Score writer of a kNN model. `scatter(out, num, den)` visits the model's neighbour evidence for
 * the user: with num = null ('sum' scores) it adds similarities into `out`; otherwise it accumulates
 * Σ s·resid into num and Σ s into den. Unknown users get the item baseline order; 'sum' scores get
 * a tiny baseline tie-break; 'prediction' scores are b_ui + num/den (b_ui alone without evidence).
 */
export function writeKnnScores(
  model: KnnModelBase,
  data: RatingMatrix,
  u: number,
  out: Float32Array,
  known: boolean,
  scatter: (out: Float32Array, num: Float64Array | null, den: Float64Array | null) => void,
): void {
  const n = out.length;
  if (!known) {
    for (let i = 0; i < n; i++) out[i] = baselineEstimate(model.biases, -1, i);
    return;
  }
  const { mean, userBias, itemBias } = model.biases;
  const bu = mean + userBias[u];
  if (model.rankScore === 'sum') {
    out.fill(0);
    scatter(out, null, null);
    // Items with no neighbour among the user's evidence fall back to (tiny) baseline order.
    for (let i = 0; i < n; i++) out[i] += (bu + itemBias[i]) * 1e-4;
    return;
  }
  const num = new Float64Array(n);
  const den = new Float64Array(n);
  scatter(out, num, den);
  for (let i = 0; i < n; i++) out[i] = bu + itemBias[i] + (den[i] > 0 ? num[i] / den[i] : 0);
}

/** The {@link Recommender} adapter of a kNN model (predictions clipped to the scale). */
export function knnRecommender<C, M>(
  name: string,
  fit: (data: RatingMatrix, config: C) => M,
  predict: (model: M, data: RatingMatrix, u: number, i: number) => number,
  score: (model: M, data: RatingMatrix, u: number, out: Float32Array) => void,
): Recommender<C, M> {
  return {
    name,
    fit,
    predict: (model, data, u, i) => clipRating(predict(model, data, u, i), data.scale),
    scoreItems: score,
    recommend(model, data, u, k, opts) {
      const scores = new Float32Array(data.items.size);
      score(model, data, u, scores);
      return topKFromScores(scores, data, u, k, opts);
    },
  };
}

/**
 * Values for the similarity pass: a CSR of entities × dims (items × users for item-based) with the
 * metric's transformation applied, plus the kernel to run on it.
 */
export function similarityInput(
  data: RatingMatrix,
  biases: BiasesModel,
  metric: SimilarityMetric,
  side: 'item' | 'user',
  binarize = 0,
): { rows: Csr; kernel: 'cosine' | 'pearson' } {
  const base = side === 'item' ? data.byItem : data.byUser;
  if (binarize > 0) return { rows: binaryRows(base, binarize), kernel: metric === 'pearson' ? 'pearson' : 'cosine' };
  switch (metric) {
    case 'cosine':
      return { rows: base, kernel: 'cosine' };
    case 'pearson':
      return { rows: base, kernel: 'pearson' };
    case 'adjusted_cosine':
      return { rows: { ...base, values: centreByColumnMean(base) }, kernel: 'cosine' };
    case 'pearson_baseline': {
      const byUserResid: Csr = { ...data.byUser, values: baselineResiduals(biases, data) };
      return { rows: side === 'user' ? byUserResid : transpose(byUserResid), kernel: 'cosine' };
    }
  }
}

/** Entries ≥ threshold as 1s (others dropped). O(nnz). */
function binaryRows(m: Csr, threshold: number): Csr {
  const indptr = new Int32Array(m.nRows + 1);
  const idx: number[] = [];
  for (let r = 0; r < m.nRows; r++) {
    for (let p = m.indptr[r]; p < m.indptr[r + 1]; p++) if (m.values[p] >= threshold) idx.push(m.indices[p]);
    indptr[r + 1] = idx.length;
  }
  return {
    nRows: m.nRows,
    nCols: m.nCols,
    indptr,
    indices: Int32Array.from(idx),
    values: new Float32Array(idx.length).fill(1),
  };
}

/** Similarity lists for the given side (entities × entities CSR of positive similarities). */
export function knnSimilarities(data: RatingMatrix, biases: BiasesModel, cfg: KnnConfig, side: 'item' | 'user'): Csr {
  const { rows, kernel } = similarityInput(data, biases, cfg.metric, side, cfg.binarize);
  return computeSimilarities(rows, transpose(rows), {
    kernel,
    shrinkage: cfg.shrinkage,
    minSupport: cfg.minSupport,
    maxNeighbors: cfg.maxNeighbors,
    overlap: cfg.overlap,
  });
}

/**
 * Top-k neighbours of every row of `sims`, stored *reversed*: row j lists the entities i whose
 * top-k contains j, with s_ij. Lets a user's items scatter scores to all items in O(|I(u)|·k).
 */
export function reverseTopK(sims: Csr, k: number): Csr {
  const n = sims.nRows;
  const indptr = new Int32Array(n + 1);
  const rowsOf: number[] = [];
  const cols: number[] = [];
  const vals: number[] = [];
  for (let i = 0; i < n; i++) {
    const order = topKPositions(sims.values, sims.indices, sims.indptr[i], sims.indptr[i + 1], k);
    for (let t = 0; t < order.length; t++) {
      rowsOf.push(i);
      cols.push(sims.indices[order[t]]);
      vals.push(sims.values[order[t]]);
    }
    indptr[i + 1] = rowsOf.length;
  }
  const forward: Csr = {
    nRows: n,
    nCols: sims.nCols,
    indptr,
    indices: Int32Array.from(cols),
    values: Float32Array.from(vals),
  };
  // forward rows may be unsorted by column; transpose sorts by construction of row order.
  return transpose(forward);
}

/** Scratch buffers for {@link neighbourhoodTerm}, grown on demand. */
export class KnnScratch {
  sims = new Float64Array(256);
  resids = new Float64Array(256);
  order = new Int32Array(256);
  ensure(n: number): void {
    if (this.sims.length < n) {
      const cap = Math.max(n, this.sims.length * 2);
      this.sims = new Float64Array(cap);
      this.resids = new Float64Array(cap);
      this.order = new Int32Array(cap);
    }
  }
}

/** Shared scratch of {@link knnEstimate} (single-threaded use per module instance). */
const scratch = new KnnScratch();

/**
 * The neighbourhood correction Σ s·resid / Σ s over the k largest of the `count` collected
 * (similarity, residual) pairs in `scratch` (collection order breaks ties). Returns NaN when fewer
 * than minK pairs exist. O(count · log count) worst case.
 */
export function neighbourhoodTerm(scratch: KnnScratch, count: number, k: number, minK: number): number {
  if (count < Math.max(1, minK)) return NaN;
  const { sims, resids } = scratch;
  let num = 0;
  let den = 0;
  if (count <= k) {
    for (let t = 0; t < count; t++) {
      num += sims[t] * resids[t];
      den += sims[t];
    }
  } else {
    const order = scratch.order.subarray(0, count);
    for (let t = 0; t < count; t++) order[t] = t;
    order.sort((p, q) => sims[q] - sims[p] || p - q);
    for (let t = 0; t < k; t++) {
      const p = order[t];
      num += sims[p] * resids[p];
      den += sims[p];
    }
  }
  return den > 0 ? num / den : NaN;
}
