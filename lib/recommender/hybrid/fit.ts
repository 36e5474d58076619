/**
 * The learned hybrid: stacking of collaborative models, the content model and popularity.
 *
 * - Ranking: a linear ranker over per-user standardised base scores plus popularity and cold-item
 *   features, trained by coordinate ascent on validation NDCG@10 (Metzler & Croft 2007, "Linear
 *   feature-based models for information retrieval"). Separate weight vectors for cold users
 *   (≤ `coldUserThreshold` train ratings) and warm users.
 * - Rating: ridge regression on the base models' predictions (stacked generalisation, Wolpert
 *   1992; the Netflix Prize blends, Töscher, Jahrer & Bell 2009), with cold-user/cold-item
 *   interaction terms so the blend leans on content and baselines where the data is thin.
 * - Both blends are learned on a validation split carved from the TRAIN matrix only (per-user
 *   temporal holdout when timestamps are given, else seeded random), then every base model is
 *   refit on the full train.
 */
import {
  buildContentIndex,
  fitContentTfidf,
  predictContent,
  profileFromFeatures,
  recommendFromScores,
  scoreContentUser,
  scoreProfile,
  topKIndices,
  type ContentIndex,
  type ContentIndexConfig,
  type ContentDoc,
  type ContentTfidfModel,
} from '../algorithms/content-tfidf';
import { scoreEaseHistory, type EaseModel } from '../algorithms/ease';
import { createRng } from '../core/rng';
import { trainingScoringBases } from './training-scoring';
import { buildRatingMatrix } from '../core/sparse';
import { startBackgroundFits, type BackgroundFits, type FitRequest } from './fit-pool';
import type { RatingMatrix, Recommender, RecommendOptions, ScoredItem } from '../core/types';
import { ModelFitError, ShapeError } from '../core/types';

/** Where a recommendation's score mainly comes from (STYLE.md: cold start is flagged, not an error). */
export type Source = 'collaborative' | 'content' | 'popular';

/** A base model of the blend: any registered {@link Recommender} with its config. */
export interface HybridBase {
  /** Short key used in feature names and explanations, e.g. 'ease'. */
  name: string;
  // Method-syntax members of Recommender are bivariant, so any Recommender<C, M> fits here.
  recommender: Recommender<unknown, unknown>;
  config: unknown;
  /** Which source this base counts towards in `source` tags (default 'collaborative'). */
  group?: Source;
}

export interface HybridConfig {
  seed?: number;
  /** Base models of the ranking blend (scored with `scoreItems`). */
  rankingBases?: readonly HybridBase[];
  /** Base models of the rating blend (queried with `predict`). */
  ratingBases?: readonly HybridBase[];
  /** Item content; when present the content model joins both blends. */
  content?: { docs?: readonly ContentDoc[]; index?: ContentIndex } & ContentIndexConfig & { meanShrinkage?: number };
  /**
   * Unix timestamps aligned with `data.byUser.values` (same order). Enables the per-user temporal
   * validation holdout (the ranking protocol's shape); without them the holdout is random.
   */
  timestamps?: Float64Array;
  /**
   * Alternative to `timestamps`: the raw train rows with their times (e.g. the eval CLI's train
   * file), aligned to the matrix at fit. Only rows present in `data` are used.
   */
  timeRows?: { userIds: Int32Array; movieIds: Int32Array; timestamps?: Float64Array };
  /** Share of each user's train ratings held out for validation. Default 0.2. */
  validationShare?: number;
  /** Users with at most this many ratings use the cold blend. Default 5. */
  coldUserThreshold?: number;
  /** Items with at most this many ratings are "cold" (feature). Default 5. */
  coldItemThreshold?: number;
  /**
   * The cold and anonymous blends are learned only from at least this many (simulated) cold validation users;
   * with fewer, too little data to learn a blend, cold users get the warm blend. Default 0 (always learn).
   */
  minColdBlendUsers?: number;
  /** At most this many warm (and cold) validation users train the ranking blend, and score the exposure pass. Default all. */
  maxValidationUsers?: number;
  /** At most this many held-out rows (seeded sample) train the rating blend. Default all. */
  maxRatingRows?: number;
  /**
   * false: rating bases not shared with the ranking blend keep their fit on the rating validation split instead of
   * a refit on all ratings (training time; serving folds users in anyway). Default true.
   */
  refitRatingBases?: boolean;
  /** The rating blend's rows come from at most this many held-out users (seeded sample). Default all. */
  maxRatingUsers?: number;
  /** Every n-th validation user is truncated to its first `coldUserThreshold` ratings to train the cold blend. Default 5. */
  coldSimulationEvery?: number;
  /** Top-N of each base feeding the validation candidate pool. Default 100. */
  poolPerBase?: number;
  /** Relevance threshold of validation items (PROTOCOL.md: ≥ 4). */
  relevantRating?: number;
  /**
   * Ridge λ of the rating blend. Default: chosen with the feature set (with or without the support terms) by
   * 5-fold cross-validation, grouped by user, on the held-out validation rows, from {@link RIDGE_LAMBDA_GRID}.
   */
  ridgeLambda?: number;
  /** Offer the support terms (feature-weighted stacking on 1/√(1+n) of user and item) to the validation CV. Default true. */
  ratingSupportTerms?: boolean;
  /** Weight β of Recall@20 in the ranking objective NDCG@10 + β·Recall@20 + γ·coverage@10 (validation). Default 0.5. */
  recallWeight?: number;
  /** Weight γ of coverage@10 in the ranking objective. Default 0. */
  coverageWeight?: number;
  /**
   * Larger γ values tried after `coverageWeight` (warm blend, warm-started): the largest whose validation accuracy
   * (per-user NDCG@10 + β·Recall@20) is within one standard error of the paired difference from the `coverageWeight`
   * blend's is kept (one-standard-error rule, chosen on validation). Default none.
   */
  coverageWeightPath?: readonly number[];
  /**
   * Minimum coverage@10 of the warm blend on the validation users (a hinge penalty in the
   * objective; the product asks for ≥ 0.10). Default 0 (off).
   */
  coverageTarget?: number;
  /**
   * Feature rows of the rating blend as the caller serves them (e.g. with live fold-in), built from the validation
   * fits; default: the bases' own predictions. Rows must follow {@link HybridModel.ratingFeatures}.
   */
  servedRatingRow?: (ctx: {
    bases: readonly FittedBase[];
    content: ContentTfidfModel | null;
    fit: RatingMatrix;
    names: readonly string[];
    coldUserThreshold: number;
    coldItemThreshold: number;
  }) => (userIdx: number, itemIdx: number, out: Float64Array) => void;
  /**
   * Ranking features the blends may not use (names of {@link HybridModel.rankFeatures}; their weights stay 0, the
   * candidate pool is unchanged). Default none.
   */
  rankFeaturesOff?: readonly string[];
  /**
   * Ranking features the cold blend (users with 1 … `coldUserThreshold` ratings) may not use, chosen on its own
   * (cold validation). Default: `rankFeaturesOff`. The warm and anonymous blends keep `rankFeaturesOff`.
   */
  coldRankFeaturesOff?: readonly string[];
  /** false: the rating blend leaves the content prediction out (the ranking blend keeps it). Default true. */
  ratingContent?: boolean;
  /** Which blends to learn. Default both. */
  tasks?: readonly ('rating' | 'ranking')[];
  /** Progress lines (to stderr in the CLI). */
  log?: (msg: string) => void;
}

/** A fitted base. */
export interface FittedBase {
  name: string;
  group: Source;
  recommender: Recommender<unknown, unknown>;
  model: unknown;
}

/** Learned weights of one linear ranker. */
export interface RankWeights {
  /** Length nFeatures (see {@link HybridModel.rankFeatures}). */
  w: Float32Array;
  /** Validation NDCG@10, Recall@20 and coverage@10 reached during training. */
  validationNdcg: number;
  validationRecall20?: number;
  validationCoverage?: number;
  validationUsers: number;
}

export interface HybridModel {
  readonly rankingBases: readonly FittedBase[];
  readonly ratingBases: readonly FittedBase[];
  readonly content: ContentTfidfModel | null;
  /** Ratings per item in train. Length nItems. */
  readonly itemCount: Int32Array;
  /** Ratings per user in train. Length nUsers. */
  readonly userCount: Int32Array;
  /** Globally standardised log(1 + itemCount). Length nItems. */
  readonly popZ: Float32Array;
  /** Rating-time context of the train (null without timestamps). */
  readonly time: TimeContext | null;
  /**
   * Standardised log(1 + how many train users' first-stage top-10 hold the item): lets the blend
   * push down items recommended to everyone (coverage). Length nItems; null when not learned.
   */
  readonly exposureZ: Float32Array | null;
  /**
   * Names of the ranking features: one per ranking base, then 'content', 'pop', 'coldItem',
   * 'coldItem×content', 'popBefore', 'popAfter', 'exposure', 'recent' (EASE over the last ratings).
   */
  readonly rankFeatures: readonly string[];
  /** Feature → source group. */
  readonly rankFeatureGroup: readonly Source[];
  readonly warm: RankWeights | null;
  readonly cold: RankWeights | null;
  /** Blend of the non-personal features only, for users without ratings (trained on the cold validation users). */
  readonly anon: RankWeights | null;
  /** Rating blend: names and weights (first is the intercept). */
  readonly ratingFeatures: readonly string[];
  readonly ratingWeights: Float32Array | null;
  /** RMSE of the rating blend on its validation rows (null when not learned). */
  readonly ratingValidationRmse: number | null;
  /**
   * Fewest ratings of a user among the rows the rating blend learned on: the support terms 1/√(1+n) of a user with
   * fewer are computed at this n (the blend is not extrapolated beyond what it saw). Absent in older models.
   */
  readonly ratingSupportMinUser?: number;
  readonly coldUserThreshold: number;
  readonly coldItemThreshold: number;
  readonly scale: readonly [number, number];
  readonly globalMean: number;
}

