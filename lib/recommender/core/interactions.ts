/**
 * Implicit feedback (issue #23): bare watches (value unknown), likes and watchlist adds next to the explicit ratings.
 *
 * They are NOT ratings: {@link attachImplicit} puts them in `RatingMatrix.implicit`, a part of the matrix that the rating
 * models (biases, biased MF, SVD++, user/item-kNN, content, popularity, the rating blend) never read. Only the implicit
 * models read them, through {@link interactionView}: implicit ALS, EASE and RP3beta. Each kind has its own confidence
 * weight c, relative to a positive rating (which counts 1 in those models: binary ALS's w, binary EASE's X entry):
 * - c > 0: a positive with confidence c — implicit ALS's c_ui = 1 + α·c (Hu, Koren & Volinsky 2008), EASE's X_ui = c
 *   (a weighted Gram matrix XᵀX), an RP3beta graph edge (unweighted: the walk has no confidences);
 * - c = 0: "seen" only — excluded from the member's candidates, not a positive;
 * - c < 0: the kind is dropped entirely.
 * A member's rating of a movie always wins over their watch, like or watchlist add of it; between kinds the highest
 * weight wins. Dismissals are not implicit feedback: they stay hard exclusions at serving time.
 *
 * With no implicit rows a matrix has no implicit part and every view is the matrix itself, so a ratings-only fit is
 * bit for bit today's fit. The weights are chosen on the eval CLI's validation carve only
 * (docs/benchmarks/implicit-feedback.md).
 */
import { createRng } from './rng';
import type { RatingRows } from './holdout';
import { getValue, transpose } from './sparse';
import type { Csr, ImplicitPart, RatingMatrix } from './types';

/** Kind codes of {@link ImplicitRows.kinds}. */
export const WATCH = 0;
export const LIKE = 1;
export const WATCHLIST = 2;

/** Watches without a rating, likes and watchlist adds, by raw ids. A (user, movie) may appear with several kinds. */
export interface ImplicitRows {
  userIds: Int32Array;
  movieIds: Int32Array;
  /** {@link WATCH}, {@link LIKE} or {@link WATCHLIST} per row. */
  kinds: Uint8Array;
  /** When the member watched / liked / listed (seconds or ms, the unit of the ratings' timestamps); optional. */
  timestamps?: Float64Array;
}

/** The confidence weight each kind enters the implicit models with, relative to a positive rating (module comment). */
export interface ImplicitWeights {
  watch: number;
  like: number;
  watchlist: number;
}

/**
 * Confidences chosen on the validation carve of the ml-latest-small ranking train file only (eval --validation, the
 * issue #23 simulation; docs/benchmarks/implicit-feedback.md): of the grid (watch, like) ∈ {(1, 1), (0.5, 1)} (the
 * points (1, 2), (0.5, 2), (1, 4) were planned and not run in time), (0.5, 1) had the best validation NDCG@10. A like
 * counts as a rated positive, a bare watch half as much. A watchlist add cannot be simulated from ratings (any stand-in
 * would be a future rating, i.e. the target), so its weight is a prior, not a measurement: 0, "seen" (kept out of the
 * member's candidates) and not a positive, so an unmeasured signal cannot move the ranking.
 */
export const DEFAULT_IMPLICIT_WEIGHTS: Readonly<ImplicitWeights> = Object.freeze({ watch: 0.5, like: 1, watchlist: 0 });

export function implicitCount(rows: ImplicitRows | null | undefined): number {
  return rows ? rows.userIds.length : 0;
}

/** The weight of a kind code (throws on an unknown code). */
export function kindWeight(kind: number, weights: ImplicitWeights): number {
  if (kind === WATCH) return weights.watch;
  if (kind === LIKE) return weights.like;
  if (kind === WATCHLIST) return weights.watchlist;
  throw new Error(`unknown implicit kind ${kind}`);
}

