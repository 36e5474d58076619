/**
 * Helpers shared by the factor models (biased MF, SVD++, implicit ALS, EASE): top-k selection
 * with exclusions, rating clipping, seeded factor initialisation, and the SGD set-up, state and
 * adapter common to biased MF and SVD++.
 */
import { z } from 'zod';
import type { RatingMatrix, Recommender, RecommendOptions, ScoredItem } from '../core/types';
import { ModelFitError, ShapeError } from '../core/types';
import { createRng, type Rng } from '../core/rng';
import { allFinite } from '../core/linalg';
import { createTopScratch, offerTop, topOrder } from '../core/select-top';
import { banImplicit } from '../core/interactions';

/** Clips a predicted rating to the data set's scale. */
export function clipRating(x: number, scale: readonly [number, number]): number {
  return x < scale[0] ? scale[0] : x > scale[1] ? scale[1] : x;
}

/**
 * Top-k items by score, highest first (ties → lower itemIdx first), skipping the user's train items
 * (when userIdx ≥ 0), `opts.exclude`, and anything outside `opts.candidates`.
 * A size-k min-heap: O(nItems · log k) time, O(k) memory.
 */
export function topKFromScores(
  scores: Float32Array,
  data: RatingMatrix,
  userIdx: number,
  k: number,
  opts: RecommendOptions = {},
): ScoredItem[] {
  const n = scores.length;
  const banned = new Uint8Array(n);
  if (userIdx >= 0 && userIdx < data.byUser.nRows) {
    const { indptr, indices } = data.byUser;
    for (let p = indptr[userIdx]; p < indptr[userIdx + 1]; p++) banned[indices[p]] = 1;
  }
  banImplicit(banned, data, userIdx);
  if (opts.exclude) for (const i of opts.exclude) if (i >= 0 && i < n) banned[i] = 1;
  if (k <= 0) return [];
  const heap = createTopScratch(k);
  let size = 0;
  const offer = (i: number): void => {
    if (banned[i]) return;
    const s = scores[i];
    if (!Number.isNaN(s)) size = offerTop(heap, size, k, s, i);
  };
  if (opts.candidates) {
    for (let c = 0; c < opts.candidates.length; c++) {
      const i = opts.candidates[c];
      if (i >= 0 && i < n) {
        offer(i);
        banned[i] = 1; // a candidate listed twice is offered once
      }
    }
  } else {
    for (let i = 0; i < n; i++) offer(i);
  }
  return topOrder(heap, size).map((x) => ({ itemIdx: heap.id[x], score: heap.score[x] }));
}

/** n × k row-major Float32Array with N(0, std²) entries from `rng`. */
export function normalFactors(n: number, k: number, std: number, rng: Rng): Float32Array {
  const out = new Float32Array(n * k);
  if (std === 0) return out;
  for (let p = 0; p < out.length; p++) out[p] = rng.normal() * std;
  return out;
}

/** Row index of every stored entry of a CSR (the "user" column of the COO triples). O(nnz). */
export function rowOfEntries(indptr: Int32Array, nRows: number): Int32Array {
  const out = new Int32Array(indptr[nRows]);
  for (let r = 0; r < nRows; r++) out.fill(r, indptr[r], indptr[r + 1]);
  return out;
}

/**
 * The hyper-parameters biased MF and SVD++ share (Surprise's names in the descriptions), with the
 * defaults that differ between them; `per` names what one epoch visits.
 */
export function sgdConfigFields(d: { factors: number; epochs: number; lrDecay: number; per: 'ratings' | 'users' }) {
  return {
    factors: z.number().int().min(1).max(1024).default(d.factors).describe('latent dimension k'),
    epochs: z.number().int().min(0).max(10_000).default(d.epochs).describe(`SGD passes over all ${d.per}`),
    /** SGD learning rate of the factors (Surprise lr_all). */
    lr: z.number().positive().max(1).default(0.02).describe('SGD learning rate of the factors (Surprise lr_all)'),
    /** L2 penalty on the factors, applied per rating as in Surprise (reg_all). */
    reg: z.number().min(0).default(0.1).describe('L2 penalty on the factors, per rating (Surprise reg_all)'),
    /** L2 penalty on the biases; defaults to `reg`. */
    regBias: z.number().min(0).optional().describe('L2 penalty on the biases (default = reg)'),
    /** Learning rate of the biases; defaults to `lr`. */
    lrBias: z.number().positive().max(1).optional().describe('learning rate of the biases (default = lr)'),
    /** Multiplier applied to the learning rates after every epoch (1 = constant). */
    lrDecay: z.number().positive().max(1).default(d.lrDecay).describe('learning-rate multiplier after every epoch'),
    /** Std of the normal initialisation of the factors (Surprise init_std_dev). */
    initStd: z.number().min(0).default(0.1).describe('std of the normal factor initialisation'),
    /** Visit the ratings (users) in a fresh seeded random order every epoch. */
    shuffle: z.boolean().default(true).describe(`visit ${d.per} in a fresh seeded order each epoch`),
    seed: z.number().int().default(42).describe('random seed (same seed → same model)'),
  };
}