// ---------------------------------------------------------------------------------------------
// Validation split (from train only).

/** A train matrix split into a fitting part and held-out rows, over the same vocabularies. */
export interface ValidationSplit {
  fit: RatingMatrix;
  /** Held-out (userIdx, itemIdx, rating) rows. */
  heldUsers: Int32Array;
  heldItems: Int32Array;
  heldRatings: Float32Array;
  /** Users whose fitting rows were truncated to simulate cold start. */
  coldSimulated: Uint8Array;
  /** Fitting rows as (userIdx, itemIdx, timestamp) when timestamps were given. */
  fitTimes: { users: Int32Array; items: Int32Array; times: Float64Array; ratings: Float32Array } | null;
}

/**
 * Per user: the latest `share` of ratings (by timestamp, ties by item; random order without
 * timestamps) is held out, rounded like the bench split. Every `coldEvery`-th user with enough
 * ratings keeps only its first `coldKeep` ratings for fitting (the protocol's cold-start slice in
 * miniature). O(nnz log maxRow).
 */
export function carveValidation(
  data: RatingMatrix,
  opts: { share: number; seed: number; timestamps?: Float64Array; coldEvery?: number; coldKeep?: number },
): ValidationSplit {
  const { byUser } = data;
  const ts = opts.timestamps;
  if (ts && ts.length !== byUser.values.length) throw new ShapeError(`timestamps length ${ts.length} ≠ nnz ${byUser.values.length}`);
  const rng = createRng(opts.seed);
  const fu: number[] = [];
  const fi: number[] = [];
  const fr: number[] = [];
  const hu: number[] = [];
  const hi: number[] = [];
  const hr: number[] = [];
  const tu: number[] = [];
  const tiArr: number[] = [];
  const tt: number[] = [];
  const tr: number[] = [];
  const cold = new Uint8Array(byUser.nRows);
  let eligible = 0;
  for (let u = 0; u < byUser.nRows; u++) {
    const a = byUser.indptr[u];
    const n = byUser.indptr[u + 1] - a;
    const order = Array.from({ length: n }, (_, t) => a + t);
    if (ts) order.sort((p, q) => ts[p] - ts[q] || byUser.indices[p] - byUser.indices[q]);
    else {
      for (let t = n - 1; t > 0; t--) {
        const j = rng.int(t + 1);
        [order[t], order[j]] = [order[j], order[t]];
      }
    }
    const nHeld = Math.round(n * opts.share);
    let nFit = n - nHeld;
    const coldKeep = opts.coldKeep ?? 5;
    if (opts.coldEvery && nHeld > 0 && nFit > coldKeep) {
      if (eligible % opts.coldEvery === 0) {
        cold[u] = 1;
        nFit = coldKeep;
      }
      eligible++;
    }
    for (let t = 0; t < n; t++) {
      const p = order[t];
      if (t < nFit) {
        fu.push(data.users.ids[u]);
        fi.push(data.items.ids[byUser.indices[p]]);
        fr.push(byUser.values[p]);
        if (ts) {
          tu.push(u);
          tiArr.push(byUser.indices[p]);
          tt.push(ts[p]);
          tr.push(byUser.values[p]);
        }
      } else if (t >= n - nHeld) {
        hu.push(u);
        hi.push(byUser.indices[p]);
        hr.push(byUser.values[p]);
      }
    }
  }
  const fit = buildRatingMatrix(
    { userIds: Int32Array.from(fu), itemIds: Int32Array.from(fi), ratings: Float32Array.from(fr) },
    { users: data.users, items: data.items, scale: data.scale },
  );
  return {
    fit,
    heldUsers: Int32Array.from(hu),
    heldItems: Int32Array.from(hi),
    heldRatings: Float32Array.from(hr),
    coldSimulated: cold,
    fitTimes: ts
      ? { users: Int32Array.from(tu), items: Int32Array.from(tiArr), times: Float64Array.from(tt), ratings: Float32Array.from(tr) }
      : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Features.

export function counts(data: RatingMatrix): { itemCount: Int32Array; userCount: Int32Array } {
  const itemCount = new Int32Array(data.items.size);
  for (let i = 0; i < data.items.size; i++) itemCount[i] = data.byItem.indptr[i + 1] - data.byItem.indptr[i];
  const userCount = new Int32Array(data.users.size);
  for (let u = 0; u < data.users.size; u++) userCount[u] = data.byUser.indptr[u + 1] - data.byUser.indptr[u];
  return { itemCount, userCount };
}

function popularityZ(itemCount: Int32Array): Float32Array {
  const n = itemCount.length;
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const v = Math.log1p(itemCount[i]);
    s += v;
    s2 += v * v;
  }
  const mean = n > 0 ? s / n : 0;
  const sd = n > 0 ? Math.sqrt(Math.max(s2 / n - mean * mean, 1e-12)) : 1;
  return Float32Array.from(itemCount, (c) => (Math.log1p(c) - mean) / sd);
}

/**
 * Time context of the ratings: per-item histograms of rating times (prefix sums over fixed bins)
 * and each user's last rating time. Gives "popular around the user's time" features (Koren 2009,
 * "Collaborative filtering with temporal dynamics": item popularity drifts; on a per-user temporal
 * split the user's next movies are the ones trending when they stopped rating).
 */
export interface TimeContext {
  readonly t0: number;
  readonly binSeconds: number;
  readonly nBins: number;
  /** (nBins + 1) × nItems bin-major prefix counts: cum[b·nItems + i] = ratings of i in bins < b (a user's window reads 3 contiguous rows). */
  readonly cum: Int32Array;
  /** Last rating time per user (unix s; NaN when none). Length nUsers. */
  readonly userLast: Float64Array;
  /** Window of the features, in bins. */
  readonly windowBins: number;
  /** Each user's most recent ratings (up to `recentCount`, newest first): rows of a CSR over users. */
  readonly recentIndptr: Int32Array;
  readonly recentItems: Int32Array;
  readonly recentRatings: Float32Array;
}

/** Builds the {@link TimeContext} from (userIdx, itemIdx, time) rows. O(rows + nItems·nBins). */
export function buildTimeContext(
  nUsers: number,
  nItems: number,
  users: Int32Array,
  items: Int32Array,
  times: Float64Array,
  ratings: Float32Array,
  binSeconds = 30 * 86400,
  windowBins = 6,
  recentCount = 10,
): TimeContext {
  let t0 = Infinity;
  let t1 = -Infinity;
  for (let r = 0; r < times.length; r++) {
    if (times[r] < t0) t0 = times[r];
    if (times[r] > t1) t1 = times[r];
  }
  if (times.length === 0) t0 = t1 = 0;
  const nBins = Math.floor((t1 - t0) / binSeconds) + 1;
  const stride = nBins + 1;
  const cum = new Int32Array(stride * nItems);
  const userLast = new Float64Array(nUsers).fill(Number.NaN);
  for (let r = 0; r < times.length; r++) {
    const b = Math.floor((times[r] - t0) / binSeconds);
    cum[(b + 1) * nItems + items[r]]++;
    const u = users[r];
    if (!(times[r] <= userLast[u])) userLast[u] = times[r];
  }
  for (let b = 1; b <= nBins; b++) for (let i = 0; i < nItems; i++) cum[b * nItems + i] += cum[(b - 1) * nItems + i];
  // Recent history per user: sort row ids by (user, time desc, item) and keep the first recentCount.
  const order = Array.from({ length: times.length }, (_, r) => r);
  order.sort((a, b) => users[a] - users[b] || times[b] - times[a] || items[a] - items[b]);
  const recentIndptr = new Int32Array(nUsers + 1);
  const ri: number[] = [];
  const rr: number[] = [];
  let prev = -1;
  let taken = 0;
  for (const r of order) {
    if (users[r] !== prev) {
      prev = users[r];
      taken = 0;
    }
    if (taken++ >= recentCount) continue;
    ri.push(items[r]);
    rr.push(ratings[r]);
    recentIndptr[users[r] + 1]++;
  }
  for (let u = 0; u < nUsers; u++) recentIndptr[u + 1] += recentIndptr[u];
  return { t0, binSeconds, nBins, cum, userLast, windowBins, recentIndptr, recentItems: Int32Array.from(ri), recentRatings: Float32Array.from(rr) };
}

/** Aligns per-row timestamps of a ratings file to `data.byUser` order (for {@link HybridConfig.timestamps}). */
export function alignTimestamps(data: RatingMatrix, userIds: Int32Array, itemIds: Int32Array, times: Float64Array): Float64Array {
  const out = new Float64Array(data.byUser.values.length);
  for (let r = 0; r < userIds.length; r++) {
    const u = data.users.index(userIds[r]);
    const i = data.items.index(itemIds[r]);
    if (u === undefined || i === undefined) continue;
    // Binary search of i in u's sorted row.
    let lo = data.byUser.indptr[u];
    let hi = data.byUser.indptr[u + 1] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = data.byUser.indices[mid];
      if (c === i) {
        out[mid] = times[r];
        break;
      }
      if (c < i) lo = mid + 1;
      else hi = mid - 1;
    }
  }
  return out;
}

