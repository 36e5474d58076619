/**
 * Predicted stars: the learned ridge blend of the bases' rating predictions, each folded in from the member's
 * current ratings, clipped to the scale; new members blend towards the biases base (NEW_MEMBER_BLEND_FROM).
 */
import { topKIndices } from '../core/select-top';
import { KnnScratch, neighbourhoodTerm } from '../algorithms/knn-common';
import { liveUserBias, liveUserKnnEstimate, liveUserSimilarities } from '../algorithms/user-knn-live';
import { indexOfSorted } from '../core/sparse';
import { writeSupportTerms } from '../hybrid/rating-blend';
import { shrunkMean } from './base-scores';
import { foldInMf } from './fold-in';
import type { ServingModel, UserRatings } from './model';

const knnScratch = new KnnScratch();

/** Per-user state of the rating blend (user biases and the rated-item map), reused across items. */
export interface RatingContext {
  user: UserRatings;
  rated: Map<number, number>;
  /** Biased MF fold-in: [b_u, p_u…] (empty without an MF base). */
  mf: Float64Array;
  /** User bias of item-kNN's baseline and of the 'biases' base. */
  bu: number;
  buBase: number;
  contentMean: number;
  /** Live user-kNN: the user's bias and similarity to every training user (computed on first use). */
  ukBu?: number;
  ukSims?: Float64Array;
  /** Scratch of the content prediction (allocated on first use). */
  sims?: Float32Array;
  simAcc?: Float64Array;
  /** The rated movies' content entries grouped by feature (built on first use, shared by predictions and reasons). */
  byFeature?: RatedByFeature;
}

/**
 * Feature → (position t in the user's ratings, x_jf) lists over the rated movies' content vectors, t ascending in
 * each list. Lets a content similarity to every rated movie cost only the entries sharing a feature with the item.
 */
interface RatedByFeature {
  /** nCols + 1 offsets. */
  start: Int32Array;
  pos: Int32Array;
  vals: Float32Array;
}

function ratedByFeature(model: ServingModel, ctx: RatingContext): RatedByFeature {
  if (ctx.byFeature) return ctx.byFeature;
  const X = model.contentVectors;
  const { indptr, indices, values } = X;
  const { itemIdx } = ctx.user;
  const nItems = indptr.length - 1;
  const start = new Int32Array(X.nCols + 1);
  for (let t = 0; t < itemIdx.length; t++) {
    const j = itemIdx[t];
    if (!(j >= 0 && j < nItems)) continue;
    const end = indptr[j + 1];
    for (let q = indptr[j]; q < end; q++) start[indices[q] + 1]++;
  }
  for (let f = 0; f < X.nCols; f++) start[f + 1] += start[f];
  const fill = start.slice(0, X.nCols);
  const pos = new Int32Array(start[X.nCols]);
  const vals = new Float32Array(start[X.nCols]);
  for (let t = 0; t < itemIdx.length; t++) {
    const j = itemIdx[t];
    if (!(j >= 0 && j < nItems)) continue;
    const end = indptr[j + 1];
    for (let q = indptr[j]; q < end; q++) {
      const e = fill[indices[q]]++;
      pos[e] = t;
      vals[e] = values[q];
    }
  }
  return (ctx.byFeature = { start, pos, vals });
}

/**
 * v_i · v_j for every rated movie j (position t) into `sims` (0 for j = i): for each feature of i in stored order,
 * the rated entries of that feature — the same products summed in the same (ascending feature) order as the
 * row-by-row dot products over sorted rows, so the same float64 sums. O(Σ_{f ∈ i} |rated entries of f| + h).
 */
function contentSimsToRated(model: ServingModel, ctx: RatingContext, i: number, sims: Float32Array): void {
  const X = model.contentVectors;
  const { start, pos, vals } = ratedByFeature(model, ctx);
  const h = ctx.user.itemIdx.length;
  const acc = (ctx.simAcc ??= new Float64Array(h));
  acc.fill(0);
  const end = X.indptr[i + 1];
  for (let q = X.indptr[i]; q < end; q++) {
    const f = X.indices[q];
    const v = X.values[q];
    const stop = start[f + 1];
    for (let e = start[f]; e < stop; e++) acc[pos[e]] += vals[e] * v;
  }
  const itemIdx = ctx.user.itemIdx;
  for (let t = 0; t < h; t++) sims[t] = itemIdx[t] === i ? 0 : acc[t];
}

