/**
 * Implicit-feedback ALS (Hu, Koren & Volinsky 2008, "Collaborative Filtering for Implicit Feedback
 * Datasets") with the conjugate-gradient row solver of Takács, Pilászy & Tikk (2011, "Applications
 * of the conjugate gradient method for implicit feedback collaborative filtering"), as in
 * implicit's `cg` solver: a few CG steps per row, warm-started from the previous factors.
 *
 * Objective: Σ_{u,i} c_ui (p_ui − xᵤ·yᵢ)² + λ (Σ‖xᵤ‖² + Σ‖yᵢ‖²) over all user–item pairs, with
 * p_ui = 1 and c_ui = 1 + α·w_ui for ratings ≥ threshold (w = 1, or the rating when
 * `confidence: 'rating'`), p_ui = 0 and c_ui = 1 elsewhere.
 */
import { z } from 'zod';
import type { Csr, RatingMatrix, Recommender, RecommendOptions, ScoredItem } from '../core/types';
import { ModelFitError, ShapeError } from '../core/types';
import { createRng } from '../core/rng';
import { allFinite, gram } from '../core/linalg';
import { topKFromScores } from './mf-common';
import { transpose } from '../core/sparse';
import { confidenceAt, type InteractionView, interactionView } from '../core/interactions';
import { runAlsHalfSweepParallel, toShared } from '../kernels/als-pool';
import { gramWasm, planWoodbury, solveRows } from '../kernels/als-solve';

export { solveRows };

/**
 * Hyper-parameters. reg and alpha were chosen on a validation split carved from the ml-latest-small
 * ranking train file (each user's latest 20% of train ratings), never on test; implicit's own
 * defaults are reg 0.01, alpha 1.
 */
export const ImplicitAlsConfig = z.object({
  factors: z.number().int().min(1).max(1024).default(64).describe('latent dimension k'),
  iterations: z.number().int().min(0).max(1000).default(15).describe('ALS sweeps (users then items)'),
  /** λ, L2 penalty on both factor matrices. */
  reg: z.number().min(0).default(20).describe('λ, L2 penalty on both factor matrices'),
  /** α in c = 1 + α·w. */
  alpha: z.number().min(0).default(2).describe('confidence c = 1 + alpha·w on positives'),
  /** Ratings below this are dropped (not positive); ratings ≥ it are positives. */
  threshold: z.number().default(3.5).describe('ratings ≥ threshold are positives; the rest are dropped'),
  /** w = 1 for every positive ('binary', implicit's benchmark setting) or w = the rating. */
  confidence: z.enum(['binary', 'rating']).default('binary').describe("w = 1 ('binary') or w = the rating ('rating')"),
  /** 'cg': `cgSteps` warm-started CG steps per row; 'cholesky': exact solve per row (O(k³)). */
  solver: z
    .enum(['cg', 'cholesky'])
    .default('cg')
    .describe("'cg' (warm-started CG steps) or 'cholesky' (exact per row)"),
  cgSteps: z.number().int().min(1).max(100).default(3).describe('CG steps per row and sweep'),
  /** With 'cg': solve rows with few positives exactly by the Woodbury identity when cheaper than CG. */
  woodbury: z.boolean().default(true).describe("with 'cg': exact Woodbury solve for short rows when cheaper"),
  /** Std of the initial factors (uniform draws scaled like implicit's rand·0.01 → normal·initStd). */
  initStd: z.number().min(0).default(0.01).describe('std of the normal factor initialisation'),
  /** Compute the objective after every iteration into `model.loss` (costs ≈ one extra CG step per user). */
  computeLoss: z.boolean().default(false).describe('record the objective after every iteration (model.loss)'),
  /** Worker threads for the half-sweeps (1 = in-thread). Results are identical for any value. */
  threads: z
    .number()
    .int()
    .min(1)
    .max(64)
    .default(1)
    .describe('threads for the half-sweeps (worker_threads; same result for any value)'),
  seed: z.number().int().default(42).describe('random seed (same seed → same model)'),
});
export type ImplicitAlsConfig = z.infer<typeof ImplicitAlsConfig>;

