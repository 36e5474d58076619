/**
 * Scoring a fitted hybrid from its in-memory fits (the eval registry's `hybrid-full`; the app scores from the
 * serving tables instead, serving/): feature columns, the user's blend weights, top-k and rating predictions.
 */
import { profileFromFeatures, recommendFromScores, scoreProfile } from '../algorithms/content-tfidf';
import { ModelFitError, type RatingMatrix, type RecommendOptions, type ScoredItem, ShapeError } from '../core/types';
import { userFeatureColumns } from './features';
import { ratingFeatureRow } from './rating-blend';
import type { HybridModel, Source } from './types';

// ---------------------------------------------------------------------------------------------
// Serving.

/** Reusable per-request buffers; pass one to the scoring functions to avoid allocations. */
export interface HybridScratch {
  cols: Float32Array[];
  mask: Uint8Array;
}

export function createHybridScratch(model: HybridModel, nItems: number): HybridScratch {
  return {
    cols: Array.from({ length: model.rankFeatures.length }, () => new Float32Array(nItems)),
    mask: new Uint8Array(nItems),
  };
}

/** True when the user is served by the cold blend (unknown, or ≤ coldUserThreshold train ratings). */
export function isColdUser(model: HybridModel, userIdx: number): boolean {
  return userIdx < 0 || userIdx >= model.userCount.length || model.userCount[userIdx] <= model.coldUserThreshold;
}

/** The weight vector serving a user: anonymous (no ratings), cold (≤ threshold) or warm. */
export function weightsFor(model: HybridModel, userIdx: number): Float32Array {
  const hasRatings = userIdx >= 0 && userIdx < model.userCount.length && model.userCount[userIdx] > 0;
  const preferred = !hasRatings ? (model.anon ?? model.cold) : isColdUser(model, userIdx) ? model.cold : model.warm;
  const r = preferred ?? model.warm ?? model.cold;
  if (!r) throw new ModelFitError('hybrid: no ranking blend was learned (tasks excluded ranking)');
  return r.w;
}

/**
 * Computes the feature columns of a user into `scratch` (exposed for explanations).
 * `genreProfile` scores an explicit content profile instead of the user's ratings (onboarding).
 */
export function hybridFeatureColumns(
  model: HybridModel,
  data: RatingMatrix,
  userIdx: number,
  scratch: HybridScratch,
  profileScores?: Float32Array,
): void {
  userFeatureColumns(
    {
      bases: model.rankingBases,
      content: model.content,
      popZ: model.popZ,
      itemCount: model.itemCount,
      coldItemThreshold: model.coldItemThreshold,
      time: model.time,
      exposureZ: model.exposureZ,
    },
    data,
    userIdx,
    scratch,
    profileScores,
  );
}

/**
 * Hybrid ranking scores of every item for a user: Σ_f w_f · x_f(u, i), with w the cold or warm
 * blend. O(Σ base scoring + F · nItems). `out` has length nItems.
 */
export function scoreHybridUser(
  model: HybridModel,
  data: RatingMatrix,
  userIdx: number,
  out: Float32Array,
  scratch?: HybridScratch,
  profileScores?: Float32Array,
): void {
  const nItems = data.items.size;
  if (out.length !== nItems) throw new ShapeError(`out length ${out.length} ≠ nItems ${nItems}`);
  const s = scratch ?? createHybridScratch(model, nItems);
  hybridFeatureColumns(model, data, userIdx, s, profileScores);
  const w = weightsFor(model, profileScores ? -1 : userIdx);
  out.fill(0);
  for (let f = 0; f < w.length; f++) {
    const wf = w[f];
    if (wf === 0) continue;
    const col = s.cols[f];
    for (let i = 0; i < nItems; i++) out[i] += wf * col[i];
  }
}

/**
 * Source of one item's score: the group with the largest contribution w_f·x_f. Without personal
 * signal (`personal` false: no ratings) the pick is 'popular', or 'content' when a chosen-genre
 * profile contributes positively.
 */
