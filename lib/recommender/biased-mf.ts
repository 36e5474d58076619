/**
 * Biased matrix factorisation trained by SGD — Funk's "SVD" as formalised by Koren, Bell & Volinsky
 * (2009, "Matrix factorization techniques for recommender systems", eq. 5) and implemented by
 * Surprise's `SVD`: r̂ᵤᵢ = μ + bᵤ + bᵢ + qᵢ·pᵤ.
 */
import { z } from 'zod';
import type { RatingMatrix, Recommender, RecommendOptions, ScoredItem } from './types';
import { ModelFitError, ShapeError } from './types';
import { createRng } from './rng';
import { allFinite } from './linalg';
import { clipRating, normalFactors, rowOfEntries, topKFromScores } from './mf-common';

/**
 * Hyper-parameters. Defaults were chosen on a 10% validation split carved (seed 7) from ml-100k
 * u1.base — never on a test file; Surprise's SVD defaults are factors 100, lr 0.005, reg 0.02.
 */
export const BiasedMfConfig = z.object({
  /** Latent dimension k. */
  factors: z.number().int().min(1).max(1024).default(40).describe('latent dimension k'),
  /** Passes over all ratings. */
  epochs: z.number().int().min(0).max(10_000).default(20).describe('SGD passes over all ratings'),
  /** SGD learning rate (Surprise lr_all). */
  lr: z.number().positive().max(1).default(0.02).describe('SGD learning rate of the factors (Surprise lr_all)'),
  /** L2 penalty on factors (Surprise reg_all), applied per rating as in Surprise. */
  reg: z.number().min(0).default(0.1).describe('L2 penalty on factors, per rating (Surprise reg_all)'),
  /** L2 penalty on the biases; defaults to `reg`. */
  regBias: z.number().min(0).optional().describe('L2 penalty on the biases (default = reg)'),
  /** Learning rate of the biases; defaults to `lr`. */
  lrBias: z.number().positive().max(1).optional().describe('learning rate of the biases (default = lr)'),
  /** Multiplier applied to the learning rates after every epoch (1 = constant). */
  lrDecay: z.number().positive().max(1).default(1).describe('learning-rate multiplier after every epoch'),
  /** Std of the normal initialisation of the factors (Surprise init_std_dev). */
  initStd: z.number().min(0).default(0.1).describe('std of the normal factor initialisation'),
  /** Visit the ratings in a fresh seeded random order every epoch (else CSR order, like Surprise). */
  shuffle: z.boolean().default(true).describe('visit ratings in a fresh seeded order each epoch'),
  seed: z.number().int().default(42).describe('random seed (same seed → same model)'),
});
export type BiasedMfConfig = z.infer<typeof BiasedMfConfig>;

export const DEFAULT_BIASED_MF: BiasedMfConfig = BiasedMfConfig.parse({});

/** Learned state. Factor matrices are row-major Float32Array: `userFactors[u * k + f]`. */
export interface BiasedMfModel {
  readonly kind: 'biased-mf';
  readonly k: number;
  readonly nUsers: number;
  readonly nItems: number;
  readonly globalMean: number;
  readonly scale: readonly [number, number];
  /** Length nUsers. */
  readonly userBias: Float32Array;
  /** Length nItems. */
  readonly itemBias: Float32Array;
  /** nUsers × k, row-major. */
  readonly userFactors: Float32Array;
  /** nItems × k, row-major. */
  readonly itemFactors: Float32Array;
}

/** Random starting point: zero biases, N(0, initStd²) factors (same draws as `fitBiasedMf` with 0 epochs). */
export function initBiasedMf(data: RatingMatrix, config: BiasedMfConfig): BiasedMfModel {
  const rng = createRng(config.seed);
  const nUsers = data.users.size;
  const nItems = data.items.size;
  const k = config.factors;
  const userFactors = normalFactors(nUsers, k, config.initStd, rng);
  const itemFactors = normalFactors(nItems, k, config.initStd, rng);
  return {
    kind: 'biased-mf',
    k,
    nUsers,
    nItems,
    globalMean: data.globalMean,
    scale: data.scale,
    userBias: new Float32Array(nUsers),
    itemBias: new Float32Array(nItems),
    userFactors,
    itemFactors,
  };
}

