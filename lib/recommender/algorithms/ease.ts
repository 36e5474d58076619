/**
 * EASE^R (Steck 2019, "Embarrassingly Shallow Autoencoders for Sparse Data", eq. 8): an item–item
 * weight matrix with a zero diagonal in closed form,
 *   P = (XᵀX + λI)⁻¹,  B = I − P·diag(1/diag(P))  (i.e. Bᵢⱼ = −Pᵢⱼ / Pⱼⱼ, Bⱼⱼ = 0),
 * scoring a user by x_u·B. X is the binary user × item matrix of ratings ≥ threshold. With
 * `dropout` p > 0 the penalty is EDLAE's item-dependent Λ = λI + p/(1 − p)·diag(XᵀX) (same B formula).
 *
 * The dense solve is O(n³) time and O(n²) memory in the number of modelled items n, so the model is
 * bounded to the `maxItems` items with the most positives (an item without positives has a zero
 * row and column in B anyway). Items outside the bound score {@link EASE_UNMODELLED_SCORE}.
 */
import { z } from 'zod';
import type { RatingMatrix, Recommender, RecommendOptions, ScoredItem } from '../core/types';
import { ModelFitError, ShapeError } from '../core/types';
import { allFinite, invertSpd } from '../core/linalg';
import { topKFromScores } from './mf-common';
import { confidenceAt, interactionView } from '../core/interactions';

export const EaseConfig = z.object({
  /** λ, the L2 penalty (Steck's only hyper-parameter). */
  lambda: z.number().positive().default(200).describe('λ, L2 penalty (Steck 2019)'),
  /** Ratings ≥ threshold are the positives of X. */
  threshold: z.number().default(3.5).describe('ratings ≥ threshold are the positives of X'),
  /**
   * p of the dropout-emphasised penalty (EDLAE, Steck 2020, "Autoencoders that don't overfit towards
   * the Identity", eq. 9): Λ = λI + p/(1 − p)·diag(XᵀX). 0 is plain EASE.
   */
  dropout: z
    .number()
    .min(0)
    .max(0.95)
    .default(0)
    .describe('p of the EDLAE penalty λ + p/(1−p)·diag(XᵀX) (0 = plain EASE)'),
  /**
   * Weight of a positive in X: 1 for every rating ≥ threshold (minWeight 1, plain binary EASE), or
   * rising linearly from minWeight at the threshold to 1 at the top of the scale.
   */
  minWeight: z
    .number()
    .gt(0)
    .max(1)
    .default(1)
    .describe('X weight of a positive at the threshold, rising linearly to 1 at the top of the scale (1 = binary)'),
  /** At most this many items (most positives first) enter the dense solve. */
  maxItems: z
    .number()
    .int()
    .min(1)
    .max(20_000)
    .default(3000)
    .describe('items (most positives first) in the dense n×n solve; O(n³) time, O(n²) memory'),
  /** Unused (EASE is deterministic); accepted so every engine config has a seed. */
  seed: z.number().int().default(42).describe('unused (EASE is deterministic)'),
});
export type EaseConfig = z.infer<typeof EaseConfig>;

export const DEFAULT_EASE: EaseConfig = EaseConfig.parse({});

/** Score of items left out of the dense solve: below any modelled item's score. */
export const EASE_UNMODELLED_SCORE = Math.fround(-1e30);

/** Learned state. */
export interface EaseModel {
  readonly kind: 'ease';
  readonly nItems: number;
  /** Number of modelled items n. */
  readonly n: number;
  /** Modelled item indices (length n), most positives first. */
  readonly itemIdxs: Int32Array;
  /** itemIdx → position in `itemIdxs`, or −1 when not modelled. Length nItems. */
  readonly position: Int32Array;
  /** n × n row-major Bᵢⱼ over positions (row = the user's item, column = the scored item). */
  readonly weights: Float32Array;
  readonly threshold: number;
  readonly lambda: number;
  /** Graded positives (see {@link EaseConfig}); absent = binary. */
  readonly minWeight?: number;
  /** Top of the rating scale the grading rises to; absent = binary. */
  readonly scaleMax?: number;
}