/** Scores at or below this are "not modelled" sentinels (e.g. EASE's −1e30), not real values. */
export const SENTINEL_SCORE = -1e29;

/**
 * The statistics of {@link standardize} over the items where `mask` is 0 and the score is a real value: the mean,
 * 1 / sd (0 for a constant column) and the standardised value of the lowest score (what sentinels get).
 */
export function standardizeStats(scores: Float32Array, mask: Uint8Array): { mean: number; inv: number; low: number } {
  let s = 0;
  let s2 = 0;
  let n = 0;
  let min = Infinity;
  for (let i = 0; i < scores.length; i++) {
    if (mask[i]) continue;
    const v = scores[i];
    if (!(v > SENTINEL_SCORE) || v === Infinity) continue;
    s += v;
    s2 += v * v;
    n++;
    if (v < min) min = v;
  }
  const mean = n > 0 ? s / n : 0;
  const var_ = n > 0 ? s2 / n - mean * mean : 0;
  const inv = var_ > 1e-20 ? 1 / Math.sqrt(var_) : 0;
  return { mean, inv, low: n > 0 ? (min - mean) * inv : 0 };
}

/**
 * Standardises `scores` in place over the items where `mask` is 0: (s − mean) / sd. Masked items
 * get 0; non-finite or sentinel scores get the lowest standardised value. O(n).
 */
export function standardize(scores: Float32Array, mask: Uint8Array): void {
  const { mean, inv, low } = standardizeStats(scores, mask);
  for (let i = 0; i < scores.length; i++) {
    const v = scores[i];
    scores[i] = mask[i] ? 0 : !(v > SENTINEL_SCORE) || v === Infinity ? low : (v - mean) * inv;
  }
}

/** Scratch buffers for per-user feature columns, reused across users. */
interface FeatureColumns {
  /** One standardised score column per feature, each length nItems. */
  cols: Float32Array[];
  /** 1 for the user's own train items. */
  mask: Uint8Array;
}

/** Ranking features after the base columns, in column order. */
export const RANK_EXTRA_FEATURES: readonly string[] = ['content', 'pop', 'coldItem', 'coldItem×content', 'popBefore', 'popAfter', 'exposure', 'recent'];

function rankFeatureNames(bases: readonly FittedBase[]): { names: string[]; groups: Source[] } {
  const names = bases.map((b) => b.name);
  const groups = bases.map((b) => b.group);
  names.push(...RANK_EXTRA_FEATURES);
  groups.push('content', 'popular', 'content', 'content', 'popular', 'popular', 'popular', 'collaborative');
  return { names, groups };
}

/** What the feature columns are computed from (a fitted model, or the validation-time fits). */
interface FeatureContext {
  bases: readonly FittedBase[];
  content: ContentTfidfModel | null;
  popZ: Float32Array;
  itemCount: Int32Array;
  coldItemThreshold: number;
  time: TimeContext | null;
  exposureZ: Float32Array | null;
}

/**
 * Fills the feature columns of one user: standardised base scores, standardised content cosine,
 * global popularity z, the cold-item indicator and its product with the content z, and the
 * standardised log-popularity in the windows before and after the user's last rating.
 * O(Σ base scoring cost + F · nItems).
 */
function userFeatureColumns(ctx: FeatureContext, data: RatingMatrix, userIdx: number, buf: FeatureColumns, contentProfileScores?: Float32Array): void {
  const { bases, content, popZ, itemCount, coldItemThreshold, time, exposureZ } = ctx;
  const nItems = data.items.size;
  const { cols, mask } = buf;
  mask.fill(0);
  if (userIdx >= 0) for (let p = data.byUser.indptr[userIdx]; p < data.byUser.indptr[userIdx + 1]; p++) mask[data.byUser.indices[p]] = 1;
  const hasRatings = userIdx >= 0 && data.byUser.indptr[userIdx + 1] > data.byUser.indptr[userIdx];
  for (let b = 0; b < bases.length; b++) {
    // Non-personal bases (popularity) score users without ratings too.
    if (hasRatings || bases[b].group === 'popular') {
      bases[b].recommender.scoreItems(bases[b].model, data, userIdx, cols[b]);
      standardize(cols[b], mask);
    } else cols[b].fill(0);
  }
  const nb = bases.length;
  const cCol = cols[nb];
  if (contentProfileScores) cCol.set(contentProfileScores);
  else if (content && hasRatings) scoreContentUser(content, data, userIdx, cCol);
  else cCol.fill(0);
  standardize(cCol, mask);
  cols[nb + 1].set(popZ);
  const coldCol = cols[nb + 2];
  const coldX = cols[nb + 3];
  for (let i = 0; i < nItems; i++) {
    const isCold = itemCount[i] <= coldItemThreshold ? 1 : 0;
    coldCol[i] = isCold;
    coldX[i] = isCold * cCol[i];
  }
  if (exposureZ) cols[nb + 6].set(exposureZ);
  else cols[nb + 6].fill(0);
  // EASE over the user's most recent ratings only (the next movies follow the latest taste).
  const recentCol = cols[nb + 7];
  const ease = bases.find((b) => (b.model as { kind?: string } | null)?.kind === 'ease');
  if (time && ease && hasRatings && userIdx < time.recentIndptr.length - 1) {
    const a = time.recentIndptr[userIdx];
    const b = time.recentIndptr[userIdx + 1];
    scoreEaseHistory(ease.model as EaseModel, time.recentItems.subarray(a, b), time.recentRatings.subarray(a, b), recentCol);
    standardize(recentCol, mask);
  } else recentCol.fill(0);
  const before = cols[nb + 4];
  const after = cols[nb + 5];
  if (time === null) {
    before.fill(0);
    after.fill(0);
    return;
  }
  const last = userIdx >= 0 && userIdx < time.userLast.length ? time.userLast[userIdx] : Number.NaN;
  timeWindowColumns(time, last, mask, before, after);
}

const log1pTables = new WeakMap<Int32Array, Float32Array>();

/** log(1 + c) for every count c a window of `cum` can hold (≤ an item's total), cached per histogram. */
function log1pTable(cum: Int32Array, nBins: number, n: number): Float32Array {
  let t = log1pTables.get(cum);
  if (!t) {
    let max = 0;
    for (let i = 0; i < n; i++) max = Math.max(max, cum[nBins * n + i]);
    t = Float32Array.from({ length: max + 1 }, (_, c) => Math.log1p(c));
    log1pTables.set(cum, t);
  }
  return t;
}

/**
 * The 'popBefore' / 'popAfter' columns: standardised log(1 + ratings of each item) in the `windowBins` time bins up
 * to and after the bin of `last` (the user's last rating time; NaN = a new user, placed at the end of the data:
 * "trending now"). O(nItems).
 */
export function timeWindowColumns(
  time: Pick<TimeContext, 't0' | 'binSeconds' | 'nBins' | 'windowBins' | 'cum'>,
  last: number,
  mask: Uint8Array,
  before: Float32Array,
  after: Float32Array,
): void {
  const bu = Number.isNaN(last) ? time.nBins - 1 : Math.min(time.nBins - 1, Math.max(0, Math.floor((last - time.t0) / time.binSeconds)));
  const n = before.length;
  const lo = Math.max(0, bu + 1 - time.windowBins) * n;
  const mid = (bu + 1) * n;
  const hi = Math.min(time.nBins, bu + 1 + time.windowBins) * n;
  const cum = time.cum;
  const log1p = log1pTable(cum, time.nBins, n);
  for (let i = 0; i < n; i++) {
    before[i] = log1p[cum[mid + i] - cum[lo + i]];
    after[i] = log1p[cum[hi + i] - cum[mid + i]];
  }
  standardize(before, mask);
  standardize(after, mask);
}

// ---------------------------------------------------------------------------------------------
// Ranking blend: validation candidate pools and coordinate ascent.

interface RankTrainingSet {
  nFeatures: number;
  /** Candidate rows of all users, row-major (nRows × nFeatures). */
  x: Float32Array;
  label: Uint8Array;
  item: Int32Array;
  /** User u's rows are [offsets[u], offsets[u+1]). */
  offsets: Int32Array;
  /** Relevant held-out items per user (for the ideal DCG). */
  nRelevant: Int32Array;
}

/** Objective loss per unit of validation coverage below `coverageTarget`. */
const COVERAGE_PENALTY = 3;

const LOG2_DISCOUNT = Float64Array.from({ length: 11 }, (_, r) => (r === 0 ? 0 : 1 / Math.log2(r + 1)));