/**
 * Fits biased MF by SGD on the squared error with per-rating L2 penalties, exactly Surprise's update:
 * e = r − r̂; bᵤ += γ(e − λ_b bᵤ); bᵢ += γ(e − λ_b bᵢ); pᵤ += γ(e qᵢ − λ pᵤ); qᵢ += γ(e pᵤ − λ qᵢ)
 * (both factor updates use the values from before the step).
 *
 * @param init optional warm start (copied, never mutated); must match the data's shape and `factors`.
 * Time O(epochs · nnz · k); memory O((nUsers + nItems) · k + nnz).
 * @throws ModelFitError when the factors diverge (lower lr or raise reg).
 */
export function fitBiasedMf(data: RatingMatrix, config: BiasedMfConfig, init?: BiasedMfModel): BiasedMfModel {
  const start = init ?? initBiasedMf(data, config);
  if (start.nUsers !== data.users.size || start.nItems !== data.items.size || start.k !== config.factors) {
    throw new ShapeError(`warm start is ${start.nUsers}×${start.nItems}×${start.k}, data needs ${data.users.size}×${data.items.size}×${config.factors}`);
  }
  const k = config.factors;
  // Train in float64 (faster in V8 than float32 loads/stores, and no rounding drift), store float32.
  const bu = Float64Array.from(start.userBias);
  const bi = Float64Array.from(start.itemBias);
  const P = Float64Array.from(start.userFactors);
  const Q = Float64Array.from(start.itemFactors);
  const mu = data.globalMean;
  const { indptr, indices, values } = data.byUser;
  const nnz = indptr[data.byUser.nRows];
  const users = rowOfEntries(indptr, data.byUser.nRows);
  const order = new Int32Array(nnz);
  for (let p = 0; p < nnz; p++) order[p] = p;
  const rng = createRng((config.seed ^ 0x5eed) >>> 0);
  let lr = config.lr;
  let lrB = config.lrBias ?? config.lr;
  const reg = config.reg;
  const regB = config.regBias ?? config.reg;

  for (let epoch = 0; epoch < config.epochs; epoch++) {
    if (config.shuffle) {
      for (let a = nnz - 1; a > 0; a--) {
        const b = rng.int(a + 1);
        const t = order[a];
        order[a] = order[b];
        order[b] = t;
      }
    }
    for (let t = 0; t < nnz; t++) {
      const p = order[t];
      const u = users[p];
      const i = indices[p];
      const uo = u * k;
      const io = i * k;
      const e = values[p] - (mu + bu[u] + bi[i] + dot4(P, uo, Q, io, k));
      bu[u] += lrB * (e - regB * bu[u]);
      bi[i] += lrB * (e - regB * bi[i]);
      const le = lr * e;
      const decay = 1 - lr * reg;
      // pᵤ ← (1 − γλ)pᵤ + γe·qᵢ and qᵢ ← (1 − γλ)qᵢ + γe·pᵤ, both from the old values.
      for (let f = 0; f < k; f++) {
        const pf = P[uo + f];
        const qf = Q[io + f];
        P[uo + f] = decay * pf + le * qf;
        Q[io + f] = decay * qf + le * pf;
      }
    }
    lr *= config.lrDecay;
    lrB *= config.lrDecay;
  }
  if (!allFinite(P) || !allFinite(Q) || !allFinite(bu) || !allFinite(bi)) {
    throw new ModelFitError('biased-mf: non-finite factors after SGD; lower lr or raise reg');
  }
  return {
    ...start,
    globalMean: mu,
    scale: data.scale,
    userBias: Float32Array.from(bu),
    itemBias: Float32Array.from(bi),
    userFactors: Float32Array.from(P),
    itemFactors: Float32Array.from(Q),
  };
}

/** Σ_f a[ao + f]·b[bo + f] with four accumulators (V8 does not vectorise; one accumulator is latency-bound). */
function dot4(a: Float64Array, ao: number, b: Float64Array, bo: number, k: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let f = 0;
  for (; f + 3 < k; f += 4) {
    s0 += a[ao + f] * b[bo + f];
    s1 += a[ao + f + 1] * b[bo + f + 1];
    s2 += a[ao + f + 2] * b[bo + f + 2];
    s3 += a[ao + f + 3] * b[bo + f + 3];
  }
  for (; f < k; f++) s0 += a[ao + f] * b[bo + f];
  return s0 + s1 + s2 + s3;
}

/**
 * Unclipped score μ + bᵤ + bᵢ + qᵢ·pᵤ; an unknown user (−1) scores μ + bᵢ, an unknown item μ + bᵤ. O(k).
 */
