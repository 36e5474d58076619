/**
 * SVD++ (Koren 2008, "Factorization meets the neighborhood", eq. 15): biased MF plus an implicit
 * feedback term, r̂ᵤᵢ = μ + bᵤ + bᵢ + qᵢ·(pᵤ + |N(u)|^-½ Σ_{j∈N(u)} yⱼ), with N(u) the items u rated in train.
 */
import { z } from 'zod';
import type { RatingMatrix, Recommender, RecommendOptions, ScoredItem } from './types';
import { ModelFitError, ShapeError } from './types';
import { createRng } from './rng';
import { allFinite } from './linalg';
import { clipRating, normalFactors, topKFromScores } from './mf-common';

/**
 * Hyper-parameters. Defaults were chosen on a 10% validation split carved (seed 7) from ml-100k
 * u1.base, never on a test file; Surprise's SVDpp defaults are factors 20, 20 epochs, lr 0.007, reg 0.02.
 */
export const SvdppConfig = z.object({
  factors: z.number().int().min(1).max(1024).default(20).describe('latent dimension k'),
  epochs: z.number().int().min(0).max(10_000).default(30).describe('SGD passes over all users'),
  /** SGD learning rate of the factors (Surprise SVDpp lr_all). */
  lr: z.number().positive().max(1).default(0.02).describe('SGD learning rate of p, q, y (Surprise lr_all)'),
  /** L2 penalty of p, q and y, per rating (Surprise reg_all). */
  reg: z.number().min(0).default(0.1).describe('L2 penalty on p, q, y, per rating (Surprise reg_all)'),
  /** L2 penalty of the biases; defaults to `reg`. */
  regBias: z.number().min(0).optional().describe('L2 penalty on the biases (default = reg)'),
  /** Learning rate of the biases; defaults to `lr`. */
  lrBias: z.number().positive().max(1).optional().describe('learning rate of the biases (default = lr)'),
  /** Learning-rate multiplier applied after each epoch. */
  lrDecay: z.number().positive().max(1).default(0.95).describe('learning-rate multiplier after every epoch'),
  initStd: z.number().min(0).default(0.1).describe('std of the normal factor initialisation'),
  /** Visit users in a fresh seeded random order every epoch. */
  shuffle: z.boolean().default(true).describe('visit users in a fresh seeded order each epoch'),
  seed: z.number().int().default(42).describe('random seed (same seed → same model)'),
});
export type SvdppConfig = z.infer<typeof SvdppConfig>;

export const DEFAULT_SVDPP: SvdppConfig = SvdppConfig.parse({});

/** Learned state. All factor matrices are row-major Float32Array (`m[row * k + f]`). */
export interface SvdppModel {
  readonly kind: 'svdpp';
  readonly k: number;
  readonly nUsers: number;
  readonly nItems: number;
  readonly globalMean: number;
  readonly scale: readonly [number, number];
  readonly userBias: Float32Array;
  readonly itemBias: Float32Array;
  /** nUsers × k explicit user factors pᵤ. */
  readonly userFactors: Float32Array;
  /** nItems × k item factors qᵢ. */
  readonly itemFactors: Float32Array;
  /** nItems × k implicit factors yⱼ. */
  readonly implicitFactors: Float32Array;
  /** nUsers × k cached |N(u)|^-½ Σ_{j∈N(u)} yⱼ, so predictions cost O(k). */
  readonly userImplicit: Float32Array;
}

/** Starting point: zero biases, N(0, initStd²) p, q and y. */
export function initSvdpp(data: RatingMatrix, config: SvdppConfig): SvdppModel {
  const rng = createRng(config.seed);
  const nUsers = data.users.size;
  const nItems = data.items.size;
  const k = config.factors;
  const userFactors = normalFactors(nUsers, k, config.initStd, rng);
  const itemFactors = normalFactors(nItems, k, config.initStd, rng);
  const implicitFactors = normalFactors(nItems, k, config.initStd, rng);
  return withUserImplicit(data, {
    kind: 'svdpp',
    k,
    nUsers,
    nItems,
    globalMean: data.globalMean,
    scale: data.scale,
    userBias: new Float32Array(nUsers),
    itemBias: new Float32Array(nItems),
    userFactors,
    itemFactors,
    implicitFactors,
    userImplicit: new Float32Array(nUsers * k),
  });
}