export function ratingContext(model: ServingModel, user: UserRatings): RatingContext {
  const mu = model.globalMean;
  let s = 0;
  let sBase = 0;
  const rated = new Map<number, number>();
  for (let t = 0; t < user.itemIdx.length; t++) {
    const j = user.itemIdx[t];
    rated.set(j, user.values[t]);
    s += user.values[t] - mu - model.itemBias[j];
    sBase += user.values[t] - mu - model.baseItemBias[j];
  }
  const n = user.itemIdx.length;
  return {
    user,
    rated,
    mf: foldInMf(model, user),
    bu: s / (model.userBiasReg + n),
    buBase: sBase / (model.baseUserBiasReg + n),
    contentMean: shrunkMean(model, user),
  };
}

function predictMf(model: ServingModel, ctx: RatingContext, i: number): number {
  const k = model.mfK;
  let v = model.mfMean + model.mfItemBias[i];
  if (ctx.mf.length === k + 1) {
    v += ctx.mf[0];
    for (let f = 0; f < k; f++) v += ctx.mf[f + 1] * model.mfItemFactors[i * k + f];
  }
  return v;
}

function clip(model: ServingModel, x: number): number {
  const lo = model.scale[0];
  const hi = model.scale[1];
  return x < lo ? lo : x > hi ? hi : x;
}

/** Item-kNN prediction (Koren 2010 eq. 3) over the stored neighbour list of i. */
function predictKnn(model: ServingModel, ctx: RatingContext, i: number): number {
  const bu = model.globalMean + ctx.bu;
  const base = bu + model.itemBias[i];
  const { indptr, indices, sims } = model.knn;
  knnScratch.ensure(indptr[i + 1] - indptr[i]);
  let count = 0;
  for (let p = indptr[i]; p < indptr[i + 1]; p++) {
    const r = ctx.rated.get(indices[p]);
    if (r === undefined) continue;
    knnScratch.sims[count] = sims[p];
    knnScratch.resids[count++] = r - bu - model.itemBias[indices[p]];
  }
  const term = neighbourhoodTerm(knnScratch, count, model.knnK, model.knnMinK);
  return Number.isNaN(term) ? base : base + term;
}

/** Live user-kNN (user-knn-live.ts) from the stored residual table and the current ratings. */
function predictUserKnnLive(model: ServingModel, ctx: RatingContext, i: number): number {
  const [k, minK, shrinkage, regUser] = model.ukParams;
  const table = {
    indptr: model.ukIndptr,
    users: model.ukUsers,
    residuals: model.ukResiduals,
    nUsers: model.userIds.length,
  };
  if (ctx.ukSims === undefined || ctx.ukBu === undefined) {
    ctx.ukBu = liveUserBias(model.ukMean, model.ukItemBias, regUser, ctx.user.itemIdx, ctx.user.values);
    ctx.ukSims = liveUserSimilarities(
      table,
      model.ukMean,
      model.ukItemBias,
      ctx.ukBu,
      shrinkage,
      ctx.user.itemIdx,
      ctx.user.values,
    );
  }
  return liveUserKnnEstimate(table, ctx.ukSims, model.ukMean + ctx.ukBu + model.ukItemBias[i], i, k, minK);
}

/** Content-kNN prediction (content-tfidf.ts predictContent) from the stored item vectors. */
function predictContentLive(model: ServingModel, ctx: RatingContext, i: number): number {
  const { user } = ctx;
  const sims = (ctx.sims ??= new Float32Array(user.itemIdx.length));
  contentSimsToRated(model, ctx, i, sims);
  const top = topKIndices(sims, model.contentPredictNeighbours, (t) => sims[t] <= 0);
  let num = 0;
  let den = model.contentPredictShrinkage;
  for (const { itemIdx: t, score } of top) {
    num += score * (user.values[t] - ctx.contentMean);
    den += score;
  }
  return clip(model, ctx.contentMean + num / den);
}