/** Mean NDCG@10, Recall@20 and coverage@10 (distinct items / nItems) of a weight vector on a training set. */
function evaluateScores(
  set: RankTrainingSet,
  scores: Float32Array,
  nItems: number,
  seen: Uint8Array,
  perUser?: { values: Float64Array; recallWeight: number },
): { ndcg: number; recall20: number; coverage: number } {
  const nUsers = set.offsets.length - 1;
  const K = 20;
  const topS = new Float64Array(K);
  const topR = new Int32Array(K);
  let ndcgSum = 0;
  let recallSum = 0;
  seen.fill(0);
  let distinct = 0;
  for (let u = 0; u < nUsers; u++) {
    const a = set.offsets[u];
    const b = set.offsets[u + 1];
    let size = 0;
    for (let r = a; r < b; r++) {
      const s = scores[r];
      // Insertion into a sorted top-K (descending; ties keep the earlier row).
      if (size < K || s > topS[size - 1]) {
        let k = size < K ? size++ : K - 1;
        while (k > 0 && topS[k - 1] < s) {
          topS[k] = topS[k - 1];
          topR[k] = topR[k - 1];
          k--;
        }
        topS[k] = s;
        topR[k] = r;
      }
    }
    let dcg = 0;
    let hits = 0;
    for (let k = 0; k < size; k++) {
      if (set.label[topR[k]]) {
        hits++;
        if (k < 10) dcg += LOG2_DISCOUNT[k + 1];
      }
      if (k >= 10) continue;
      const it = set.item[topR[k]];
      if (!seen[it]) {
        seen[it] = 1;
        distinct++;
      }
    }
    let idcg = 0;
    for (let k = 1; k <= Math.min(10, set.nRelevant[u]); k++) idcg += LOG2_DISCOUNT[k];
    const ndcgU = idcg > 0 ? dcg / idcg : 0;
    const recallU = set.nRelevant[u] > 0 ? hits / Math.min(K, set.nRelevant[u]) : 0;
    ndcgSum += ndcgU;
    recallSum += recallU;
    if (perUser) perUser.values[u] = ndcgU + perUser.recallWeight * recallU;
  }
  return {
    ndcg: nUsers > 0 ? ndcgSum / nUsers : 0,
    recall20: nUsers > 0 ? recallSum / nUsers : 0,
    coverage: nItems > 0 ? distinct / nItems : 0,
  };
}

/**
 * Coordinate ascent on NDCG@10 + β·Recall@20 + γ·coverage@10 (Metzler & Croft 2007): start from the single
 * best feature, then repeatedly try additive steps on one weight at a time and keep improvements.
 * Deterministic. O(rounds · F · steps · nRows · F).
 */
function coordinateAscent(
  set: RankTrainingSet,
  nItems: number,
  recallWeight: number,
  coverageWeight: number,
  featureNames: readonly string[],
  allowed?: readonly boolean[],
  init?: Float32Array,
  coverageTarget = 0,
): RankWeights {
  const F = set.nFeatures;
  const nRows = set.item.length;
  const seen = new Uint8Array(nItems);
  const isAllowed = (f: number) => allowed === undefined || allowed[f];
  const value = (scores: Float32Array) => {
    const r = evaluateScores(set, scores, nItems, seen);
    // Hinge penalty below the coverage target: a product constraint enforced on validation.
    const shortfall = Math.max(0, coverageTarget - r.coverage);
    return {
      value: r.ndcg + recallWeight * r.recall20 + coverageWeight * r.coverage - COVERAGE_PENALTY * shortfall,
      ndcg: r.ndcg,
      recall20: r.recall20,
      coverage: r.coverage,
    };
  };
  const scoresOf = (w: Float32Array, out: Float32Array) => {
    for (let r = 0; r < nRows; r++) {
      let s = 0;
      for (let f = 0; f < F; f++) s += w[f] * set.x[r * F + f];
      out[r] = s;
    }
    return out;
  };
  const objective = (w: Float32Array) => value(scoresOf(w, new Float32Array(nRows)));
  // A step on one weight moves every row score by step·x_f: O(nRows) per trial instead of O(nRows·F).
  const trial = new Float32Array(nRows);
  const objectiveStep = (current: Float32Array, f: number, step: number) => {
    for (let r = 0; r < nRows; r++) trial[r] = current[r] + step * set.x[r * F + f];
    return value(trial);
  };
  // Start from `init`, or the best single base/content/pop feature (weight 1).
  let w = init ? init.slice() : new Float32Array(F);
  let best = init ? objective(w) : { value: -Infinity, ndcg: 0, recall20: 0, coverage: 0 };
  for (let f = 0; f < F && !init; f++) {
    if (featureNames[f].startsWith('coldItem') || !isAllowed(f)) continue;
    const single = new Float32Array(F);
    single[f] = 1;
    const o = objective(single);
    if (o.value > best.value) {
      best = o;
      w = single;
    }
  }
  const current = scoresOf(w, new Float32Array(nRows));
  const steps = [1, -1, 0.5, -0.5, 0.25, -0.25, 0.1, -0.1, 0.05, -0.05];
  for (let round = 0; round < 4; round++) {
    let improved = false;
    for (let f = 0; f < F; f++) {
      if (!isAllowed(f)) continue;
      let bestStep = 0;
      for (const st of steps) {
        const o = objectiveStep(current, f, st);
        if (o.value > best.value + 1e-6) {
          best = o;
          bestStep = st;
        }
      }
      if (bestStep !== 0) {
        w[f] += bestStep;
        for (let r = 0; r < nRows; r++) current[r] += bestStep * set.x[r * F + f];
        improved = true;
      }
    }
    if (!improved) break;
  }
  return { w, validationNdcg: best.ndcg, validationRecall20: best.recall20, validationCoverage: best.coverage, validationUsers: set.offsets.length - 1 };
}

/** Per-user validation accuracy NDCG@10 + β·Recall@20 of a weight vector. */
function perUserAccuracy(set: RankTrainingSet, w: Float32Array, nItems: number, recallWeight: number): Float64Array {
  const F = set.nFeatures;
  const scores = new Float32Array(set.item.length);
  for (let r = 0; r < scores.length; r++) {
    let s = 0;
    for (let f = 0; f < F; f++) s += w[f] * set.x[r * F + f];
    scores[r] = s;
  }
  const values = new Float64Array(set.offsets.length - 1);
  evaluateScores(set, scores, nItems, new Uint8Array(nItems), { values, recallWeight });
  return values;
}

/** Mean and standard error of the paired per-user difference b − a. */
export function pairedDifference(a: Float64Array, b: Float64Array): { mean: number; se: number } {
  const n = a.length;
  if (n < 2) return { mean: 0, se: 0 };
  let sum = 0;
  for (let u = 0; u < n; u++) sum += b[u] - a[u];
  const mean = sum / n;
  let ss = 0;
  for (let u = 0; u < n; u++) ss += (b[u] - a[u] - mean) ** 2;
  return { mean, se: Math.sqrt(ss / (n - 1) / n) };
}

function buildRankTrainingSet(
  bases: readonly FittedBase[],
  content: ContentTfidfModel | null,
  split: ValidationSplit,
  users: readonly number[],
  relevant: Map<number, number[]>,
  poolPerBase: number,
  coldItemThreshold: number,
  time: TimeContext | null,
): RankTrainingSet {
  const data = split.fit;
  const nItems = data.items.size;
  const { itemCount } = counts(data);
  const ctx: FeatureContext = { bases, content, popZ: popularityZ(itemCount), itemCount, coldItemThreshold, time, exposureZ: null };
  const F = bases.length + 8;
  const buf: FeatureColumns = { cols: Array.from({ length: F }, () => new Float32Array(nItems)), mask: new Uint8Array(nItems) };
  const rows: number[] = [];
  const labels: number[] = [];
  const items: number[] = [];
  const offsets = new Int32Array(users.length + 1);
  const nRelevant = new Int32Array(users.length);
  const inPool = new Uint8Array(nItems);
  // Candidates as in the protocol: items with train (here: fitting) ratings, minus the user's own. Selected from a
  // compact copy of those items' scores (same order, so the same ties): with every catalogue movie an item, most
  // items have no ratings and cannot be candidates.
  const rated = Int32Array.from({ length: nItems }, (_, i) => i).filter((i) => itemCount[i] > 0);
  const cand = new Int32Array(rated.length);
  const candScores = new Float32Array(rated.length);
  for (let k = 0; k < users.length; k++) {
    const u = users[k];
    userFeatureColumns(ctx, data, u, buf);
    const rel = new Set(relevant.get(u) ?? []);
    nRelevant[k] = rel.size;
    inPool.fill(0);
    let nCand = 0;
    for (let t = 0; t < rated.length; t++) if (buf.mask[rated[t]] === 0) cand[nCand++] = rated[t];
    const pool: number[] = [];
    // Pool: the top-N of every base, the content and popularity columns and the recent-history EASE.
    for (const f of [...bases.map((_, b) => b), bases.length, bases.length + 1, bases.length + 7]) {
      const col = buf.cols[f];
      for (let t = 0; t < nCand; t++) candScores[t] = col[cand[t]];
      for (const { itemIdx: c } of topKIndices(candScores.subarray(0, nCand), poolPerBase)) {
        const itemIdx = cand[c];
        if (!inPool[itemIdx]) {
          inPool[itemIdx] = 1;
          pool.push(itemIdx);
        }
      }
    }
    pool.sort((a, b) => a - b);
    for (const i of pool) {
      for (let f = 0; f < F; f++) rows.push(buf.cols[f][i]);
      labels.push(rel.has(i) ? 1 : 0);
      items.push(i);
    }
    offsets[k + 1] = items.length;
  }
  return { nFeatures: F, x: Float32Array.from(rows), label: Uint8Array.from(labels), item: Int32Array.from(items), offsets, nRelevant };
}