/** X weight of a rating (0 below the threshold). */
export function easeWeight(model: Pick<EaseModel, 'threshold' | 'minWeight' | 'scaleMax'>, r: number): number {
  if (!(r >= model.threshold)) return 0;
  const w0 = model.minWeight ?? 1;
  if (w0 === 1 || model.scaleMax === undefined || model.scaleMax <= model.threshold) return 1;
  return w0 + ((1 - w0) * (Math.min(r, model.scaleMax) - model.threshold)) / (model.scaleMax - model.threshold);
}

/**
 * Fits EASE. Time O(Σᵤ nᵤ² + n³/2) (Gram matrix, then a Cholesky-based SPD inverse, see
 * {@link invertSpd}); memory ≈ 2·n² float64 + n² float32 (n = 3000: ≈ 180 MB).
 * @throws ModelFitError when XᵀX + λI is not numerically positive definite or B is not finite.
 */
export function fitEase(ratings: RatingMatrix, config: EaseConfig): EaseModel {
  // X holds ratings and the members' watches, likes and watchlist adds (core/interactions.ts): EASE is an implicit model.
  const data = interactionView(ratings);
  const nItems = data.items.size;
  const { indptr, indices, values } = data.byUser;
  const counts = new Int32Array(nItems);
  for (let p = 0; p < indptr[data.byUser.nRows]; p++) if (values[p] >= config.threshold) counts[indices[p]]++;
  const candidates: number[] = [];
  for (let i = 0; i < nItems; i++) if (counts[i] > 0) candidates.push(i);
  candidates.sort((a, b) => counts[b] - counts[a] || a - b);
  const n = Math.min(config.maxItems, candidates.length);
  const itemIdxs = Int32Array.from(candidates.slice(0, n));
  const position = new Int32Array(nItems).fill(-1);
  for (let q = 0; q < n; q++) position[itemIdxs[q]] = q;

  // G = XᵀX + λI over the modelled items, lower triangle then mirrored.
  const G = new Float64Array(n * n);
  const rowPos = new Int32Array(nItems);
  const rowW = new Float64Array(nItems);
  const grading = { threshold: config.threshold, minWeight: config.minWeight, scaleMax: data.scale[1] };
  for (let u = 0; u < data.byUser.nRows; u++) {
    let m = 0;
    for (let p = indptr[u]; p < indptr[u + 1]; p++) {
      const q = position[indices[p]];
      if (q >= 0 && values[p] >= config.threshold) {
        // An implicit entry's X weight is its kind's confidence (core/interactions.ts); a rating's is its grading.
        rowW[m] = easeWeight(grading, values[p]) * confidenceAt(data, p);
        rowPos[m++] = q;
      }
    }
    for (let a = 0; a < m; a++) {
      const qa = rowPos[a];
      const ra = qa * n;
      const wa = rowW[a];
      for (let b = 0; b < m; b++) {
        const qb = rowPos[b];
        if (qb <= qa) G[ra + qb] += wa * rowW[b];
      }
    }
  }
  const emphasis = config.dropout / (1 - config.dropout);
  for (let q = 0; q < n; q++) G[q * n + q] += config.lambda + emphasis * G[q * n + q];
  for (let a = 0; a < n; a++) for (let b = 0; b < a; b++) G[b * n + a] = G[a * n + b];

  const P = invertSpd(G, n);
  if (!P) throw new ModelFitError('ease: XᵀX + λI is not positive definite; raise lambda');
  const weights = new Float32Array(n * n);
  for (let j = 0; j < n; j++) {
    const inv = -1 / P[j * n + j];
    // P is symmetric: column j of P is row j, so Bᵢⱼ = −Pⱼᵢ/Pⱼⱼ reads contiguously.
    for (let i = 0; i < n; i++) weights[i * n + j] = P[j * n + i] * inv;
    weights[j * n + j] = 0;
  }
  if (!allFinite(weights)) throw new ModelFitError('ease: non-finite weights; raise lambda');
  return {
    kind: 'ease',
    nItems,
    n,
    itemIdxs,
    position,
    weights,
    threshold: config.threshold,
    lambda: config.lambda,
    minWeight: config.minWeight,
    scaleMax: data.scale[1],
  };
}