export function scoreBiasedMf(model: BiasedMfModel, userIdx: number, itemIdx: number): number {
  const hasU = userIdx >= 0 && userIdx < model.nUsers;
  const hasI = itemIdx >= 0 && itemIdx < model.nItems;
  let s = model.globalMean + (hasU ? model.userBias[userIdx] : 0) + (hasI ? model.itemBias[itemIdx] : 0);
  if (hasU && hasI) {
    const k = model.k;
    const uo = userIdx * k;
    const io = itemIdx * k;
    for (let f = 0; f < k; f++) s += model.userFactors[uo + f] * model.itemFactors[io + f];
  }
  return s;
}

/**
 * Training objective Σ₍ᵤ,ᵢ₎ [½ eᵤᵢ² + ½ λ_b (bᵤ² + bᵢ²) + ½ λ (‖pᵤ‖² + ‖qᵢ‖²)] — the function whose
 * per-rating gradient the SGD step follows. O(nnz · k).
 */
export function biasedMfLoss(model: BiasedMfModel, data: RatingMatrix, config: BiasedMfConfig): number {
  const { indptr, indices, values } = data.byUser;
  const k = model.k;
  const reg = config.reg;
  const regB = config.regBias ?? config.reg;
  let loss = 0;
  for (let u = 0; u < data.byUser.nRows; u++) {
    let pu2 = 0;
    for (let f = 0; f < k; f++) pu2 += model.userFactors[u * k + f] ** 2;
    for (let p = indptr[u]; p < indptr[u + 1]; p++) {
      const i = indices[p];
      let qi2 = 0;
      for (let f = 0; f < k; f++) qi2 += model.itemFactors[i * k + f] ** 2;
      const e = values[p] - scoreBiasedMf(model, u, i);
      loss += 0.5 * e * e + 0.5 * regB * (model.userBias[u] ** 2 + model.itemBias[i] ** 2) + 0.5 * reg * (pu2 + qi2);
    }
  }
  return loss;
}

/** Gradient of {@link biasedMfLoss} w.r.t. every parameter, same layouts as the model (Float64Array). O(nnz · k). */
export function biasedMfGradient(
  model: BiasedMfModel,
  data: RatingMatrix,
  config: BiasedMfConfig,
): { userBias: Float64Array; itemBias: Float64Array; userFactors: Float64Array; itemFactors: Float64Array } {
  const { indptr, indices, values } = data.byUser;
  const k = model.k;
  const reg = config.reg;
  const regB = config.regBias ?? config.reg;
  const g = {
    userBias: new Float64Array(model.nUsers),
    itemBias: new Float64Array(model.nItems),
    userFactors: new Float64Array(model.nUsers * k),
    itemFactors: new Float64Array(model.nItems * k),
  };
  for (let u = 0; u < data.byUser.nRows; u++) {
    for (let p = indptr[u]; p < indptr[u + 1]; p++) {
      const i = indices[p];
      const e = values[p] - scoreBiasedMf(model, u, i);
      g.userBias[u] += -e + regB * model.userBias[u];
      g.itemBias[i] += -e + regB * model.itemBias[i];
      for (let f = 0; f < k; f++) {
        const pf = model.userFactors[u * k + f];
        const qf = model.itemFactors[i * k + f];
        g.userFactors[u * k + f] += -e * qf + reg * pf;
        g.itemFactors[i * k + f] += -e * pf + reg * qf;
      }
    }
  }
  return g;
}

/** {@link Recommender} adapter: predictions clipped to the scale; ranking by the unclipped score. */
export const biasedMfRecommender: Recommender<BiasedMfConfig, BiasedMfModel> = {
  name: 'biased-mf',
  fit: (data, config) => fitBiasedMf(data, BiasedMfConfig.parse(config)),
  predict: (model, data, userIdx, itemIdx) => clipRating(scoreBiasedMf(model, userIdx, itemIdx), data.scale),
  scoreItems(model, _data, userIdx, out) {
    for (let i = 0; i < model.nItems; i++) out[i] = scoreBiasedMf(model, userIdx, i);
  },
  recommend(model, data, userIdx, k, opts?: RecommendOptions): ScoredItem[] {
    const scores = new Float32Array(model.nItems);
    biasedMfRecommender.scoreItems(model, data, userIdx, scores);
    return topKFromScores(scores, data, userIdx, k, opts);
  },
};
