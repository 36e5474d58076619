/**
 * Feature columns of the ranking blend for one user: per-user standardised base scores, popularity, cold-item and
 * time-window features (what was popular around the user's last ratings). O(nItems·F) per user.
 */
import { type ContentTfidfModel, scoreContentUser, scoreItemSet } from '../algorithms/content-tfidf';
import { type EaseModel, scoreEaseHistory } from '../algorithms/ease';
import { banImplicit, implicitRowOf } from '../core/interactions';
import { type RatingMatrix, ShapeError } from '../core/types';
import type { FittedBase, Source } from './types';

// ---------------------------------------------------------------------------------------------
// Features.

export function counts(data: RatingMatrix): { itemCount: Int32Array; userCount: Int32Array } {
  const itemCount = new Int32Array(data.items.size);
  for (let i = 0; i < data.items.size; i++) itemCount[i] = data.byItem.indptr[i + 1] - data.byItem.indptr[i];
  const userCount = new Int32Array(data.users.size);
  for (let u = 0; u < data.users.size; u++) userCount[u] = data.byUser.indptr[u + 1] - data.byUser.indptr[u];
  return { itemCount, userCount };
}

export function popularityZ(itemCount: Int32Array): Float32Array {
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
  return {
    t0,
    binSeconds,
    nBins,
    cum,
    userLast,
    windowBins,
    recentIndptr,
    recentItems: Int32Array.from(ri),
    recentRatings: Float32Array.from(rr),
  };
}

/** Aligns per-row timestamps of a ratings file to `data.byUser` order (for {@link HybridConfig.timestamps}). */
export function alignTimestamps(
  data: RatingMatrix,
  userIds: Int32Array,
  itemIds: Int32Array,
  times: Float64Array,
): Float64Array {
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
export interface FeatureColumns {
  /** One standardised score column per feature, each length nItems. */
  cols: Float32Array[];
  /** 1 for the user's own train items. */
  mask: Uint8Array;
}

/** Ranking features after the base columns, in column order. */
export const RANK_EXTRA_FEATURES: readonly string[] = [
  'content',
  'pop',
  'coldItem',
  'coldItem×content',
  'popBefore',
  'popAfter',
  'exposure',
  'recent',
];

/**
 * The ranking feature of implicit feedback (issue #23), after the others and only in a model fitted with an implicit
 * part (so a ratings-only model has exactly the columns it always had): the content cosine of each candidate with
 * the member's watches and likes, weighted by their confidences (`scoreItemSet`). The implicit models already read
 * those rows; content does not (its profile is rating-centred), so this column is what a watch or like adds to the
 * content side.
 */
export const IMPLICIT_CONTENT_FEATURE = 'implicitContent';

export function rankFeatureNames(
  bases: readonly FittedBase[],
  hasImplicit = false,
): { names: string[]; groups: Source[] } {
  const names = bases.map((b) => b.name);
  const groups = bases.map((b) => b.group);
  names.push(...RANK_EXTRA_FEATURES);
  groups.push('content', 'popular', 'content', 'content', 'popular', 'popular', 'popular', 'collaborative');
  if (hasImplicit) {
    names.push(IMPLICIT_CONTENT_FEATURE);
    groups.push('content');
  }
  return { names, groups };
}

/** What the feature columns are computed from (a fitted model, or the validation-time fits). */
export interface FeatureContext {
  bases: readonly FittedBase[];
  content: ContentTfidfModel | null;
  popZ: Float32Array;
  itemCount: Int32Array;
  coldItemThreshold: number;
  time: TimeContext | null;
  exposureZ: Float32Array | null;
}

/** The bases that read the implicit part (core/interactions.ts interactionView), by their model's kind. */
const IMPLICIT_KINDS = new Set(['ease', 'implicit-als', 'rp3beta']);

export function isImplicitBase(b: Pick<FittedBase, 'model'>): boolean {
  return IMPLICIT_KINDS.has((b.model as { kind?: string } | null)?.kind ?? '');
}

/**
 * Fills the feature columns of one user: standardised base scores, standardised content cosine,
 * global popularity z, the cold-item indicator and its product with the content z, and the
 * standardised log-popularity in the windows before and after the user's last rating.
 * O(Σ base scoring cost + F · nItems).
 */
export function userFeatureColumns(
  ctx: FeatureContext,
  data: RatingMatrix,
  userIdx: number,
  buf: FeatureColumns,
  contentProfileScores?: Float32Array,
): void {
  const { bases, content, popZ, itemCount, coldItemThreshold, time, exposureZ } = ctx;
  const nItems = data.items.size;
  const { cols, mask } = buf;
  mask.fill(0);
  if (userIdx >= 0)
    for (let p = data.byUser.indptr[userIdx]; p < data.byUser.indptr[userIdx + 1]; p++)
      mask[data.byUser.indices[p]] = 1;
  // Watched, liked and listed movies are not candidates either (core/interactions.ts).
  banImplicit(mask, data, userIdx);
  const hasRatings = userIdx >= 0 && data.byUser.indptr[userIdx + 1] > data.byUser.indptr[userIdx];
  const hasHistory = hasRatings || implicitRowOf(data, userIdx).itemIdx.length > 0;
  for (let b = 0; b < bases.length; b++) {
    // Non-personal bases (popularity) score users without ratings too; the implicit models score a member with
    // watches or likes but no rating.
    if ((isImplicitBase(bases[b]) ? hasHistory : hasRatings) || bases[b].group === 'popular') {
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
    scoreEaseHistory(
      ease.model as EaseModel,
      time.recentItems.subarray(a, b),
      time.recentRatings.subarray(a, b),
      recentCol,
    );
    standardize(recentCol, mask);
  } else recentCol.fill(0);
  implicitContentColumn(ctx, data, userIdx, buf);
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

/** The {@link IMPLICIT_CONTENT_FEATURE} column (standardised like the content column), when the buffer has it. */
function implicitContentColumn(ctx: FeatureContext, data: RatingMatrix, userIdx: number, buf: FeatureColumns): void {
  const nb = ctx.bases.length;
  if (buf.cols.length <= nb + 8) return;
  const col = buf.cols[nb + 8];
  const imp = implicitRowOf(data, userIdx);
  if (!ctx.content || imp.itemIdx.length === 0) {
    col.fill(0);
    return;
  }
  scoreItemSet(ctx.content.itemVectors, imp.itemIdx, imp.values, col);
  standardize(col, buf.mask);
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
  const bu = Number.isNaN(last)
    ? time.nBins - 1
    : Math.min(time.nBins - 1, Math.max(0, Math.floor((last - time.t0) / time.binSeconds)));
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

export function timeContextOf(data: RatingMatrix, timestamps: Float64Array): TimeContext {
  if (timestamps.length !== data.byUser.values.length)
    throw new ShapeError(`timestamps length ${timestamps.length} ≠ nnz ${data.byUser.values.length}`);
  const users = new Int32Array(timestamps.length);
  for (let u = 0; u < data.users.size; u++) users.fill(u, data.byUser.indptr[u], data.byUser.indptr[u + 1]);
  return buildTimeContext(data.users.size, data.items.size, users, data.byUser.indices, timestamps, data.byUser.values);
}