/**
 * Scores every item for a rating history (any user, including one not in the train data: EASE needs
 * no fold-in): out[i] = Σ_{j ∈ history, rating ≥ threshold} B_ji; unmodelled items get
 * {@link EASE_UNMODELLED_SCORE}. O(nItems + h·n) for h positives in the history.
 */
export function scoreEaseHistory(
  model: EaseModel,
  itemIdxs: ArrayLike<number>,
  ratings: ArrayLike<number>,
  out: Float32Array,
  confidence?: ArrayLike<number>,
): void {
  if (out.length !== model.nItems) throw new ShapeError(`out has length ${out.length}, expected ${model.nItems}`);
  if (itemIdxs.length !== ratings.length)
    throw new ShapeError(`${itemIdxs.length} items but ${ratings.length} ratings`);
  const n = model.n;
  const acc = new Float64Array(n);
  const W = model.weights;
  for (let t = 0; t < itemIdxs.length; t++) {
    const i = itemIdxs[t];
    if (i < 0 || i >= model.nItems || !(ratings[t] >= model.threshold)) continue;
    const q = model.position[i];
    if (q < 0) continue;
    const row = q * n;
    const x = easeWeight(model, ratings[t]) * (confidence ? confidence[t] : 1);
    for (let c = 0; c < n; c++) acc[c] += x * W[row + c];
  }
  out.fill(EASE_UNMODELLED_SCORE);
  for (let c = 0; c < n; c++) out[model.itemIdxs[c]] = acc[c];
}

/**
 * {@link Recommender} adapter; a ranking model. `predict` maps the EASE score (≈ 0..1 for a liked
 * item's neighbourhood) linearly onto the rating scale after clamping to [0, 1]; unknown users or
 * unmodelled items get the bottom of the scale. Use it for ordering, not as an RMSE model.
 */
export const easeRecommender: Recommender<EaseConfig, EaseModel> = {
  name: 'ease',
  fit: (data, config) => fitEase(data, EaseConfig.parse(config)),
  predict(model, ratings, userIdx, itemIdx) {
    const data = interactionView(ratings);
    const [lo, hi] = data.scale;
    if (userIdx < 0 || userIdx >= data.byUser.nRows || itemIdx < 0 || itemIdx >= model.nItems) return lo;
    const c = model.position[itemIdx];
    if (c < 0) return lo;
    const { indptr, indices, values } = data.byUser;
    let s = 0;
    for (let p = indptr[userIdx]; p < indptr[userIdx + 1]; p++) {
      const q = model.position[indices[p]];
      if (q >= 0 && values[p] >= model.threshold)
        s += easeWeight(model, values[p]) * confidenceAt(data, p) * model.weights[q * model.n + c];
    }
    return lo + (hi - lo) * Math.min(1, Math.max(0, s));
  },
  scoreItems(model, ratings, userIdx, out) {
    const data = interactionView(ratings);
    if (userIdx < 0 || userIdx >= data.byUser.nRows) {
      out.fill(0); // no history: the caller falls back to popularity
      return;
    }
    const { indptr, indices, values } = data.byUser;
    scoreEaseHistory(
      model,
      indices.subarray(indptr[userIdx], indptr[userIdx + 1]),
      values.subarray(indptr[userIdx], indptr[userIdx + 1]),
      out,
      data.confidence?.subarray(indptr[userIdx], indptr[userIdx + 1]),
    );
  },
  recommend(model, data, userIdx, k, opts?: RecommendOptions): ScoredItem[] {
    const scores = new Float32Array(model.nItems);
    easeRecommender.scoreItems(model, data, userIdx, scores);
    return topKFromScores(scores, data, userIdx, k, opts);
  },
};