/** How often each item is in a top-10 of the training set under weights w. Length nItems. */
function exposureCounts(set: RankTrainingSet, w: Float32Array, nItems: number): Int32Array {
  const F = set.nFeatures;
  const counts = new Int32Array(nItems);
  const scores = new Float32Array(set.item.length);
  for (let r = 0; r < set.item.length; r++) {
    let s = 0;
    for (let f = 0; f < F; f++) s += w[f] * set.x[r * F + f];
    scores[r] = s;
  }
  for (let u = 0; u + 1 < set.offsets.length; u++) {
    const a = set.offsets[u];
    for (const { itemIdx } of topKIndices(scores.subarray(a, set.offsets[u + 1]), 10)) counts[set.item[a + itemIdx]]++;
  }
  return counts;
}

/** Globally standardised log(1 + count). */
function exposureZOf(counts: Int32Array): Float32Array {
  return popularityZ(counts);
}

function setColumn(set: RankTrainingSet, f: number, values: Float32Array): void {
  for (let r = 0; r < set.item.length; r++) set.x[r * set.nFeatures + f] = values[set.item[r]];
}

// ---------------------------------------------------------------------------------------------
// Rating blend: ridge regression.

function ratingFeatureNames(bases: readonly FittedBase[], hasContent: boolean, support: boolean): string[] {
  const names = ['intercept', ...bases.map((b) => b.name)];
  if (hasContent) names.push('content');
  // Cold interactions: let thin users/items shift weight between the first base (a baseline) and content.
  names.push('coldUser×' + (bases[0]?.name ?? 'none'), 'coldItem×' + (bases[0]?.name ?? 'none'));
  if (hasContent) names.push('coldUser×content', 'coldItem×content');
  if (support) {
    const preds = [...bases.map((b) => b.name), ...(hasContent ? ['content'] : [])];
    for (const side of [USER_SUPPORT, ITEM_SUPPORT]) names.push(side, ...preds.map((p) => `${side}×${p}`));
  }
  return names;
}

/** Names of the support features of the rating blend (their presence in the feature list switches them on). */
export const USER_SUPPORT = 'userSupport';
export const ITEM_SUPPORT = 'itemSupport';
/** λ values the rating blend's cross-validation chooses from. */
export const RIDGE_LAMBDA_GRID: readonly number[] = [0.1, 1, 10, 100, 1000, 10000];

/** The support meta-feature of a user or item with n ratings: 1/√(1 + n) (1 for none, → 0 for many). */
export function supportOf(n: number): number {
  return 1 / Math.sqrt(1 + Math.max(0, n));
}

/**
 * Feature-weighted linear stacking (Sill et al. 2009) on support: writes m_u, m_u·p_1…m_u·p_P, m_i, m_i·p_1…m_i·p_P
 * from position k, where p_1…p_P = out[1…P] are the bases' predictions, so each base's weight can vary with how many
 * ratings the user and the item have. Returns the next position.
 */
export function writeSupportTerms(out: Float64Array, k: number, nPred: number, userRatings: number, itemRatings: number): number {
  for (const m of [supportOf(userRatings), supportOf(itemRatings)]) {
    out[k++] = m;
    for (let p = 1; p <= nPred; p++) out[k++] = m * out[p];
  }
  return k;
}

function ratingFeatureRow(
  bases: readonly FittedBase[],
  content: ContentTfidfModel | null,
  data: RatingMatrix,
  userCount: Int32Array,
  itemCount: Int32Array,
  coldU: number,
  coldI: number,
  u: number,
  i: number,
  out: Float64Array,
): void {
  let k = 0;
  out[k++] = 1;
  for (const b of bases) out[k++] = b.recommender.predict(b.model, data, u, i);
  let c = 0;
  if (content) out[k++] = c = predictContent(content, data, u, i);
  const isColdU = u < 0 || userCount[u] <= coldU ? 1 : 0;
  const isColdI = i < 0 || itemCount[i] <= coldI ? 1 : 0;
  const b0 = bases.length > 0 ? out[1] : 0;
  out[k++] = isColdU * b0;
  out[k++] = isColdI * b0;
  if (content) {
    out[k++] = isColdU * c;
    out[k++] = isColdI * c;
  }
  if (k < out.length) writeSupportTerms(out, k, bases.length + (content ? 1 : 0), u < 0 ? 0 : userCount[u], i < 0 ? 0 : itemCount[i]);
}

/**
 * The rating blend's cold interaction columns (coldUser×…, coldItem×…) that too few distinct cold users (items) among
 * the held-out rows would fit: with fewer than `minDistinct`, a column's weight would be learned from a handful of
 * people — in the app, the demo accounts — and shift every new member's predictions (it did: −1.5 stars). Those
 * columns are set to 0, so their weights are 0. Returns their positions.
 */
function thinColdTerms(
  names: readonly string[],
  heldRows: readonly number[],
  split: { heldUsers: Int32Array | readonly number[]; heldItems: Int32Array | readonly number[] },
  c: { userCount: Int32Array; itemCount: Int32Array },
  coldU: number,
  coldI: number,
  minDistinct: number,
): number[] {
  const users = new Set<number>();
  const items = new Set<number>();
  for (const t of heldRows) {
    const u = split.heldUsers[t];
    const i = split.heldItems[t];
    if (u < 0 || c.userCount[u] <= coldU) users.add(u);
    if (i < 0 || c.itemCount[i] <= coldI) items.add(i);
  }
  const out: number[] = [];
  names.forEach((nm, f) => {
    if ((nm.startsWith('coldUser×') && users.size < minDistinct) || (nm.startsWith('coldItem×') && items.size < minDistinct)) out.push(f);
  });
  return out;
}

/** Solves (XᵀX + λI′) w = Xᵀy with the intercept unpenalised (Cholesky). F is small. */
function ridge(xtx: Float64Array, xty: Float64Array, F: number, lambda: number): Float32Array {
  const a = xtx.slice();
  for (let f = 1; f < F; f++) a[f * F + f] += lambda;
  a[0] += 1e-9;
  // Cholesky a = L Lᵀ in place (lower triangle).
  for (let j = 0; j < F; j++) {
    let d = a[j * F + j];
    for (let k = 0; k < j; k++) d -= a[j * F + k] * a[j * F + k];
    if (!(d > 0)) throw new ModelFitError(`rating blend: normal equations not positive definite at ${j}`);
    const l = Math.sqrt(d);
    a[j * F + j] = l;
    for (let i = j + 1; i < F; i++) {
      let s = a[i * F + j];
      for (let k = 0; k < j; k++) s -= a[i * F + k] * a[j * F + k];
      a[i * F + j] = s / l;
    }
  }
  const z = new Float64Array(F);
  for (let i = 0; i < F; i++) {
    let s = xty[i];
    for (let k = 0; k < i; k++) s -= a[i * F + k] * z[k];
    z[i] = s / a[i * F + i];
  }
  const w = new Float32Array(F);
  const wd = new Float64Array(F);
  for (let i = F - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < F; k++) s -= a[k * F + i] * wd[k];
    wd[i] = s / a[i * F + i];
    w[i] = wd[i];
  }
  return w;
}

/** Ridge on the columns with mask[f] = 1 (column 0, the intercept, always kept); the other weights are 0. */
function ridgeMasked(xtx: Float64Array, xty: Float64Array, F: number, lambda: number, mask: Uint8Array): Float32Array {
  const cols: number[] = [];
  for (let f = 0; f < F; f++) if (f === 0 || mask[f]) cols.push(f);
  const G = cols.length;
  const a = new Float64Array(G * G);
  const b = new Float64Array(G);
  for (let x = 0; x < G; x++) {
    b[x] = xty[cols[x]];
    for (let y = 0; y < G; y++) a[x * G + y] = xtx[cols[x] * F + cols[y]];
  }
  const w = ridge(a, b, G, lambda);
  const out = new Float32Array(F);
  cols.forEach((f, x) => (out[f] = w[x]));
  return out;
}

/**
 * Chooses the rating blend's ridge λ and whether to use the support terms by 5-fold cross-validation on the held-out
 * validation rows, folds grouped by user (a user's rows are all in one fold): the setting with the lowest CV RMSE of
 * the clipped prediction. A fixed `lambda` only leaves the feature set to choose. Never sees test rows.
 */