/** Recomputes the cached implicit sums from `implicitFactors` and the train rows. O(nnz · k). */
function withUserImplicit(data: RatingMatrix, model: SvdppModel): SvdppModel {
  const k = model.k;
  const out = new Float32Array(model.nUsers * k);
  const acc = new Float64Array(k);
  const { indptr, indices } = data.byUser;
  const Y = model.implicitFactors;
  for (let u = 0; u < model.nUsers; u++) {
    const a = indptr[u];
    const b = indptr[u + 1];
    if (b === a) continue;
    acc.fill(0);
    for (let p = a; p < b; p++) {
      const jo = indices[p] * k;
      for (let f = 0; f < k; f++) acc[f] += Y[jo + f];
    }
    const norm = 1 / Math.sqrt(b - a);
    for (let f = 0; f < k; f++) out[u * k + f] = acc[f] * norm;
  }
  return { ...model, userImplicit: out };
}

/**
 * Fits SVD++ by SGD on Σ₍ᵤ,ᵢ₎ [½e² + ½λ_b(bᵤ² + bᵢ²) + ½λ(‖pᵤ‖² + ‖qᵢ‖² + Σ_{j∈N(u)}‖yⱼ‖²)].
 *
 * User-major SGD with the standard batching of the implicit term: for each user the implicit sum
 * zᵤ is computed once, the user's ratings are visited updating b, p and q (q with pᵤ + zᵤ), and
 * the y-gradient Σᵢ eᵤᵢ qᵢ is accumulated and applied once at the end of the user:
 * yⱼ ← (1 − γλ)^|R(u)| yⱼ + γ|N(u)|^-½ Σᵢ eᵤᵢ qᵢ (for one rating exactly a gradient step). This turns Surprise's O(|N(u)|² k) per user into O(|N(u)| k)
 * (as in LibRec's and most fast SVD++ implementations).
 *
 * Time O(epochs · nnz · k); memory O((nUsers + 2 nItems) · k + nnz).
 * @param init optional warm start (copied, never mutated).
 * @throws ModelFitError on non-finite factors.
 */