/** The parsed shared hyper-parameters. */
export interface SgdConfig {
  factors: number;
  epochs: number;
  lr: number;
  reg: number;
  regBias?: number;
  lrBias?: number;
  lrDecay: number;
  initStd: number;
  shuffle: boolean;
  seed: number;
}

/** Learned state biased MF and SVD++ share. Factor matrices are row-major Float32Array (`m[row * k + f]`). */
export interface SgdFactorModel {
  readonly k: number;
  readonly nUsers: number;
  readonly nItems: number;
  readonly globalMean: number;
  readonly scale: readonly [number, number];
  /** Length nUsers. */
  readonly userBias: Float32Array;
  /** Length nItems. */
  readonly itemBias: Float32Array;
  /** nUsers × k. */
  readonly userFactors: Float32Array;
  /** nItems × k. */
  readonly itemFactors: Float32Array;
}

/**
 * Starting point: zero biases, N(0, initStd²) user then item factors drawn from `rng`
 * (a model with more factor matrices keeps drawing from the same `rng`).
 */
export function initSgdFactors(data: RatingMatrix, config: SgdConfig, rng: Rng): SgdFactorModel {
  const nUsers = data.users.size;
  const nItems = data.items.size;
  const k = config.factors;
  return {
    k,
    nUsers,
    nItems,
    globalMean: data.globalMean,
    scale: data.scale,
    userBias: new Float32Array(nUsers),
    itemBias: new Float32Array(nItems),
    userFactors: normalFactors(nUsers, k, config.initStd, rng),
    itemFactors: normalFactors(nItems, k, config.initStd, rng),
  };
}

/** Mutable float64 training state of an SGD fit (V8 is faster on float64, and no rounding drift). */
export interface SgdState {
  bu: Float64Array;
  bi: Float64Array;
  P: Float64Array;
  Q: Float64Array;
  lr: number;
  lrB: number;
  reg: number;
  regB: number;
  /** The shuffling stream (seeded apart from the initialisation's). */
  rng: Rng;
}

/**
 * Checks a warm start against the data and `factors`, and copies it into float64 training state.
 * @throws ShapeError on a shape mismatch.
 */
export function sgdState(start: SgdFactorModel, data: RatingMatrix, config: SgdConfig): SgdState {
  if (start.nUsers !== data.users.size || start.nItems !== data.items.size || start.k !== config.factors) {
    throw new ShapeError(
      `warm start is ${start.nUsers}×${start.nItems}×${start.k}, data needs ${data.users.size}×${data.items.size}×${config.factors}`,
    );
  }
  return {
    bu: Float64Array.from(start.userBias),
    bi: Float64Array.from(start.itemBias),
    P: Float64Array.from(start.userFactors),
    Q: Float64Array.from(start.itemFactors),
    lr: config.lr,
    lrB: config.lrBias ?? config.lr,
    reg: config.reg,
    regB: config.regBias ?? config.reg,
    rng: createRng((config.seed ^ 0x5eed) >>> 0),
  };
}

/** Identity permutation 0..n−1. */
export function identityOrder(n: number): Int32Array {
  const order = new Int32Array(n);
  for (let p = 0; p < n; p++) order[p] = p;
  return order;
}

/**
 * The fitted biases and factors as float32 model fields.
 * @throws ModelFitError when any of them (or an `extra` array) is not finite.
 */
export function sgdResult(
  name: string,
  s: SgdState,
  data: RatingMatrix,
  extra: Float64Array[] = [],
): Pick<SgdFactorModel, 'globalMean' | 'scale' | 'userBias' | 'itemBias' | 'userFactors' | 'itemFactors'> {
  if (![s.P, s.Q, s.bu, s.bi, ...extra].every(allFinite))
    throw new ModelFitError(`${name}: non-finite factors after SGD; lower lr or raise reg`);
  return {
    globalMean: data.globalMean,
    scale: data.scale,
    userBias: Float32Array.from(s.bu),
    itemBias: Float32Array.from(s.bi),
    userFactors: Float32Array.from(s.P),
    itemFactors: Float32Array.from(s.Q),
  };
}

/**
 * Unclipped score μ + bᵤ + bᵢ + qᵢ·(pᵤ + extraᵤ) (extra: SVD++'s cached implicit sum, or none);
 * an unknown user (−1) scores μ + bᵢ, an unknown item μ + bᵤ. O(k).
 */
export function scoreSgdModel(
  model: SgdFactorModel,
  userIdx: number,
  itemIdx: number,
  userExtra: Float32Array | null = null,
): number {
  const hasU = userIdx >= 0 && userIdx < model.nUsers;
  const hasI = itemIdx >= 0 && itemIdx < model.nItems;
  let s = model.globalMean + (hasU ? model.userBias[userIdx] : 0) + (hasI ? model.itemBias[itemIdx] : 0);
  if (hasU && hasI) {
    const k = model.k;
    const uo = userIdx * k;
    const io = itemIdx * k;
    const P = model.userFactors;
    const Q = model.itemFactors;
    if (userExtra) for (let f = 0; f < k; f++) s += (P[uo + f] + userExtra[uo + f]) * Q[io + f];
    else for (let f = 0; f < k; f++) s += P[uo + f] * Q[io + f];
  }
  return s;
}