function chooseRatingBlend(
  rows: Float32Array,
  y: Float32Array,
  users: Int32Array,
  names: readonly string[],
  scale: readonly [number, number],
  lambda: number | undefined,
  seed: number,
): { lambda: number; support: boolean; mask: Uint8Array; table: string } {
  const F = names.length;
  const n = y.length;
  const nFolds = 5;
  const fold = new Uint8Array(n);
  const rng = createRng(seed + 7);
  const foldOf = new Map<number, number>();
  for (let t = 0; t < n; t++) {
    let f = foldOf.get(users[t]);
    if (f === undefined) foldOf.set(users[t], (f = rng.int(nFolds)));
    fold[t] = f;
  }
  const xtx = Array.from({ length: nFolds }, () => new Float64Array(F * F));
  const xty = Array.from({ length: nFolds }, () => new Float64Array(F));
  for (let t = 0; t < n; t++) {
    const A = xtx[fold[t]];
    const b = xty[fold[t]];
    for (let p = 0; p < F; p++) {
      const xp = rows[t * F + p];
      b[p] += xp * y[t];
      for (let q = 0; q < F; q++) A[p * F + q] += xp * rows[t * F + q];
    }
  }
  const full = new Uint8Array(F).fill(1);
  const plain = Uint8Array.from(names, (nm) => (nm.startsWith(USER_SUPPORT) || nm.startsWith(ITEM_SUPPORT) ? 0 : 1));
  const masks = plain.every((v) => v === 1) ? [{ support: false, mask: full }] : [{ support: false, mask: plain }, { support: true, mask: full }];
  const lambdas = lambda === undefined ? RIDGE_LAMBDA_GRID : [lambda];
  let best = { lambda: lambdas[0], support: false, mask: masks[0].mask, rmse: Infinity };
  const cells: string[] = [];
  if (n < nFolds * 10) return { ...best, table: 'too few rows' };
  for (const { support, mask } of masks) {
    for (const lam of lambdas) {
      let se = 0;
      for (let k = 0; k < nFolds; k++) {
        const A = new Float64Array(F * F);
        const b = new Float64Array(F);
        for (let o = 0; o < nFolds; o++) {
          if (o === k) continue;
          for (let p = 0; p < F * F; p++) A[p] += xtx[o][p];
          for (let p = 0; p < F; p++) b[p] += xty[o][p];
        }
        const w = ridgeMasked(A, b, F, lam, mask);
        for (let t = 0; t < n; t++) {
          if (fold[t] !== k) continue;
          let v = 0;
          for (let f = 0; f < F; f++) v += w[f] * rows[t * F + f];
          v = Math.min(scale[1], Math.max(scale[0], v));
          se += (v - y[t]) ** 2;
        }
      }
      const rmse = Math.sqrt(se / n);
      cells.push(`${support ? '+support ' : ''}λ=${lam} ${rmse.toFixed(5)}`);
      if (rmse < best.rmse - 1e-12) best = { lambda: lam, support, mask, rmse };
    }
  }
  return { lambda: best.lambda, support: best.support, mask: best.mask, table: cells.join(', ') };
}

// ---------------------------------------------------------------------------------------------
// Fit.

/**
 * Fits each base on `data`. With `shared`, a base with the same name and config as one fitted
 * before on the same data (e.g. item-kNN in both the ranking and the rating blend) reuses that fit.
 * With `background`, a base queued on the background worker is taken from there (the worker's model is the same);
 * those go last, so the worker has longer to reach them while this thread fits the others, and one the worker is
 * busy with goes after any this thread can still claim.
 */
function fitBaseModels(
  bases: readonly HybridBase[],
  data: RatingMatrix,
  log: (m: string) => void,
  shared?: Map<string, unknown>,
  background?: BackgroundFits | null,
): FittedBase[] {
  const request = (b: HybridBase): FitRequest => ({ recommender: b.recommender, config: b.config, data });
  const queued = bases.map((b) => background?.isQueued(request(b)) ?? false);
  const pending = bases.map((_, x) => x).sort((x, y) => Number(queued[x]) - Number(queued[y]));
  const models: unknown[] = new Array(bases.length);
  while (pending.length > 0) {
    const next = pending.findIndex((x) => !background?.isRunning(request(bases[x])));
    const [x] = pending.splice(Math.max(next, 0), 1);
    const b = bases[x];
    const key = `${b.name}|${JSON.stringify(b.config)}`;
    let model = shared?.get(key);
    if (model === undefined) {
      model = background?.take(request(b), log);
      if (model === undefined) {
        const t0 = Date.now();
        model = b.recommender.fit(data, b.config);
        log(`  fit ${b.name} in ${((Date.now() - t0) / 1000).toFixed(2)} s`);
      }
      shared?.set(key, model);
    } else log(`  ${b.name}: reusing the fit of the same config`);
    models[x] = model;
  }
  return bases.map((b, x) => ({ name: b.name, group: b.group ?? 'collaborative', recommender: b.recommender, model: models[x] }));
}

/**
 * Fits the hybrid. Steps: carve validation from `data` (train only) → fit the bases on the fitting
 * part → learn the ranking weights (warm and cold users separately) and the rating blend on the
 * held-out rows → refit every base on the full `data`. The test split never enters: the caller
 * passes only train.
 *
 * Cost ≈ 2 × (Σ base fits) + nValUsers × (Σ base scoring) + coordinate ascent (≈ 1 s).
 */