export function fitSvdpp(data: RatingMatrix, config: SvdppConfig, init?: SvdppModel): SvdppModel {
  const start = init ?? initSvdpp(data, config);
  if (start.nUsers !== data.users.size || start.nItems !== data.items.size || start.k !== config.factors) {
    throw new ShapeError(`warm start is ${start.nUsers}×${start.nItems}×${start.k}, data needs ${data.users.size}×${data.items.size}×${config.factors}`);
  }
  const k = config.factors;
  const nUsers = start.nUsers;
  const bu = Float64Array.from(start.userBias);
  const bi = Float64Array.from(start.itemBias);
  const P = Float64Array.from(start.userFactors);
  const Q = Float64Array.from(start.itemFactors);
  const Y = Float64Array.from(start.implicitFactors);
  const mu = data.globalMean;
  const { indptr, indices, values } = data.byUser;
  const order = new Int32Array(nUsers);
  for (let u = 0; u < nUsers; u++) order[u] = u;
  const rng = createRng((config.seed ^ 0x5eed) >>> 0);
  const zu = new Float64Array(k);
  const acc = new Float64Array(k);
  let lr = config.lr;
  let lrB = config.lrBias ?? config.lr;
  const reg = config.reg;
  const regB = config.regBias ?? config.reg;

  for (let epoch = 0; epoch < config.epochs; epoch++) {
    if (config.shuffle) {
      for (let a = nUsers - 1; a > 0; a--) {
        const b = rng.int(a + 1);
        const t = order[a];
        order[a] = order[b];
        order[b] = t;
      }
    }
    for (let t = 0; t < nUsers; t++) {
      const u = order[t];
      const a = indptr[u];
      const b = indptr[u + 1];
      const n = b - a;
      if (n === 0) continue;
      const norm = 1 / Math.sqrt(n);
      zu.fill(0);
      for (let p = a; p < b; p++) {
        const jo = indices[p] * k;
        for (let f = 0; f < k; f++) zu[f] += Y[jo + f];
      }
      for (let f = 0; f < k; f++) zu[f] *= norm;
      acc.fill(0);
      const uo = u * k;
      for (let p = a; p < b; p++) {
        const i = indices[p];
        const io = i * k;
        let dot = 0;
        for (let f = 0; f < k; f++) dot += (P[uo + f] + zu[f]) * Q[io + f];
        const e = values[p] - (mu + bu[u] + bi[i] + dot);
        bu[u] += lrB * (e - regB * bu[u]);
        bi[i] += lrB * (e - regB * bi[i]);
        for (let f = 0; f < k; f++) {
          const pf = P[uo + f];
          const qf = Q[io + f];
          acc[f] += e * qf;
          P[uo + f] = pf + lr * (e * qf - reg * pf);
          Q[io + f] = qf + lr * (e * (pf + zu[f]) - reg * qf);
        }
      }
      // Surprise applies yⱼ ← yⱼ − γλyⱼ once per rating; n such decays compound to (1 − γλ)ⁿ, which
      // stays positive for heavy users where the first-order 1 − nγλ would flip signs and diverge.
      const shrink = Math.pow(1 - lr * reg, n);
      for (let f = 0; f < k; f++) acc[f] *= lr * norm;
      for (let p = a; p < b; p++) {
        const jo = indices[p] * k;
        for (let f = 0; f < k; f++) Y[jo + f] = shrink * Y[jo + f] + acc[f];
      }
    }
    lr *= config.lrDecay;
    lrB *= config.lrDecay;
  }
  if (!allFinite(P) || !allFinite(Q) || !allFinite(Y) || !allFinite(bu) || !allFinite(bi)) {
    throw new ModelFitError('svdpp: non-finite factors after SGD; lower lr or raise reg');
  }
  return withUserImplicit(data, {
    ...start,
    globalMean: mu,
    scale: data.scale,
    userBias: Float32Array.from(bu),
    itemBias: Float32Array.from(bi),
    userFactors: Float32Array.from(P),
    itemFactors: Float32Array.from(Q),
    implicitFactors: Float32Array.from(Y),
  });
}

/** Unclipped score; unknown user (−1) → μ + bᵢ, unknown item → μ + bᵤ. O(k). */
export function scoreSvdpp(model: SvdppModel, userIdx: number, itemIdx: number): number {
  const hasU = userIdx >= 0 && userIdx < model.nUsers;
  const hasI = itemIdx >= 0 && itemIdx < model.nItems;
  let s = model.globalMean + (hasU ? model.userBias[userIdx] : 0) + (hasI ? model.itemBias[itemIdx] : 0);
  if (hasU && hasI) {
    const k = model.k;
    const uo = userIdx * k;
    const io = itemIdx * k;
    for (let f = 0; f < k; f++) s += (model.userFactors[uo + f] + model.userImplicit[uo + f]) * model.itemFactors[io + f];
  }
  return s;
}