/**
 * The {@link Recommender} adapter of a rating model with an unclipped score: predictions clipped to
 * the scale, ranking by the unclipped score.
 */
export function scoredRatingRecommender<C, M extends { readonly nItems: number }>(
  name: string,
  fit: (data: RatingMatrix, config: C) => M,
  score: (model: M, userIdx: number, itemIdx: number) => number,
): Recommender<C, M> {
  const rec: Recommender<C, M> = {
    name,
    fit,
    predict: (model, data, userIdx, itemIdx) => clipRating(score(model, userIdx, itemIdx), data.scale),
    scoreItems(model, _data, userIdx, out) {
      for (let i = 0; i < model.nItems; i++) out[i] = score(model, userIdx, i);
    },
    recommend(model, data, userIdx, k, opts?: RecommendOptions): ScoredItem[] {
      const scores = new Float32Array(model.nItems);
      rec.scoreItems(model, data, userIdx, scores);
      return topKFromScores(scores, data, userIdx, k, opts);
    },
  };
  return rec;
}

/** Squared norm of row `row` of a row-major k-wide matrix. */
function rowSq(arr: Float32Array, row: number, k: number): number {
  let s = 0;
  for (let f = 0; f < k; f++) s += arr[row * k + f] ** 2;
  return s;
}

/**
 * The SGD objective Σ₍ᵤ,ᵢ₎ [½ eᵤᵢ² + ½ λ_b (bᵤ² + bᵢ²) + ½ λ (‖pᵤ‖² + ‖qᵢ‖² + extraSqᵤ)] with
 * e = r − {@link scoreSgdModel}(u, i, userExtra); `extraSq(u)` adds a per-user penalty (SVD++'s
 * Σ_{j∈N(u)} ‖yⱼ‖²), 0 when omitted. O(nnz · k).
 */
export function sgdLoss(
  model: SgdFactorModel,
  data: RatingMatrix,
  config: SgdConfig,
  userExtra: Float32Array | null = null,
  extraSq: (u: number) => number = () => 0,
): number {
  const { indptr, indices, values } = data.byUser;
  const k = model.k;
  const regB = config.regBias ?? config.reg;
  let loss = 0;
  for (let u = 0; u < data.byUser.nRows; u++) {
    const pu2 = rowSq(model.userFactors, u, k) + extraSq(u);
    for (let p = indptr[u]; p < indptr[u + 1]; p++) {
      const i = indices[p];
      const e = values[p] - scoreSgdModel(model, u, i, userExtra);
      loss +=
        0.5 * e * e +
        0.5 * regB * (model.userBias[u] ** 2 + model.itemBias[i] ** 2) +
        0.5 * config.reg * (pu2 + rowSq(model.itemFactors, i, k));
    }
  }
  return loss;
}

/** Gradient of {@link sgdLoss} in the model's layouts. */
export interface SgdGradient {
  userBias: Float64Array;
  itemBias: Float64Array;
  userFactors: Float64Array;
  itemFactors: Float64Array;
}

/**
 * Gradient of {@link sgdLoss} w.r.t. biases and factors. `afterUser(u, acc)` is called after each
 * user with acc = Σᵢ eᵤᵢ qᵢ over the user's ratings (what SVD++'s y-gradient needs). O(nnz · k).
 */
export function sgdGradient(
  model: SgdFactorModel,
  data: RatingMatrix,
  config: SgdConfig,
  userExtra: Float32Array | null = null,
  afterUser?: (u: number, acc: Float64Array) => void,
): SgdGradient {
  const { indptr, indices, values } = data.byUser;
  const k = model.k;
  const reg = config.reg;
  const regB = config.regBias ?? config.reg;
  const g: SgdGradient = {
    userBias: new Float64Array(model.nUsers),
    itemBias: new Float64Array(model.nItems),
    userFactors: new Float64Array(model.nUsers * k),
    itemFactors: new Float64Array(model.nItems * k),
  };
  const acc = new Float64Array(k);
  for (let u = 0; u < data.byUser.nRows; u++) {
    acc.fill(0);
    for (let p = indptr[u]; p < indptr[u + 1]; p++) {
      const i = indices[p];
      const e = values[p] - scoreSgdModel(model, u, i, userExtra);
      g.userBias[u] += -e + regB * model.userBias[u];
      g.itemBias[i] += -e + regB * model.itemBias[i];
      for (let f = 0; f < k; f++) {
        const pf = model.userFactors[u * k + f];
        const qf = model.itemFactors[i * k + f];
        g.userFactors[u * k + f] += -e * qf + reg * pf;
        g.itemFactors[i * k + f] += -e * (pf + (userExtra ? userExtra[u * k + f] : 0)) + reg * qf;
        acc[f] += e * qf;
      }
    }
    afterUser?.(u, acc);
  }
  return g;
}
