/**
 * User-kNN with baseline whose neighbours are found at prediction time, so a user who is not in the training data
 * (or rated something a second ago) gets neighbours from their CURRENT ratings: the served hybrid's rating base.
 *
 * Stored: the baselines (μ, b_u, b_i of the training users and items) and every training rating's baseline
 * residual e_vi = r_vi − μ − b_v − b_i, grouped by item. For a user with ratings R_u:
 *   sim(u, v) = Σ_{i ∈ R_u ∩ R_v} e_ui·e_vi / √(Σ e_ui² · Σ e_vi²) · n/(n + shrinkage)   (pearson_baseline, Koren 2010
 *   eq. 2; n = common ratings), computed for every v at once through the item lists: O(Σ_{i ∈ R_u} |U(i)|);
 *   r̂_ui = μ + b_u + b_i + Σ_{v ∈ N_k(i; u)} s_uv e_vi / Σ s_uv over the k most similar users who rated i (s > 0).
 * The fit is only the baselines (no user × user table), so it is cheap at any scale.
 */
import { fitBiases } from './biases';
import { KnnScratch, neighbourhoodTerm } from './knn-common';
import { clipRating, topKFromScores } from './mf-common';
import type { RatingMatrix, Recommender } from '../core/types';

export interface LiveUserKnnConfig {
  k: number;
  minK: number;
  shrinkage: number;
  regItem: number;
  regUser: number;
  baselineEpochs: number;
}

export const DEFAULT_LIVE_USER_KNN: LiveUserKnnConfig = {
  k: 40,
  minK: 1,
  shrinkage: 100,
  regItem: 10,
  regUser: 15,
  baselineEpochs: 10,
};

/** The item-grouped residual table both the offline model and the served tables use. */
export interface ResidualsByItem {
  /** nItems + 1 offsets into `users` / `residuals`. */
  indptr: Int32Array;
  users: Int32Array;
  residuals: Float32Array;
  nUsers: number;
}

export interface LiveUserKnnModel {
  kind: 'user-knn-live';
  k: number;
  minK: number;
  shrinkage: number;
  regUser: number;
  mean: number;
  itemBias: Float32Array;
  table: ResidualsByItem;
  /** Last user's similarity vector (predict is called user by user). */
  cache: { user: number; sims: Float64Array | null; bu: number };
}

/** Baselines + residuals. O(epochs · nnz). */
export function fitLiveUserKnn(data: RatingMatrix, config: Partial<LiveUserKnnConfig> = {}): LiveUserKnnModel {
  const cfg = { ...DEFAULT_LIVE_USER_KNN, ...config };
  const b = fitBiases(data, { regItem: cfg.regItem, regUser: cfg.regUser, epochs: cfg.baselineEpochs });
  const { byItem } = data;
  const residuals = new Float32Array(byItem.values.length);
  for (let i = 0; i < byItem.nRows; i++) {
    for (let p = byItem.indptr[i]; p < byItem.indptr[i + 1]; p++)
      residuals[p] = byItem.values[p] - b.mean - b.userBias[byItem.indices[p]] - b.itemBias[i];
  }
  return {
    kind: 'user-knn-live',
    k: cfg.k,
    minK: cfg.minK,
    shrinkage: cfg.shrinkage,
    regUser: cfg.regUser,
    mean: b.mean,
    itemBias: b.itemBias,
    table: {
      indptr: Int32Array.from(byItem.indptr),
      users: Int32Array.from(byItem.indices),
      residuals,
      nUsers: data.users.size,
    },
    cache: { user: -2, sims: null, bu: 0 },
  };
}

/** The user's baseline bias from the current ratings (the biases' ALS user step): Σ(r − μ − b_i)/(λ_u + n). */
export function liveUserBias(
  mean: number,
  itemBias: Float32Array,
  regUser: number,
  itemIdx: ArrayLike<number>,
  values: ArrayLike<number>,
): number {
  let s = 0;
  for (let t = 0; t < itemIdx.length; t++) s += values[t] - mean - itemBias[itemIdx[t]];
  return s / (regUser + itemIdx.length);
}