/** Raw ids of the users and movies of ratings and implicit rows together (for the vocabularies of a fit). */
export function idsWithImplicit(
  ratings: { userIds: Int32Array; movieIds: Int32Array },
  implicit: ImplicitRows | null | undefined,
): { userIds: Int32Array; movieIds: Int32Array } {
  if (!implicit || implicitCount(implicit) === 0) return { userIds: ratings.userIds, movieIds: ratings.movieIds };
  const userIds = new Int32Array(ratings.userIds.length + implicit.userIds.length);
  userIds.set(ratings.userIds);
  userIds.set(implicit.userIds, ratings.userIds.length);
  const movieIds = new Int32Array(ratings.movieIds.length + implicit.movieIds.length);
  movieIds.set(ratings.movieIds);
  movieIds.set(implicit.movieIds, ratings.movieIds.length);
  return { userIds, movieIds };
}

/**
 * `data` with the implicit rows as its implicit part: each (user, movie) with an implicit row, no rating in `data` and a
 * weight ≥ 0 becomes one entry valued max(weight of its kinds), timed by its latest row (when the rows have times).
 * Rows whose user or movie is outside `data`'s vocabularies are skipped (build the vocabularies with
 * {@link idsWithImplicit}). Returns `data` itself when no entry remains. O(m log m + m log(row length)).
 */
export function attachImplicit<M extends RatingMatrix>(
  data: M,
  implicit: ImplicitRows | null | undefined,
  weights: ImplicitWeights = DEFAULT_IMPLICIT_WEIGHTS,
): M {
  const m = implicitCount(implicit);
  if (m === 0 || !implicit) return data;
  if (implicit.movieIds.length !== m || implicit.kinds.length !== m)
    throw new Error(
      `implicit rows differ in length: ${m} users, ${implicit.movieIds.length} movies, ${implicit.kinds.length} kinds`,
    );
  const nItems = data.items.size;
  const pairs = new Map<number, { w: number; t: number }>();
  for (let r = 0; r < m; r++) {
    const w = kindWeight(implicit.kinds[r], weights);
    if (!(w >= 0)) continue;
    const u = data.users.index(implicit.userIds[r]);
    const i = data.items.index(implicit.movieIds[r]);
    if (u === undefined || i === undefined || getValue(data.byUser, u, i) !== undefined) continue;
    const key = u * nItems + i;
    const t = implicit.timestamps ? implicit.timestamps[r] : Number.NaN;
    const prev = pairs.get(key);
    if (prev) {
      prev.w = Math.max(prev.w, w);
      if (!(t <= prev.t)) prev.t = t;
    } else pairs.set(key, { w, t });
  }
  if (pairs.size === 0) return data;
  const keys = [...pairs.keys()].sort((a, b) => a - b);
  const nUsers = data.users.size;
  const indptr = new Int32Array(nUsers + 1);
  const indices = new Int32Array(keys.length);
  const values = new Float32Array(keys.length);
  const times = implicit.timestamps ? new Float64Array(keys.length) : undefined;
  keys.forEach((key, p) => {
    const u = Math.floor(key / nItems);
    indptr[u + 1]++;
    indices[p] = key - u * nItems;
    const x = pairs.get(key)!;
    values[p] = x.w;
    if (times) times[p] = x.t;
  });
  for (let u = 0; u < nUsers; u++) indptr[u + 1] += indptr[u];
  const byUser: Csr = { nRows: nUsers, nCols: nItems, indptr, indices, values };
  return { ...data, implicit: { byUser, byItem: transpose(byUser), ...(times ? { times } : {}) } };
}