export const DEFAULT_IMPLICIT_ALS: ImplicitAlsConfig = ImplicitAlsConfig.parse({});

/** Learned state. Factor matrices are row-major Float32Array (`m[row * k + f]`). */
export interface ImplicitAlsModel {
  readonly kind: 'implicit-als';
  readonly k: number;
  readonly nUsers: number;
  readonly nItems: number;
  /** nUsers × k. */
  readonly userFactors: Float32Array;
  /** nItems × k. */
  readonly itemFactors: Float32Array;
  /** k × k YᵀY of the final item factors, row-major (for {@link recalculateUser}). */
  readonly itemGram: Float64Array;
  /** Objective after each iteration (empty unless `computeLoss`). */
  readonly loss: Float64Array;
  /** What {@link recalculateUser} needs to rebuild confidences exactly as in the fit. */
  readonly reg: number;
  readonly alpha: number;
  readonly threshold: number;
  readonly confidence: 'binary' | 'rating';
}

/**
 * Positives with their confidence minus one, (c − 1) = α·w, as CSR (users × items) and its transpose.
 * Ratings below `threshold` are dropped. O(nnz).
 */
export function implicitConfidence(
  data: InteractionView,
  config: Pick<ImplicitAlsConfig, 'alpha' | 'threshold' | 'confidence'>,
): { byUser: Csr; byItem: Csr } {
  const src = data.byUser;
  const indptr = new Int32Array(src.nRows + 1);
  let nnz = 0;
  for (let u = 0; u < src.nRows; u++) {
    for (let p = src.indptr[u]; p < src.indptr[u + 1]; p++) if (src.values[p] >= config.threshold) nnz++;
    indptr[u + 1] = nnz;
  }
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let q = 0;
  for (let p = 0; p < src.indptr[src.nRows]; p++) {
    const v = src.values[p];
    if (v < config.threshold) continue;
    indices[q] = src.indices[p];
    // An implicit entry (watch, like, watchlist add) scales α by its kind's confidence (core/interactions.ts).
    values[q] = config.alpha * (config.confidence === 'rating' ? v : 1) * confidenceAt(data, p);
    q++;
  }
  const byUser: Csr = { nRows: src.nRows, nCols: src.nCols, indptr, indices, values };
  return { byUser, byItem: transpose(byUser) };
}

/** YᵀY as a k × k Float64Array, on the SIMD kernels where available. O(nRows·k²/2). */
function factorGram(Y: Float32Array, nRows: number, k: number): Float64Array {
  return gramWasm(Y, nRows, k) ?? gram(Y, nRows, k);
}

/** YᵀY + λI as a k × k Float64Array. O(nRows·k²/2). */
export function regularizedGram(Y: Float32Array, nRows: number, k: number, reg: number): Float64Array {
  const G = factorGram(Y, nRows, k);
  for (let f = 0; f < k; f++) G[f * k + f] += reg;
  return G;
}

/**
 * The full objective Σ_{u,i} c_ui (p_ui − xᵤ·yᵢ)² + λ(‖X‖² + ‖Y‖²), computed without touching the
 * zero entries: Σᵤ xᵤᵀ(YᵀY)xᵤ + Σ_pos [c(1 − s)² − s²] with s = xᵤ·yᵢ. O(nUsers·k² + nnz·k).
 */
export function implicitAlsLoss(X: Float32Array, Y: Float32Array, conf: Csr, k: number, reg: number): number {
  const nUsers = conf.nRows;
  const nItems = conf.nCols;
  const YtY = factorGram(Y, nItems, k);
  let loss = 0;
  let norms = 0;
  for (let u = 0; u < nUsers; u++) {
    const xo = u * k;
    for (let f = 0; f < k; f++) {
      let s = 0;
      const gf = f * k;
      for (let g = 0; g < k; g++) s += YtY[gf + g] * X[xo + g];
      loss += X[xo + f] * s;
      norms += X[xo + f] * X[xo + f];
    }
    for (let p = conf.indptr[u]; p < conf.indptr[u + 1]; p++) {
      const yo = conf.indices[p] * k;
      let s = 0;
      for (let f = 0; f < k; f++) s += X[xo + f] * Y[yo + f];
      const c = 1 + conf.values[p];
      loss += c * (1 - s) * (1 - s) - s * s;
    }
  }
  for (let p = 0; p < nItems * k; p++) norms += Y[p] * Y[p];
  return loss + reg * norms;
}