export function fitHybrid(data: RatingMatrix, config: HybridConfig = {}): HybridModel {
  const steps = fitHybridSteps(data, config);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** A training phase of {@link fitHybridSteps}: its name and the share of the work done before it. */
export interface HybridPhase {
  phase: string;
  progress: number;
}

/**
 * {@link fitHybrid} as a generator that yields before each phase, so an async caller (the model job) can record
 * progress, or abort, between phases.
 */
export function* fitHybridSteps(data: RatingMatrix, config: HybridConfig = {}): Generator<HybridPhase, HybridModel> {
  const log = config.log ?? (() => {});
  const seed = config.seed ?? 42;
  const tasks = new Set(config.tasks ?? ['rating', 'ranking']);
  const coldU = config.coldUserThreshold ?? 5;
  const coldI = config.coldItemThreshold ?? 5;
  const relevantRating = config.relevantRating ?? 4;
  const rankingBaseSpecs = tasks.has('ranking') ? (config.rankingBases ?? []) : [];
  const ratingBaseSpecs = tasks.has('rating') ? (config.ratingBases ?? []) : [];
  const contentIndex = config.content
    ? (config.content.index ?? buildContentIndex(config.content.docs ?? [], config.content))
    : null;
  const contentConfig = contentIndex ? { index: contentIndex, meanShrinkage: config.content?.meanShrinkage } : null;

  const timestamps =
    config.timestamps ??
    (config.timeRows?.timestamps ? alignTimestamps(data, config.timeRows.userIds, config.timeRows.movieIds, config.timeRows.timestamps) : undefined);
  const split = carveValidation(data, {
    share: config.validationShare ?? 0.2,
    seed,
    timestamps: tasks.has('ranking') ? timestamps : undefined,
    coldEvery: config.coldSimulationEvery ?? 5,
    coldKeep: coldU,
  });
  log(`hybrid: validation split ${split.fit.byUser.values.length} fitting rows, ${split.heldUsers.length} held out`);
  const valContent = contentConfig ? fitContentTfidf(split.fit, contentConfig) : null;
  // The rating blend learns on a random holdout (the rating protocol's shape); the ranking blend on
  // the temporal one when timestamps exist. Without timestamps both are the same random split.
  // No cold-user simulation here: truncating users weakens the validation fits of every rating base,
  // and the cold terms still learn from the naturally thin users and items.
  const ratingSplit = tasks.has('rating')
    ? carveValidation(data, { share: config.validationShare ?? 0.2, seed, coldEvery: 0, coldKeep: coldU })
    : split;
  const ratingValContent =
    config.ratingContent === false ? null : ratingSplit === split ? valContent : contentConfig ? fitContentTfidf(ratingSplit.fit, contentConfig) : null;

  // Every base fit depends on its data only, not on the blends: queue the ones a worker can do on a second thread
  // (workers/fit-pool.ts; same models bit for bit), in the order this thread needs them. This thread fits the rest
  // and takes over any queued fit the worker has not started when it is needed.
  const keepRatingValFits = config.refitRatingBases === false && ratingBaseSpecs.length > 0;
  const rankingKeys = new Set(rankingBaseSpecs.map((b) => `${b.name}|${JSON.stringify(b.config)}`));
  const background = startBackgroundFits([
    ...rankingBaseSpecs.map((b) => ({ recommender: b.recommender, config: b.config, data: split.fit })),
    ...ratingBaseSpecs.map((b) => ({ recommender: b.recommender, config: b.config, data: ratingSplit.fit })),
    ...rankingBaseSpecs.map((b) => ({ recommender: b.recommender, config: b.config, data })),
    ...ratingBaseSpecs
      .filter((b) => !keepRatingValFits || rankingKeys.has(`${b.name}|${JSON.stringify(b.config)}`))
      .map((b) => ({ recommender: b.recommender, config: b.config, data })),
  ]);
  const fitBases = (bases: readonly HybridBase[], on: RatingMatrix, l: (m: string) => void, shared?: Map<string, unknown>) =>
    fitBaseModels(bases, on, l, shared, background);

  // Ranking blend.
  let warm: RankWeights | null = null;
  let cold: RankWeights | null = null;
  let anon: RankWeights | null = null;
  let firstStage: Float32Array | null = null;
  const rankNames = rankFeatureNames(rankingBaseSpecs.map((b) => ({ name: b.name, group: b.group ?? 'collaborative', recommender: b.recommender, model: null })));
  // A switched-off feature this model does not have (e.g. a base not in rankingBases) is simply absent.
  const off = new Set(config.rankFeaturesOff ?? []);
  const allowed = rankNames.names.map((n) => !off.has(n));
  const coldOff = new Set(config.coldRankFeaturesOff ?? config.rankFeaturesOff ?? []);
  const coldAllowed = rankNames.names.map((n) => !coldOff.has(n));
  if (tasks.has('ranking')) {
    yield { phase: 'fitting validation models', progress: 0.05 };
    const valBases = fitBases(rankingBaseSpecs, split.fit, log);
    yield { phase: 'learning blend weights', progress: 0.35 };
    const relevant = new Map<number, number[]>();
    for (let t = 0; t < split.heldUsers.length; t++) {
      if (split.heldRatings[t] < relevantRating) continue;
      const u = split.heldUsers[t];
      let l = relevant.get(u);
      if (l === undefined) relevant.set(u, (l = []));
      l.push(split.heldItems[t]);
    }
    const warmUsers: number[] = [];
    const coldUsers: number[] = [];
    for (const u of [...relevant.keys()].sort((a, b) => a - b)) {
      const n = split.fit.byUser.indptr[u + 1] - split.fit.byUser.indptr[u];
      (n <= coldU ? coldUsers : warmUsers).push(u);
    }
    // Training cost is linear in the validation users: large data sets learn from a seeded sample.
    const cap = config.maxValidationUsers ?? Infinity;
    for (const list of [warmUsers, coldUsers]) {
      if (list.length <= cap) continue;
      const kept = sampleSorted(list, cap, seed);
      list.length = 0;
      list.push(...kept);
    }
    const pool = config.poolPerBase ?? 100;
    const nItems = data.items.size;
    const t0 = Date.now();
    const valTime = split.fitTimes
      ? buildTimeContext(data.users.size, data.items.size, split.fitTimes.users, split.fitTimes.items, split.fitTimes.times, split.fitTimes.ratings)
      : null;
    const scoringBases = trainingScoringBases(valBases);
    const warmSet = buildRankTrainingSet(scoringBases, valContent, split, warmUsers, relevant, pool, coldI, valTime);
    const coldSet = buildRankTrainingSet(scoringBases, valContent, split, coldUsers, relevant, pool, coldI, valTime);
    log(`  ranking features: ${warmUsers.length} warm + ${coldUsers.length} cold users, ${warmSet.item.length + coldSet.item.length} candidate rows in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const gamma = config.coverageWeight ?? 0;
    const beta = config.recallWeight ?? 0.5;
    // Stage 1 without the exposure feature; stage 2 adds it (computed from stage 1's lists).
    const fExp = rankNames.names.indexOf('exposure');
    const noExposure = allowed.map((a, f) => a && f !== fExp);
    const target = config.coverageTarget ?? 0;
    const stage1 = coordinateAscent(warmSet, nItems, beta, gamma, rankNames.names, noExposure, undefined, target);
    firstStage = stage1.w;
    const valExposure = exposureZOf(exposureCounts(warmSet, stage1.w, nItems));
    setColumn(warmSet, fExp, valExposure);
    setColumn(coldSet, fExp, valExposure);
    warm = coordinateAscent(warmSet, nItems, beta, gamma, rankNames.names, allowed, stage1.w, target);
    // One-standard-error rule along a γ path: the most coverage-seeking blend whose validation accuracy is not
    // worse than the γ blend's by more than one standard error of the paired per-user difference.
    const path = (config.coverageWeightPath ?? []).filter((g) => g > gamma).sort((x, y) => x - y);
    if (path.length > 0) {
      const ref = perUserAccuracy(warmSet, warm.w, nItems, beta);
      let prev = warm;
      for (const g of path) {
        const cand = coordinateAscent(warmSet, nItems, beta, g, rankNames.names, allowed, prev.w, target);
        const d = pairedDifference(ref, perUserAccuracy(warmSet, cand.w, nItems, beta));
        const keep = d.mean >= -d.se;
        log(`  γ=${g}: val NDCG@10 ${cand.validationNdcg.toFixed(4)}, coverage@10 ${cand.validationCoverage?.toFixed(4)}, accuracy Δ ${d.mean.toFixed(4)} ± ${d.se.toFixed(4)} (SE)${keep ? ' kept' : ' rejected'}`);
        if (!keep) break;
        warm = cand;
        prev = cand;
      }
    }
    log(`  stage-1 warm weights ${fmtWeights(rankNames.names, stage1.w)} (val NDCG@10 ${stage1.validationNdcg.toFixed(4)})`);
    const learnCold = coldUsers.length > 0 && coldUsers.length >= (config.minColdBlendUsers ?? 0);
    if (!learnCold) log(`  ${coldUsers.length} cold validation users: too few to learn a cold blend, cold users get the warm blend`);
    cold = learnCold ? coordinateAscent(coldSet, nItems, beta, 0, rankNames.names, coldAllowed) : null;
    log(
      `  warm weights ${fmtWeights(rankNames.names, warm.w)} (val NDCG@10 ${warm.validationNdcg.toFixed(4)}, Recall@20 ${warm.validationRecall20?.toFixed(4)}, coverage@10 ${warm.validationCoverage?.toFixed(4)})`,
    );
    const nonPersonal = rankNames.names.map((n, f) => allowed[f] && (rankNames.groups[f] === 'popular' || n === 'coldItem'));
    anon = learnCold ? coordinateAscent(coldSet, nItems, beta, 0, rankNames.names, nonPersonal) : null;
    if (anon) log(`  anonymous weights ${fmtWeights(rankNames.names, anon.w)} (val NDCG@10 ${anon.validationNdcg.toFixed(4)})`);
    if (cold) log(`  cold weights ${fmtWeights(rankNames.names, cold.w)} (val NDCG@10 ${cold.validationNdcg.toFixed(4)})`);
  }

  // Rating blend.
  let ratingWeights: Float32Array | null = null;
  let ratingValidationRmse: number | null = null;
  let ratingSupportMinUser: number | undefined;
  let ratingValFits: FittedBase[] | null = null;
  let ratingNames: string[] = [];
  if (tasks.has('rating') && ratingBaseSpecs.length > 0) {
    yield { phase: 'learning the rating blend', progress: 0.45 };
    const valBases = fitBases(ratingBaseSpecs, ratingSplit.fit, log);
    ratingValFits = valBases;
    ratingNames = ratingFeatureNames(valBases, ratingValContent !== null, config.ratingSupportTerms ?? true);
    const F = ratingNames.length;
    const xtx = new Float64Array(F * F);
    const xty = new Float64Array(F);
    const row = new Float64Array(F);
    const c = counts(ratingSplit.fit);
    // Rows computed the way the model will be served (when the caller serves it differently), so the blend
    // learns on exactly the features it will be applied to.
    const servedRow = config.servedRatingRow?.({ bases: valBases, content: ratingValContent, fit: ratingSplit.fit, names: ratingNames, coldUserThreshold: coldU, coldItemThreshold: coldI });
    // Large data sets learn the (few) blend weights from a seeded sample of the held-out rows.
    // Per-user work (fold-ins, neighbour searches) dominates served rows: sample users first, then rows.
    let allHeld = Array.from({ length: ratingSplit.heldUsers.length }, (_, t) => t);
    const heldUserList = [...new Set(ratingSplit.heldUsers)];
    const maxUsers = config.maxRatingUsers ?? Infinity;
    if (heldUserList.length > maxUsers) {
      const keep = new Set(sampleSorted(heldUserList, maxUsers, seed + 3));
      allHeld = allHeld.filter((t) => keep.has(ratingSplit.heldUsers[t]));
    }
    const maxRows = config.maxRatingRows ?? Infinity;
    const heldRows = allHeld.length > maxRows ? sampleSorted(allHeld, maxRows, seed + 2) : allHeld;
    const nHeld = heldRows.length;
    const heldY = Float32Array.from(heldRows, (t) => ratingSplit.heldRatings[t]);
    const rows = new Float32Array(nHeld * F);
    const thin = thinColdTerms(ratingNames, heldRows, ratingSplit, c, coldU, coldI, config.minColdBlendUsers ?? 0);
    if (thin.length > 0) log(`  rating blend: ${thin.map((f) => ratingNames[f]).join(', ')} off (fewer than ${config.minColdBlendUsers ?? 0} cold users or items among the rows)`);
    for (let x = 0; x < nHeld; x++) {
      const t = heldRows[x];
      if (servedRow) servedRow(ratingSplit.heldUsers[t], ratingSplit.heldItems[t], row);
      else ratingFeatureRow(valBases, ratingValContent, ratingSplit.fit, c.userCount, c.itemCount, coldU, coldI, ratingSplit.heldUsers[t], ratingSplit.heldItems[t], row);
      for (const f of thin) row[f] = 0;
      rows.set(row, x * F);
      const y = heldY[x];
      for (let a = 0; a < F; a++) {
        xty[a] += row[a] * y;
        for (let b = 0; b < F; b++) xtx[a * F + b] += row[a] * row[b];
      }
    }
    const choice = chooseRatingBlend(rows, heldY, Int32Array.from(heldRows, (t) => ratingSplit.heldUsers[t]), ratingNames, data.scale, config.ridgeLambda, seed);
    log(`  rating blend CV (5 folds by user, validation rows): ${choice.table}; chosen λ ${choice.lambda}${choice.support ? ' with' : ' without'} support terms`);
    ratingWeights = ridgeMasked(xtx, xty, F, choice.lambda, choice.mask);
    // In-sample RMSE of the blend on the held-out rows (clipped like predictHybrid): the model job's rating metric.
    let se = 0;
    for (let t = 0; t < nHeld; t++) {
      let v = 0;
      for (let f = 0; f < F; f++) v += ratingWeights[f] * rows[t * F + f];
      v = Math.min(data.scale[1], Math.max(data.scale[0], v));
      se += (v - heldY[t]) ** 2;
    }
    ratingValidationRmse = nHeld > 0 ? Math.sqrt(se / nHeld) : null;
    if (nHeld > 0) ratingSupportMinUser = Math.min(...new Set(Array.from(heldRows, (t) => c.userCount[ratingSplit.heldUsers[t]])));
    log(`  rating blend ${fmtWeights(ratingNames, ratingWeights)}`);
  }

  // Refit on the full train.
  yield { phase: 'fitting final model', progress: 0.55 };
  log('hybrid: refitting bases on the full train');
  const sharedFits = new Map<string, unknown>();
  const rankingBases = fitBases(rankingBaseSpecs, data, log, sharedFits);
  // Rating-only bases may keep their validation fit (served users are folded in from their current ratings, so only
  // the item side comes from 80% of the ratings); a base shared with the ranking blend uses its full-data fit.
  const keepVal = config.refitRatingBases === false && ratingValFits !== null;
  const ratingBases = ratingBaseSpecs.map((b, x) => {
    const key = `${b.name}|${JSON.stringify(b.config)}`;
    if (keepVal && !sharedFits.has(key)) {
      log(`  ${b.name}: keeping the validation fit`);
      return ratingValFits![x];
    }
    return fitBases([b], data, log, sharedFits)[0];
  });
  background?.close();
  const content = contentConfig ? fitContentTfidf(data, contentConfig) : null;
  const { itemCount, userCount } = counts(data);
  const draft: HybridModel = {
    rankingBases,
    ratingBases,
    content,
    itemCount,
    userCount,
    popZ: popularityZ(itemCount),
    time: timestamps ? timeContextOf(data, timestamps) : null,
    exposureZ: null,
    rankFeatures: rankNames.names,
    rankFeatureGroup: rankNames.groups,
    warm,
    cold,
    anon,
    ratingFeatures: ratingNames,
    ratingWeights,
    ratingValidationRmse,
    ...(ratingSupportMinUser !== undefined ? { ratingSupportMinUser } : {}),
    coldUserThreshold: coldU,
    coldItemThreshold: coldI,
    scale: data.scale,
    globalMean: data.globalMean,
  };
  yield { phase: 'exposure', progress: 0.85 };
  // Exposure on the full train: how often each item is in a user's top-10 under the stage-1 blend.
  let exposureZ: Float32Array | null = null;
  if (firstStage) {
    const stage1Model: HybridModel = { ...draft, rankingBases: trainingScoringBases(rankingBases), warm: { w: firstStage, validationNdcg: 0, validationUsers: 0 } };
    const exp = new Int32Array(data.items.size);
    const scratch = createHybridScratch(stage1Model, data.items.size);
    const scores = new Float32Array(data.items.size);
    const warmAll: number[] = [];
    for (let u = 0; u < data.users.size; u++) if (!isColdUser(stage1Model, u)) warmAll.push(u);
    const cap = config.maxValidationUsers ?? Infinity;
    // Counts from a sample are scaled by the z-scoring (log counts, standardised), so a sample suffices.
    for (const u of warmAll.length > cap ? sampleSorted(warmAll, cap, seed + 1) : warmAll) {
      scoreHybridUser(stage1Model, data, u, scores, scratch);
      for (const { itemIdx } of recommendFromScores(scores, data, u, 10)) exp[itemIdx]++;
    }
    exposureZ = exposureZOf(exp);
  }
  const model: HybridModel = { ...draft, exposureZ };
  for (const r of [warm, cold, anon]) if (r && !r.w.every(Number.isFinite)) throw new ModelFitError('hybrid: non-finite ranking weights');
  if (ratingWeights && !ratingWeights.every(Number.isFinite)) throw new ModelFitError('hybrid: non-finite rating weights');
  return model;
}

/** A seeded sample of `k` values of `list`, in ascending order. */
export function sampleSorted(list: readonly number[], k: number, seed: number): number[] {
  const rng = createRng(seed);
  const a = [...list];
  for (let t = 0; t < k; t++) {
    const j = t + rng.int(a.length - t);
    [a[t], a[j]] = [a[j], a[t]];
  }
  return a.slice(0, k).sort((x, y) => x - y);
}

function timeContextOf(data: RatingMatrix, timestamps: Float64Array): TimeContext {
  if (timestamps.length !== data.byUser.values.length) throw new ShapeError(`timestamps length ${timestamps.length} ≠ nnz ${data.byUser.values.length}`);
  const users = new Int32Array(timestamps.length);
  for (let u = 0; u < data.users.size; u++) users.fill(u, data.byUser.indptr[u], data.byUser.indptr[u + 1]);
  return buildTimeContext(data.users.size, data.items.size, users, data.byUser.indices, timestamps, data.byUser.values);
}

function fmtWeights(names: readonly string[], w: Float32Array): string {
  return names.map((n, f) => `${n}=${w[f].toFixed(3)}`).join(' ');
}

// ---------------------------------------------------------------------------------------------
// Serving.

/** Reusable per-request buffers; pass one to the scoring functions to avoid allocations. */
export interface HybridScratch {
  cols: Float32Array[];
  mask: Uint8Array;
}

export function createHybridScratch(model: HybridModel, nItems: number): HybridScratch {
  return { cols: Array.from({ length: model.rankFeatures.length }, () => new Float32Array(nItems)), mask: new Uint8Array(nItems) };
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
export function hybridFeatureColumns(model: HybridModel, data: RatingMatrix, userIdx: number, scratch: HybridScratch, profileScores?: Float32Array): void {
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
export function scoreHybridUser(model: HybridModel, data: RatingMatrix, userIdx: number, out: Float32Array, scratch?: HybridScratch, profileScores?: Float32Array): void {
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
export function sourceOf(model: HybridModel, w: Float32Array, scratch: HybridScratch, itemIdx: number, personal = true): Source {
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
export function recommendHybrid(model: HybridModel, data: RatingMatrix, userIdx: number, k: number, opts?: RecommendOptions, scratch?: HybridScratch): HybridPick[] {
  const s = scratch ?? createHybridScratch(model, data.items.size);
  const scores = new Float32Array(data.items.size);
  scoreHybridUser(model, data, userIdx, scores, s);
  const w = weightsFor(model, userIdx);
  const personal = userIdx >= 0 && userIdx < data.users.size && data.byUser.indptr[userIdx + 1] > data.byUser.indptr[userIdx];
  return recommendFromScores(scores, data, userIdx, k, opts).map((p) => ({ ...p, source: sourceOf(model, w, s, p.itemIdx, personal) }));
}

/**
 * Picks for a new user who chose favourite genres (no ratings): the cold blend over a content
 * profile of the chosen genres and popularity. Genre names as in the catalogue ("Drama").
 */
export function recommendForGenres(model: HybridModel, data: RatingMatrix, genres: readonly string[], k: number, opts?: RecommendOptions): HybridPick[] {
  const nItems = data.items.size;
  const s = createHybridScratch(model, nItems);
  const profileScores = new Float32Array(nItems);
  if (model.content && genres.length > 0) {
    scoreProfile(model.content.itemVectors, profileFromFeatures(model.content.index, genres.map((g) => `g:${g.toLowerCase().trim()}`)), profileScores);
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
  return recommendFromScores(scores, data, -1, k, opts).map((p) => ({ ...p, source: sourceOf(model, w, s, p.itemIdx, false) }));
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
    v = model.ratingBases.length > 0 ? model.ratingBases[0].recommender.predict(model.ratingBases[0].model, data, userIdx, itemIdx) : model.globalMean;
  } else {
    const row = new Float64Array(w.length);
    const content = model.ratingFeatures.includes('content') ? model.content : null;
    ratingFeatureRow(model.ratingBases, content, data, model.userCount, model.itemCount, model.coldUserThreshold, model.coldItemThreshold, userIdx, itemIdx, row);
    v = 0;
    for (let f = 0; f < w.length; f++) v += w[f] * row[f];
  }
  if (!Number.isFinite(v)) v = model.globalMean;
  return v < lo ? lo : v > hi ? hi : v;
}

/** {@link Recommender} adapter: the served model. */
export const hybridRecommender: Recommender<HybridConfig, HybridModel> = {
  name: 'hybrid',
  fit: fitHybrid,
  predict: predictHybrid,
  scoreItems(model, data, userIdx, out) {
    scoreHybridUser(model, data, userIdx, out);
  },
  recommend(model, data, userIdx, k, opts) {
    return recommendHybrid(model, data, userIdx, k, opts).map(({ itemIdx, score }) => ({ itemIdx, score }));
  },
};