/** The part restricted to the entries `keep(userIdx, entry)` accepts; undefined when none is left. O(nnz). */
export function filterImplicit(
  part: ImplicitPart | undefined,
  keep: (userIdx: number, entry: number) => boolean,
): ImplicitPart | undefined {
  if (!part) return undefined;
  const src = part.byUser;
  const indptr = new Int32Array(src.nRows + 1);
  const idx: number[] = [];
  for (let u = 0; u < src.nRows; u++) {
    for (let p = src.indptr[u]; p < src.indptr[u + 1]; p++) if (keep(u, p)) idx.push(p);
    indptr[u + 1] = idx.length;
  }
  if (idx.length === 0) return undefined;
  if (idx.length === src.indices.length) return part;
  const byUser: Csr = {
    nRows: src.nRows,
    nCols: src.nCols,
    indptr,
    indices: Int32Array.from(idx, (p) => src.indices[p]),
    values: Float32Array.from(idx, (p) => src.values[p]),
  };
  const times = part.times;
  return { byUser, byItem: transpose(byUser), ...(times ? { times: Float64Array.from(idx, (p) => times[p]) } : {}) };
}

/** A user's implicit items and weights (empty without an implicit part). */
export function implicitRowOf(data: RatingMatrix, u: number): { itemIdx: Int32Array; values: Float32Array } {
  const part = data.implicit?.byUser;
  if (!part || u < 0 || u >= part.nRows) return { itemIdx: new Int32Array(0), values: new Float32Array(0) };
  const a = part.indptr[u];
  const b = part.indptr[u + 1];
  return { itemIdx: part.indices.subarray(a, b), values: part.values.subarray(a, b) };
}

/** Marks the user's implicit items in `banned` (a watched, liked or listed movie is not recommended). */
export function banImplicit(banned: Uint8Array, data: RatingMatrix, u: number): void {
  const part = data.implicit?.byUser;
  if (!part || u < 0 || u >= part.nRows) return;
  for (let p = part.indptr[u]; p < part.indptr[u + 1]; p++)
    if (part.indices[p] < banned.length) banned[part.indices[p]] = 1;
}

/**
 * Ratings and implicit entries as one matrix for the implicit models. An implicit entry's value is the top of the
 * scale when it is a positive (c > 0) and below the bottom when it is "seen" only (c = 0), so every model's threshold
 * test reads it right; `confidence` holds, per entry of `byUser`, 1 for a rating and c for an implicit entry.
 */
export interface InteractionView extends RatingMatrix {
  readonly confidence?: Float32Array;
}

/** Confidence of entry `p` of a view's `byUser` (1 for every entry of a ratings-only matrix). */
export function confidenceAt(view: InteractionView, p: number): number {
  return view.confidence ? view.confidence[p] : 1;
}

/** The value a view gives an implicit entry of confidence `c` (see {@link InteractionView}). */
export function implicitViewValue(c: number, scale: readonly [number, number]): number {
  return c > 0 ? scale[1] : scale[0] - 1;
}

const views = new WeakMap<RatingMatrix, InteractionView>();

/**
 * What the implicit models read: ratings and implicit entries as one matrix (same vocabularies, scale and global
 * mean; each row's items sorted), without an implicit part, with per-entry confidences. The matrix itself when it has
 * none, so a ratings-only fit reads exactly the same object. Built once per matrix (cached). O(nnz).
 */
export function interactionView(data: RatingMatrix): InteractionView {
  const part = data.implicit;
  if (!part || part.byUser.indices.length === 0) return data;
  const cached = views.get(data);
  if (cached) return cached;
  const a = data.byUser;
  const b = part.byUser;
  const nnz = a.indices.length + b.indices.length;
  const indptr = new Int32Array(a.nRows + 1);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  const confidence = new Float32Array(nnz);
  let q = 0;
  for (let u = 0; u < a.nRows; u++) {
    let p = a.indptr[u];
    let r = u < b.nRows ? b.indptr[u] : 0;
    const pe = a.indptr[u + 1];
    const re = u < b.nRows ? b.indptr[u + 1] : 0;
    while (p < pe || r < re) {
      if (r >= re || (p < pe && a.indices[p] < b.indices[r])) {
        indices[q] = a.indices[p];
        confidence[q] = 1;
        values[q++] = a.values[p++];
      } else {
        indices[q] = b.indices[r];
        confidence[q] = b.values[r];
        values[q++] = implicitViewValue(b.values[r++], data.scale);
      }
    }
    indptr[u + 1] = q;
  }
  const byUser: Csr = { nRows: a.nRows, nCols: a.nCols, indptr, indices, values };
  const view: InteractionView = {
    users: data.users,
    items: data.items,
    byUser,
    byItem: transpose(byUser),
    globalMean: data.globalMean,
    scale: data.scale,
    confidence,
  };
  views.set(data, view);
  return view;
}