/** Seeded starting factors N(0, initStd²), users first then items. */
function initFactors(
  n: number,
  k: number,
  std: number,
  rng: ReturnType<typeof createRng>,
  shared: boolean,
): Float32Array {
  const out = shared ? new Float32Array(new SharedArrayBuffer(n * k * 4)) : new Float32Array(n * k);
  for (let p = 0; p < out.length; p++) out[p] = rng.normal() * std;
  return out;
}

/**
 * Fits implicit ALS: `iterations` × (solve all users against fixed items, then all items against
 * fixed users), YᵀY (resp. XᵀX) computed once per half-sweep.
 *
 * Time per iteration O(nnz·k·(cgSteps+1)·2 + (nUsers+nItems)·k²·(cgSteps+1)) with CG; memory
 * O((nUsers + nItems)·k + nnz). With `threads` > 1 both half-sweeps are split across worker threads
 * over SharedArrayBuffer factors; the result does not depend on the thread count.
 * @throws ModelFitError on non-finite factors (lower alpha or raise reg).
 */
export function fitImplicitAls(ratings: RatingMatrix, config: ImplicitAlsConfig): ImplicitAlsModel {
  // Ratings plus the members' watches, likes and watchlist adds (core/interactions.ts): ALS is an implicit model.
  const data = interactionView(ratings);
  const k = config.factors;
  const nUsers = data.users.size;
  const nItems = data.items.size;
  const parallel = config.threads > 1;
  const confs = implicitConfidence(data, config);
  const share = (c: Csr): Csr =>
    parallel ? { ...c, indptr: toShared(c.indptr), indices: toShared(c.indices), values: toShared(c.values) } : c;
  const byUser = share(confs.byUser);
  const byItem = share(confs.byItem);
  const rng = createRng(config.seed);
  const X = initFactors(nUsers, k, config.initStd, rng, parallel);
  const Y = initFactors(nItems, k, config.initStd, rng, parallel);
  const losses: number[] = [];
  const sweep = (target: Float32Array, fixed: Float32Array, nFixed: number, conf: Csr): void => {
    const G = regularizedGram(fixed, nFixed, k, config.reg);
    const { Z, wbMax } =
      config.solver === 'cg' && config.woodbury
        ? planWoodbury(conf, fixed, G, k, config.cgSteps, parallel)
        : { Z: null, wbMax: -1 };
    if (parallel)
      runAlsHalfSweepParallel(target, fixed, G, conf, k, config.solver, config.cgSteps, config.threads, Z, wbMax);
    else solveRows(target, fixed, G, conf, k, 0, conf.nRows, config.solver, config.cgSteps, Z, wbMax);
  };
  for (let it = 0; it < config.iterations; it++) {
    sweep(X, Y, nItems, byUser);
    sweep(Y, X, nUsers, byItem);
    if (config.computeLoss) losses.push(implicitAlsLoss(X, Y, byUser, k, config.reg));
  }
  if (!allFinite(X) || !allFinite(Y))
    throw new ModelFitError('implicit-als: non-finite factors; lower alpha or raise reg');
  return {
    kind: 'implicit-als',
    k,
    nUsers,
    nItems,
    userFactors: parallel ? Float32Array.from(X) : X,
    itemFactors: parallel ? Float32Array.from(Y) : Y,
    itemGram: factorGram(Y, nItems, k),
    loss: Float64Array.from(losses),
    reg: config.reg,
    alpha: config.alpha,
    threshold: config.threshold,
    confidence: config.confidence,
  };
}