/** The objective minimised by {@link fitSvdpp} (implicit sums recomputed from y, not the cache). O(nnz · k). */
export function svdppLoss(model: SvdppModel, data: RatingMatrix, config: SvdppConfig): number {
  const m = withUserImplicit(data, model);
  const { indptr, indices, values } = data.byUser;
  const k = m.k;
  const reg = config.reg;
  const regB = config.regBias ?? config.reg;
  const sq = (arr: Float32Array, row: number): number => {
    let s = 0;
    for (let f = 0; f < k; f++) s += arr[row * k + f] ** 2;
    return s;
  };
  let loss = 0;
  for (let u = 0; u < m.nUsers; u++) {
    let ySq = 0;
    for (let p = indptr[u]; p < indptr[u + 1]; p++) ySq += sq(m.implicitFactors, indices[p]);
    for (let p = indptr[u]; p < indptr[u + 1]; p++) {
      const i = indices[p];
      const e = values[p] - scoreSvdpp(m, u, i);
      loss += 0.5 * e * e + 0.5 * regB * (m.userBias[u] ** 2 + m.itemBias[i] ** 2);
      loss += 0.5 * reg * (sq(m.userFactors, u) + sq(m.itemFactors, i) + ySq);
    }
  }
  return loss;
}

/** Analytic gradient of {@link svdppLoss}, same layouts as the model, Float64Array. O(nnz · k). */
export function svdppGradient(
  model: SvdppModel,
  data: RatingMatrix,
  config: SvdppConfig,
): { userBias: Float64Array; itemBias: Float64Array; userFactors: Float64Array; itemFactors: Float64Array; implicitFactors: Float64Array } {
  const m = withUserImplicit(data, model);
  const { indptr, indices, values } = data.byUser;
  const k = m.k;
  const reg = config.reg;
  const regB = config.regBias ?? config.reg;
  const g = {
    userBias: new Float64Array(m.nUsers),
    itemBias: new Float64Array(m.nItems),
    userFactors: new Float64Array(m.nUsers * k),
    itemFactors: new Float64Array(m.nItems * k),
    implicitFactors: new Float64Array(m.nItems * k),
  };
  const acc = new Float64Array(k);
  for (let u = 0; u < m.nUsers; u++) {
    const a = indptr[u];
    const b = indptr[u + 1];
    if (b === a) continue;
    const norm = 1 / Math.sqrt(b - a);
    acc.fill(0);
    for (let p = a; p < b; p++) {
      const i = indices[p];
      const e = values[p] - scoreSvdpp(m, u, i);
      g.userBias[u] += -e + regB * m.userBias[u];
      g.itemBias[i] += -e + regB * m.itemBias[i];
      for (let f = 0; f < k; f++) {
        const pf = m.userFactors[u * k + f];
        const qf = m.itemFactors[i * k + f];
        g.userFactors[u * k + f] += -e * qf + reg * pf;
        g.itemFactors[i * k + f] += -e * (pf + m.userImplicit[u * k + f]) + reg * qf;
        acc[f] += e * qf;
      }
    }
    for (let p = a; p < b; p++) {
      const j = indices[p];
      for (let f = 0; f < k; f++) g.implicitFactors[j * k + f] += -norm * acc[f] + (b - a) * reg * m.implicitFactors[j * k + f];
    }
  }
  return g;
}

/** {@link Recommender} adapter: predictions clipped to the scale, ranking by the unclipped score. */
export const svdppRecommender: Recommender<SvdppConfig, SvdppModel> = {
  name: 'svdpp',
  fit: (data, config) => fitSvdpp(data, SvdppConfig.parse(config)),
  predict: (model, data, userIdx, itemIdx) => clipRating(scoreSvdpp(model, userIdx, itemIdx), data.scale),
  scoreItems(model, _data, userIdx, out) {
    for (let i = 0; i < model.nItems; i++) out[i] = scoreSvdpp(model, userIdx, i);
  },
  recommend(model, data, userIdx, k, opts?: RecommendOptions): ScoredItem[] {
    const scores = new Float32Array(model.nItems);
    svdppRecommender.scoreItems(model, data, userIdx, scores);
    return topKFromScores(scores, data, userIdx, k, opts);
  },
};