/** What the issue #23 simulation does with the chosen half of each member's train ratings. */
export type ImplicitSimulation = 'none' | 'drop' | 'watches';

/**
 * The issue #23 simulation: per user, a seeded random half (round(n/2)) of the train ratings loses its value.
 * `kept` holds the other half; `implicit` holds the chosen half as bare watches, and those rated ≥ `likeAt` also as
 * likes (with their timestamps). Mode 'drop' is the same split with `implicit` empty ("the half dropped entirely");
 * 'none' keeps every rating. Deterministic for a seed and independent of row order within a user.
 */
export function simulateImplicit(
  train: RatingRows,
  mode: ImplicitSimulation,
  opts: { seed: number; share?: number; likeAt?: number },
): { kept: RatingRows; implicit: ImplicitRows | null; converted: number } {
  if (mode === 'none') return { kept: train, implicit: null, converted: 0 };
  const share = opts.share ?? 0.5;
  const likeAt = opts.likeAt ?? 4.5;
  const byUser = new Map<number, number[]>();
  for (let r = 0; r < train.userIds.length; r++) {
    const l = byUser.get(train.userIds[r]);
    if (l) l.push(r);
    else byUser.set(train.userIds[r], [r]);
  }
  const rng = createRng(opts.seed);
  const chosen = new Uint8Array(train.userIds.length);
  for (const u of [...byUser.keys()].sort((a, b) => a - b)) {
    const list = byUser.get(u)!.sort((a, b) => train.movieIds[a] - train.movieIds[b]);
    const k = Math.round(list.length * share);
    for (let t = 0; t < k; t++) {
      const j = t + rng.int(list.length - t);
      [list[t], list[j]] = [list[j], list[t]];
      chosen[list[t]] = 1;
    }
  }
  const keep: number[] = [];
  const conv: number[] = [];
  for (let r = 0; r < chosen.length; r++) (chosen[r] ? conv : keep).push(r);
  const pick = (idx: number[]): RatingRows => ({
    userIds: Int32Array.from(idx, (r) => train.userIds[r]),
    movieIds: Int32Array.from(idx, (r) => train.movieIds[r]),
    ratings: Float32Array.from(idx, (r) => train.ratings[r]),
    ...(train.timestamps ? { timestamps: Float64Array.from(idx, (r) => train.timestamps![r]) } : {}),
  });
  const kept = pick(keep);
  if (mode === 'drop') return { kept, implicit: null, converted: conv.length };
  const rowsIdx: number[] = [];
  const kinds: number[] = [];
  for (const r of conv) {
    rowsIdx.push(r);
    kinds.push(WATCH);
    if (train.ratings[r] >= likeAt) {
      rowsIdx.push(r);
      kinds.push(LIKE);
    }
  }
  const implicit: ImplicitRows = {
    userIds: Int32Array.from(rowsIdx, (r) => train.userIds[r]),
    movieIds: Int32Array.from(rowsIdx, (r) => train.movieIds[r]),
    kinds: Uint8Array.from(kinds),
    ...(train.timestamps ? { timestamps: Float64Array.from(rowsIdx, (r) => train.timestamps![r]) } : {}),
  };
  return { kept, implicit, converted: conv.length };
}