/**
 * Exact user vector for a (new or updated) rating history against the fixed item factors — the live
 * fold-in the web app runs after every rating (implicit's `recalculate_user`). Ratings below the
 * model's threshold are ignored, so confidences match the fit. Solves (YᵀY + λI + Σ(c−1)yyᵀ)x = Σ c y
 * by Cholesky: O(n·k² + k³), typically well under a millisecond at k = 64.
 * @param itemIdxs dense item indices (unknown = −1 are skipped); `values` the raw ratings, same length.
 * @returns a length-k Float32Array (zeros when no positive rating remains).
 */
export function recalculateUser(
  model: ImplicitAlsModel,
  itemIdxs: ArrayLike<number>,
  values: ArrayLike<number>,
  confidence?: ArrayLike<number>,
): Float32Array {
  if (itemIdxs.length !== values.length) throw new ShapeError(`${itemIdxs.length} items but ${values.length} ratings`);
  const k = model.k;
  const idx: number[] = [];
  const cm1: number[] = [];
  for (let t = 0; t < itemIdxs.length; t++) {
    const i = itemIdxs[t];
    const v = values[t];
    if (i < 0 || i >= model.nItems || !(v >= model.threshold)) continue;
    idx.push(i);
    cm1.push(model.alpha * (model.confidence === 'rating' ? v : 1) * (confidence ? confidence[t] : 1));
  }
  const G = Float64Array.from(model.itemGram);
  for (let f = 0; f < k; f++) G[f * k + f] += model.reg;
  const conf: Csr = {
    nRows: 1,
    nCols: model.nItems,
    indptr: Int32Array.of(0, idx.length),
    indices: Int32Array.from(idx),
    values: Float32Array.from(cm1),
  };
  const out = new Float32Array(k);
  if (idx.length > 0) solveRows(out, model.itemFactors, G, conf, k, 0, 1, 'cholesky', 1);
  return out;
}

/** Preference scores xᵤ·yᵢ for every item of a user vector (length nItems). O(nItems·k). */
export function scoreUserVector(model: ImplicitAlsModel, x: ArrayLike<number>, xo: number, out: Float32Array): void {
  const k = model.k;
  const Y = model.itemFactors;
  for (let i = 0; i < model.nItems; i++) {
    let s = 0;
    const yo = i * k;
    for (let f = 0; f < k; f++) s += x[xo + f] * Y[yo + f];
    out[i] = s;
  }
}

/**
 * {@link Recommender} adapter; a ranking model. `predict` maps the preference score xᵤ·yᵢ (≈ 0..1,
 * an estimate of p_ui) linearly onto the rating scale after clamping to [0, 1]; unknown users or
 * items get the bottom of the scale. Use it for ordering, not as an RMSE model.
 */
export const implicitAlsRecommender: Recommender<ImplicitAlsConfig, ImplicitAlsModel> = {
  name: 'implicit-als',
  fit: (data, config) => fitImplicitAls(data, ImplicitAlsConfig.parse(config)),
  predict(model, data, userIdx, itemIdx) {
    const [lo, hi] = data.scale;
    if (userIdx < 0 || userIdx >= model.nUsers || itemIdx < 0 || itemIdx >= model.nItems) return lo;
    let s = 0;
    for (let f = 0; f < model.k; f++)
      s += model.userFactors[userIdx * model.k + f] * model.itemFactors[itemIdx * model.k + f];
    return lo + (hi - lo) * Math.min(1, Math.max(0, s));
  },
  scoreItems(model, _data, userIdx, out) {
    if (userIdx < 0 || userIdx >= model.nUsers) out.fill(0);
    else scoreUserVector(model, model.userFactors, userIdx * model.k, out);
  },
  recommend(model, data, userIdx, k, opts?: RecommendOptions): ScoredItem[] {
    const scores = new Float32Array(model.nItems);
    implicitAlsRecommender.scoreItems(model, data, userIdx, scores);
    return topKFromScores(scores, data, userIdx, k, opts);
  },
};
