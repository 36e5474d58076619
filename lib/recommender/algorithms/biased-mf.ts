/**
 * Biased matrix factorisation trained by SGD — Funk's "SVD" as formalised by Koren, Bell & Volinsky
 * (2009, "Matrix factorization techniques for recommender systems", eq. 5) and implemented by
 * Surprise's `SVD`: r̂ᵤᵢ = μ + bᵤ + bᵢ + qᵢ·pᵤ.
 */
import { z } from 'zod';
import type { RatingMatrix } from '../core/types';
import { createRng, shuffleInPlace } from '../core/rng';
import { dot4 } from '../core/linalg';
import { createSgdRunner } from '../kernels/sgd-wasm';
import {
  identityOrder,
  initSgdFactors,
  rowOfEntries,
  scoredRatingRecommender,
  scoreSgdModel,
  sgdConfigFields,
  sgdResult,
  sgdGradient,
  sgdLoss,
  sgdState,
  type SgdFactorModel,
  type SgdGradient,
} from './mf-common';

/**
 * Hyper-parameters. Defaults were chosen on a 10% validation split carved (seed 7) from ml-100k
 * u1.base — never on a test file; Surprise's SVD defaults are factors 100, lr 0.005, reg 0.02.
 */
export const BiasedMfConfig = z.object(sgdConfigFields({ factors: 40, epochs: 20, lrDecay: 1, per: 'ratings' }));
export type BiasedMfConfig = z.infer<typeof BiasedMfConfig>;

export const DEFAULT_BIASED_MF: BiasedMfConfig = BiasedMfConfig.parse({});

/** Learned state (see {@link SgdFactorModel} for the layouts). */
export interface BiasedMfModel extends SgdFactorModel {
  readonly kind: 'biased-mf';
}

/** Random starting point: zero biases, N(0, initStd²) factors (same draws as `fitBiasedMf` with 0 epochs). */
export function initBiasedMf(data: RatingMatrix, config: BiasedMfConfig): BiasedMfModel {
  return { kind: 'biased-mf', ...initSgdFactors(data, config, createRng(config.seed)) };
}

/**
 * Fits biased MF by SGD on the squared error with per-rating L2 penalties, exactly Surprise's update:
 * e = r − r̂; bᵤ += γ(e − λ_b bᵤ); bᵢ += γ(e − λ_b bᵢ); pᵤ += γ(e qᵢ − λ pᵤ); qᵢ += γ(e pᵤ − λ qᵢ)
 * (both factor updates use the values from before the step).
 *
 * @param init optional warm start (copied, never mutated); must match the data's shape and `factors`.
 * @param kernel 'auto' runs the epochs on the WebAssembly SIMD kernel (kernels/sgd-wasm.ts) when it can, 'js' always
 * in TypeScript; both give the same bits.
 * Time O(epochs · nnz · k); memory O((nUsers + nItems) · k + nnz) (plus a 20-byte-per-rating copy on the kernel).
 * @throws ModelFitError when the factors diverge (lower lr or raise reg).
 */
export function fitBiasedMf(
  data: RatingMatrix,
  config: BiasedMfConfig,
  init?: BiasedMfModel,
  kernel: 'auto' | 'js' = 'auto',
): BiasedMfModel {
  const start = init ?? initBiasedMf(data, config);
  const st = sgdState(start, data, config);
  const { bu, bi, P, Q, reg, regB } = st;
  const k = config.factors;
  const mu = data.globalMean;
  const { indptr, indices, values } = data.byUser;
  const nnz = indptr[data.byUser.nRows];
  const users = rowOfEntries(indptr, data.byUser.nRows);
  // The same epochs on the WebAssembly SIMD kernel (same operations in the same order: same bits), when it can run.
  const wasm = kernel === 'auto' ? createSgdRunner(st, users, indices, values, k, mu) : null;
  if (wasm) {
    for (let epoch = 0; epoch < config.epochs; epoch++) {
      if (config.shuffle) shuffleInPlace(wasm.order, st.rng);
      wasm.epoch(st.lr, st.lrB, regB, 1 - st.lr * reg);
      st.lr *= config.lrDecay;
      st.lrB *= config.lrDecay;
    }
    wasm.finish();
    return { ...start, ...sgdResult('biased-mf', st, data) };
  }
  const order = identityOrder(nnz);

  for (let epoch = 0; epoch < config.epochs; epoch++) {
    if (config.shuffle) shuffleInPlace(order, st.rng);
    const { lr, lrB } = st;
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
    st.lr *= config.lrDecay;
    st.lrB *= config.lrDecay;
  }
  return { ...start, ...sgdResult('biased-mf', st, data) };
}

/**
 * Unclipped score μ + bᵤ + bᵢ + qᵢ·pᵤ; an unknown user (−1) scores μ + bᵢ, an unknown item μ + bᵤ. O(k).
 */
export function scoreBiasedMf(model: BiasedMfModel, userIdx: number, itemIdx: number): number {
  return scoreSgdModel(model, userIdx, itemIdx);
}

/**
 * Training objective Σ₍ᵤ,ᵢ₎ [½ eᵤᵢ² + ½ λ_b (bᵤ² + bᵢ²) + ½ λ (‖pᵤ‖² + ‖qᵢ‖²)] — the function whose
 * per-rating gradient the SGD step follows. O(nnz · k).
 */
export function biasedMfLoss(model: BiasedMfModel, data: RatingMatrix, config: BiasedMfConfig): number {
  return sgdLoss(model, data, config);
}

/** Gradient of {@link biasedMfLoss} w.r.t. every parameter, same layouts as the model (Float64Array). O(nnz · k). */
export function biasedMfGradient(model: BiasedMfModel, data: RatingMatrix, config: BiasedMfConfig): SgdGradient {
  return sgdGradient(model, data, config);
}

/** {@link Recommender} adapter: predictions clipped to the scale; ranking by the unclipped score. */
export const biasedMfRecommender = scoredRatingRecommender<BiasedMfConfig, BiasedMfModel>(
  'biased-mf',
  (data, config) => fitBiasedMf(data, BiasedMfConfig.parse(config)),
  scoreBiasedMf,
);
