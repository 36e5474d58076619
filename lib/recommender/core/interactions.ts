/**
 * Implicit feedback (issue #23): bare watches (value unknown) and likes next to the explicit ratings.
 *
 * The engine's collaborative ranking models (EASE, implicit ALS, RP3beta, item-kNN on binarised rows) and popularity
 * read a rating row as an interaction whose strength is its value against their positive threshold (3.5 by default:
 * EASE's X, ALS's p_ui = 1 with c = 1 + α, RP3beta's graph edge). {@link mergeImplicit} lets watches and likes enter
 * that same view with their own weight per kind, expressed on the rating scale:
 * - a weight ≥ the models' threshold (3.5) makes the kind a positive, like a good rating;
 * - a weight below it keeps the row as "seen" (excluded from the member's candidates, counted by popularity) without
 *   making it a positive;
 * - a weight of 0 (or below) drops the kind entirely.
 * A member's rating of a movie always wins over their watch or like of it; a like wins over a bare watch.
 *
 * With no implicit rows the ratings are returned as they are (the same object), so a ratings-only fit is bit for bit
 * today's fit. The weights are chosen on the eval CLI's validation carve only (docs/benchmarks/implicit-feedback.md).
 */
import { createRng } from './rng';
import type { RatingRows } from './holdout';

/** Kind codes of {@link ImplicitRows.kinds}. */
export const WATCH = 0;
export const LIKE = 1;

/** Watches without a rating and likes, by raw ids. A (user, movie) may appear as both a watch and a like. */
export interface ImplicitRows {
  userIds: Int32Array;
  movieIds: Int32Array;
  /** {@link WATCH} or {@link LIKE} per row. */
  kinds: Uint8Array;
  /** When the member watched / liked (seconds or ms, the unit of the ratings' timestamps); optional. */
  timestamps?: Float64Array;
}

/** The rating-scale value each kind enters the implicit view with (see the module comment). */
export interface ImplicitWeights {
  watch: number;
  like: number;
}

/**
 * Weights chosen on the validation carve of the ml-latest-small ranking train file (eval --validation, the issue #23
 * simulation; grid watch ∈ {3, 3.5, 4} × like ∈ {4.5, 5} plus (3.5, 4), docs/benchmarks/implicit-feedback.md): a bare watch is
 * a positive at the threshold, a like a 4.5 — best on both validation NDCG@10 and Recall@20 of the grid.
 */
export const DEFAULT_IMPLICIT_WEIGHTS: Readonly<ImplicitWeights> = Object.freeze({ watch: 3.5, like: 4.5 });

export function implicitCount(rows: ImplicitRows | null | undefined): number {
  return rows ? rows.userIds.length : 0;
}

/**
 * Ratings plus implicit rows as one set of rows for the fit: each (user, movie) with an implicit row and no rating
 * becomes one row valued max(weight of its kinds). Rows are appended after the ratings in first-seen order;
 * timestamps are kept when both inputs have them (an implicit row without a time gets the member's latest rating time,
 * else 0). O(n + m).
 */
export function mergeImplicit(
  ratings: RatingRows,
  implicit: ImplicitRows | null | undefined,
  weights: ImplicitWeights = DEFAULT_IMPLICIT_WEIGHTS,
): RatingRows {
  const m = implicitCount(implicit);
  if (m === 0 || !implicit) return ratings;
  if (implicit.movieIds.length !== m || implicit.kinds.length !== m)
    throw new Error(
      `implicit rows differ in length: ${m} users, ${implicit.movieIds.length} movies, ${implicit.kinds.length} kinds`,
    );
  const key = (u: number, i: number) => `${u}:${i}`;
  const rated = new Set<string>();
  const latest = new Map<number, number>();
  for (let r = 0; r < ratings.userIds.length; r++) {
    rated.add(key(ratings.userIds[r], ratings.movieIds[r]));
    if (ratings.timestamps)
      latest.set(ratings.userIds[r], Math.max(latest.get(ratings.userIds[r]) ?? -Infinity, ratings.timestamps[r]));
  }
  const extra = new Map<string, { u: number; i: number; w: number; t: number }>();
  for (let r = 0; r < m; r++) {
    const u = implicit.userIds[r];
    const i = implicit.movieIds[r];
    const k = key(u, i);
    if (rated.has(k)) continue;
    const kind = implicit.kinds[r];
    if (kind !== WATCH && kind !== LIKE) throw new Error(`implicit row ${r}: unknown kind ${kind}`);
    const w = kind === LIKE ? weights.like : weights.watch;
    if (!(w > 0)) continue;
    const t = implicit.timestamps?.[r] ?? latest.get(u) ?? 0;
    const prev = extra.get(k);
    if (prev) {
      prev.w = Math.max(prev.w, w);
      prev.t = Math.max(prev.t, t);
    } else extra.set(k, { u, i, w, t });
  }
  if (extra.size === 0) return ratings;
  const n = ratings.userIds.length;
  const rows = [...extra.values()];
  const out: RatingRows = {
    userIds: new Int32Array(n + rows.length),
    movieIds: new Int32Array(n + rows.length),
    ratings: new Float32Array(n + rows.length),
  };
  out.userIds.set(ratings.userIds);
  out.movieIds.set(ratings.movieIds);
  out.ratings.set(ratings.ratings);
  rows.forEach((x, j) => {
    out.userIds[n + j] = x.u;
    out.movieIds[n + j] = x.i;
    out.ratings[n + j] = x.w;
  });
  if (ratings.timestamps) {
    out.timestamps = new Float64Array(n + rows.length);
    out.timestamps.set(ratings.timestamps);
    rows.forEach((x, j) => (out.timestamps![n + j] = x.t));
  }
  return out;
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