/** The rating blend's feature row for item i (order of {@link ServingModel.ratingFeatures}), every base folded in. */
export function ratingRow(model: ServingModel, ctx: RatingContext, itemIdx: number, out: Float64Array): void {
  const n = ctx.user.itemIdx.length;
  let k = 0;
  out[k++] = 1;
  let b0 = 0;
  for (const kind of model.ratingBaseKinds) {
    const raw =
      kind === 'biases'
        ? biasesPrediction(model, ctx, itemIdx)
        : kind === 'biased-mf'
          ? predictMf(model, ctx, itemIdx)
          : kind === 'user-knn-live'
            ? predictUserKnnLive(model, ctx, itemIdx)
            : predictKnn(model, ctx, itemIdx);
    const p = clip(model, raw);
    if (k === 1) b0 = p;
    out[k++] = p;
  }
  const hasContent = model.ratingFeatures.includes('content');
  let c = 0;
  if (hasContent) {
    c = n > 0 ? predictContentLive(model, ctx, itemIdx) : clip(model, model.globalMean);
    out[k++] = c;
  }
  const coldU = n <= model.coldUserThreshold ? 1 : 0;
  const coldI = model.itemCount[itemIdx] <= model.coldItemThreshold ? 1 : 0;
  out[k++] = coldU * b0;
  out[k++] = coldI * b0;
  if (hasContent) {
    out[k++] = coldU * c;
    out[k++] = coldI * c;
  }
  // Support terms (models trained with them list them after the cold terms; older models stop here).
  if (k < out.length)
    writeSupportTerms(
      out,
      k,
      model.ratingBaseKinds.length + (hasContent ? 1 : 0),
      Math.max(n, model.ratingSupportMinUser ?? 0),
      model.itemCount[itemIdx],
    );
}

/** The 'biases' rating base for the current ratings, μ + b_u + b_i with b_u folded in (unclipped). */
export function biasesPrediction(model: ServingModel, ctx: RatingContext, itemIdx: number): number {
  return model.globalMean + ctx.buBase + model.baseItemBias[itemIdx];
}

/**
 * A member the model was not trained on gets the biases base until this many ratings: the blend learns on users the
 * item side was fitted with, and for others it is worse than the biases below this (validation,
 * scripts/eval/new-members.ts; docs/benchmarks/hybrid.md).
 */
export const NEW_MEMBER_BLEND_FROM = 40;

/** Whether the model was trained on this member (the snapshot's ids are sorted ascending). O(log nUsers). */
export function trainedOn(model: Pick<ServingModel, 'userIds'>, userId: number): boolean {
  return indexOfSorted(model.userIds, userId) >= 0;
}

/**
 * Predicted rating of item i: the hybrid's ridge blend over its rating bases (biases, item-kNN, biased MF) and
 * content, with the cold user/item terms, every base computed from the current ratings (the blend was learned on
 * rows computed the same way). Clipped to the scale.
 *
 * A member with at most `coldUserThreshold` ratings gets the 'biases' base alone (μ + b_i + their folded-in b_u):
 * the blend learns on members with a history (13+ ratings on ml-latest-small) and is worse than that baseline for
 * new members (validation: members left out of the fit, folded in from their first 1 / 3 / 5 ratings;
 * scripts/eval/new-members.ts, figures in docs/benchmarks/hybrid.md).
 */
export function predictRating(model: ServingModel, user: UserRatings | RatingContext, itemIdx: number): number {
  const ctx = 'rated' in user ? user : ratingContext(model, user);
  const w = model.ratingWeights;
  if (itemIdx < 0 || itemIdx >= model.itemIds.length) return clip(model, model.globalMean + ctx.buBase);
  const n = ctx.user.itemIdx.length;
  if (
    model.ratingBaseKinds.includes('biases') &&
    (n <= model.coldUserThreshold || (ctx.user.newMember === true && n < NEW_MEMBER_BLEND_FROM))
  ) {
    return clip(model, biasesPrediction(model, ctx, itemIdx));
  }
  if (!w.length) return clip(model, predictKnn(model, ctx, itemIdx));
  const row = new Float64Array(w.length);
  ratingRow(model, ctx, itemIdx, row);
  let v = 0;
  for (let f = 0; f < w.length; f++) v += w[f] * row[f];
  return Number.isFinite(v) ? clip(model, v) : clip(model, model.globalMean);
}
