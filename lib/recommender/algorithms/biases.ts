import { clipRating, topKFromScores } from './mf-common';
import type { RatingMatrix, Recommender } from '../core/types';
import { ModelFitError } from '../core/types';

/** Hyper-parameters of {@link fitBiases} (defaults = Surprise BaselineOnly's ALS options). */
export interface BiasesConfig {
  /** Regularisation of item biases (λ2 in Koren 2010). */
  regItem: number;
  /** Regularisation of user biases (λ3 in Koren 2010). */
  regUser: number;
  /** Alternating sweeps. */
  epochs: number;
  seed?: number;
}

export const DEFAULT_BIASES: BiasesConfig = { regItem: 10, regUser: 15, epochs: 10 };

/** b_ui = μ + b_u + b_i. Plain data. */
export interface BiasesModel {
  kind: 'biases';
  mean: number;
  /** Length nUsers. */
  userBias: Float32Array;
  /** Length nItems. */
  itemBias: Float32Array;
}

/**
 * Regularised user/item biases fitted by alternating least squares (Koren 2010, "Factor in the
 * neighbors", §2.1; the procedure of Surprise's BaselineOnly with method='als'): each sweep sets
 * b_u = Σ_i (r_ui − μ − b_i) / (regUser + |I(u)|), then b_i = Σ_u (r_ui − μ − b_u) / (regItem + |U(i)|).
 * Time O(epochs · nnz), memory O(nUsers + nItems). Deterministic (no randomness).
 */
export function fitBiases(data: RatingMatrix, config: Partial<BiasesConfig> = {}): BiasesModel {
  const cfg = { ...DEFAULT_BIASES, ...config };
  const mu = data.globalMean;
  const { byUser, byItem } = data;
  const bu = new Float64Array(byUser.nRows);
  const bi = new Float64Array(byItem.nRows);
  for (let epoch = 0; epoch < cfg.epochs; epoch++) {
    for (let u = 0; u < byUser.nRows; u++) {
      const a = byUser.indptr[u];
      const b = byUser.indptr[u + 1];
      let s = 0;
      for (let p = a; p < b; p++) s += byUser.values[p] - mu - bi[byUser.indices[p]];
      bu[u] = s / (cfg.regUser + (b - a));
    }
    for (let i = 0; i < byItem.nRows; i++) {
      const a = byItem.indptr[i];
      const b = byItem.indptr[i + 1];
      let s = 0;
      for (let p = a; p < b; p++) s += byItem.values[p] - mu - bu[byItem.indices[p]];
      bi[i] = s / (cfg.regItem + (b - a));
    }
  }
  const userBias = Float32Array.from(bu);
  const itemBias = Float32Array.from(bi);
  for (const arr of [userBias, itemBias]) {
    for (let k = 0; k < arr.length; k++)
      if (!Number.isFinite(arr[k])) throw new ModelFitError('non-finite bias: check the ratings and regularisation');
  }
  return { kind: 'biases', mean: mu, userBias, itemBias };
}

/** Baseline estimate μ + b_u + b_i, unclipped; an unknown user or item (−1) contributes 0. */
export function baselineEstimate(model: BiasesModel, userIdx: number, itemIdx: number): number {
  let e = model.mean;
  if (userIdx >= 0 && userIdx < model.userBias.length) e += model.userBias[userIdx];
  if (itemIdx >= 0 && itemIdx < model.itemBias.length) e += model.itemBias[itemIdx];
  return e;
}

/**
 * Residuals r_ui − (μ + b_u + b_i) aligned with `data.byUser.values` (length nnz). O(nnz).
 */
export function baselineResiduals(model: BiasesModel, data: RatingMatrix): Float32Array {
  const { indptr, indices, values } = data.byUser;
  const out = new Float32Array(values.length);
  for (let u = 0; u < data.byUser.nRows; u++) {
    const base = model.mean + model.userBias[u];
    for (let p = indptr[u]; p < indptr[u + 1]; p++) out[p] = values[p] - base - model.itemBias[indices[p]];
  }
  return out;
}

export const biasesRecommender: Recommender<Partial<BiasesConfig>, BiasesModel> = {
  name: 'biases',
  fit: fitBiases,
  predict: (model, data, u, i) => clipRating(baselineEstimate(model, u, i), data.scale),
  scoreItems(model, _data, userIdx, out) {
    for (let i = 0; i < out.length; i++) out[i] = baselineEstimate(model, userIdx, i);
  },
  recommend(model, data, userIdx, k, opts) {
    const scores = new Float32Array(data.items.size);
    this.scoreItems(model, data, userIdx, scores);
    return topKFromScores(scores, data, userIdx, k, opts);
  },
};