export function sourceOf(
  model: HybridModel,
  w: Float32Array,
  scratch: HybridScratch,
  itemIdx: number,
  personal = true,
): Source {
  const sums: Record<Source, number> = { collaborative: 0, content: 0, popular: 0 };
  for (let f = 0; f < w.length; f++) sums[model.rankFeatureGroup[f]] += w[f] * scratch.cols[f][itemIdx];
  if (!personal) return sums.content > 0 ? 'content' : 'popular';
  let best: Source = 'popular';
  let bestV = -Infinity;
  for (const k of ['collaborative', 'content', 'popular'] as const) {
    if (sums[k] > bestV) {
      bestV = sums[k];
      best = k;
    }
  }
  return best;
}

export interface HybridPick extends ScoredItem {
  source: Source;
}

/**
 * Top-k For You list with a `source` per item. O(Σ base scoring + F · nItems + nItems log k).
 */
export function recommendHybrid(
  model: HybridModel,
  data: RatingMatrix,
  userIdx: number,
  k: number,
  opts?: RecommendOptions,
  scratch?: HybridScratch,
): HybridPick[] {
  const s = scratch ?? createHybridScratch(model, data.items.size);
  const scores = new Float32Array(data.items.size);
  scoreHybridUser(model, data, userIdx, scores, s);
  const w = weightsFor(model, userIdx);
  const personal =
    userIdx >= 0 && userIdx < data.users.size && data.byUser.indptr[userIdx + 1] > data.byUser.indptr[userIdx];
  return recommendFromScores(scores, data, userIdx, k, opts).map((p) => ({
    ...p,
    source: sourceOf(model, w, s, p.itemIdx, personal),
  }));
}

/**
 * Picks for a new user who chose favourite genres (no ratings): the cold blend over a content
 * profile of the chosen genres and popularity. Genre names as in the catalogue ("Drama").
 */
export function recommendForGenres(
  model: HybridModel,
  data: RatingMatrix,
  genres: readonly string[],
  k: number,
  opts?: RecommendOptions,
): HybridPick[] {
  const nItems = data.items.size;
  const s = createHybridScratch(model, nItems);
  const profileScores = new Float32Array(nItems);
  if (model.content && genres.length > 0) {
    scoreProfile(
      model.content.itemVectors,
      profileFromFeatures(
        model.content.index,
        genres.map((g) => `g:${g.toLowerCase().trim()}`),
      ),
      profileScores,
    );
  }
  const scores = new Float32Array(nItems);
  scoreHybridUser(model, data, -1, scores, s, profileScores);
  const w = weightsFor(model, -1);
  // With chosen genres, give the content column at least the popularity weight so the choice matters
  // even if the validation cold users (who have ratings, not genres) taught the blend to ignore it.
  const cIdx = model.rankFeatures.indexOf('content');
  const pIdx = model.rankFeatures.indexOf('pop');
  const extra = genres.length > 0 ? Math.max(0, Math.abs(w[pIdx]) - w[cIdx]) : 0;
  if (extra > 0) for (let i = 0; i < nItems; i++) scores[i] += extra * s.cols[cIdx][i];
  return recommendFromScores(scores, data, -1, k, opts).map((p) => ({
    ...p,
    source: sourceOf(model, w, s, p.itemIdx, false),
  }));
}

/**
 * Rating prediction: the ridge blend of the base predictions, clipped to the scale. Unknown
 * users/items (−1) go through the bases' own fallbacks and the cold terms.
 */
export function predictHybrid(model: HybridModel, data: RatingMatrix, userIdx: number, itemIdx: number): number {
  const [lo, hi] = model.scale;
  const w = model.ratingWeights;
  let v: number;
  if (!w) {
    v =
      model.ratingBases.length > 0
        ? model.ratingBases[0].recommender.predict(model.ratingBases[0].model, data, userIdx, itemIdx)
        : model.globalMean;
  } else {
    const row = new Float64Array(w.length);
    const content = model.ratingFeatures.includes('content') ? model.content : null;
    ratingFeatureRow(
      model.ratingBases,
      content,
      data,
      model.userCount,
      model.itemCount,
      model.coldUserThreshold,
      model.coldItemThreshold,
      userIdx,
      itemIdx,
      row,
    );
    v = 0;
    for (let f = 0; f < w.length; f++) v += w[f] * row[f];
  }
  if (!Number.isFinite(v)) v = model.globalMean;
  return v < lo ? lo : v > hi ? hi : v;
}