/** sim(u, v) for every training user v (0 without common ratings). O(Σ_{i ∈ R_u} |U(i)| + nUsers). */
export function liveUserSimilarities(
  table: ResidualsByItem,
  mean: number,
  itemBias: Float32Array,
  bu: number,
  shrinkage: number,
  itemIdx: ArrayLike<number>,
  values: ArrayLike<number>,
): Float64Array {
  const n = table.nUsers;
  const dot = new Float64Array(n);
  const nu = new Float64Array(n);
  const nv = new Float64Array(n);
  const cnt = new Int32Array(n);
  for (let t = 0; t < itemIdx.length; t++) {
    const i = itemIdx[t];
    const e = values[t] - mean - bu - itemBias[i];
    for (let p = table.indptr[i]; p < table.indptr[i + 1]; p++) {
      const v = table.users[p];
      const r = table.residuals[p];
      dot[v] += e * r;
      nu[v] += e * e;
      nv[v] += r * r;
      cnt[v]++;
    }
  }
  for (let v = 0; v < n; v++) {
    const d = nu[v] * nv[v];
    dot[v] = cnt[v] > 0 && d > 0 ? (dot[v] / Math.sqrt(d)) * (shrinkage > 0 ? cnt[v] / (cnt[v] + shrinkage) : 1) : 0;
  }
  return dot;
}

const scratch = new KnnScratch();

/** μ + b_u + b_i + the neighbourhood term over the k most similar users who rated i. O(|U(i)| log k). */
export function liveUserKnnEstimate(
  table: ResidualsByItem,
  sims: Float64Array,
  base: number,
  i: number,
  k: number,
  minK: number,
): number {
  const a = table.indptr[i];
  const b = table.indptr[i + 1];
  scratch.ensure(b - a);
  let count = 0;
  for (let p = a; p < b; p++) {
    const s = sims[table.users[p]];
    if (s > 0) {
      scratch.sims[count] = s;
      scratch.resids[count++] = table.residuals[p];
    }
  }
  const term = neighbourhoodTerm(scratch, count, k, minK);
  return Number.isNaN(term) ? base : base + term;
}

function predictLive(model: LiveUserKnnModel, data: RatingMatrix, u: number, i: number): number {
  const known = u >= 0 && u < data.byUser.nRows;
  const a = known ? data.byUser.indptr[u] : 0;
  const b = known ? data.byUser.indptr[u + 1] : 0;
  const items = data.byUser.indices.subarray(a, b);
  const values = data.byUser.values.subarray(a, b);
  if (model.cache.user !== u || !model.cache.sims) {
    const bu = liveUserBias(model.mean, model.itemBias, model.regUser, items, values);
    model.cache = {
      user: u,
      bu,
      sims: liveUserSimilarities(model.table, model.mean, model.itemBias, bu, model.shrinkage, items, values),
    };
  }
  const base = model.mean + model.cache.bu + (i >= 0 && i < model.itemBias.length ? model.itemBias[i] : 0);
  if (i < 0 || i >= model.itemBias.length) return base;
  // The user's own training row never holds i (i is being predicted), so the user is never their own neighbour.
  return liveUserKnnEstimate(model.table, model.cache.sims!, base, i, model.k, model.minK);
}

/** {@link Recommender} adapter (a rating model; ranking by predicted rating). */
export const liveUserKnnRecommender: Recommender<Partial<LiveUserKnnConfig>, LiveUserKnnModel> = {
  name: 'user-knn-live',
  fit: fitLiveUserKnn,
  predict: (model, data, u, i) => clipRating(predictLive(model, data, u, i), data.scale),
  scoreItems(model, data, u, out) {
    for (let i = 0; i < out.length; i++) out[i] = predictLive(model, data, u, i);
  },
  recommend(model, data, u, k, opts) {
    const scores = new Float32Array(data.items.size);
    this.scoreItems(model, data, u, scores);
    return topKFromScores(scores, data, u, k, opts);
  },
};
