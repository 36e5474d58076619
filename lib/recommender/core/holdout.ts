/**
 * Every holdout split of the engine, one name per kind of split:
 * - {@link temporalSplit} / {@link randomSplit}: raw-id rows → two parts, the rules of the bench splits
 *   (../shared/bench/PROTOCOL.md: per-user latest 20% by time; random 10%);
 * - {@link carveTuningSplit}: the eval CLI's `--validation` carve of a train file (tuning never reads the test file);
 * - {@link carveBlendValidation}: the hybrid's validation split of a train matrix, on which it learns its blends
 *   (per-user temporal holdout when timestamps are given, else seeded random, with simulated cold users).
 * The evaluation protocol's cold-start slice is eval/evaluate.ts coldStartSlice (it picks users by their test rows).
 */
import { createRng } from './rng';
import { filterImplicit } from './interactions';
import { buildRatingMatrix, indexOfSorted } from './sparse';
import { type ImplicitPart, type RatingMatrix, ShapeError } from './types';

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
export function carveBlendValidation(
  data: RatingMatrix,
  opts: { share: number; seed: number; timestamps?: Float64Array; coldEvery?: number; coldKeep?: number },
): ValidationSplit {
  const { byUser } = data;
  const ts = opts.timestamps;
  if (ts && ts.length !== byUser.values.length)
    throw new ShapeError(`timestamps length ${ts.length} ≠ nnz ${byUser.values.length}`);
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
  const fitRatings = buildRatingMatrix(
    { userIds: Int32Array.from(fu), itemIds: Int32Array.from(fi), ratings: Float32Array.from(fr) },
    { users: data.users, items: data.items, scale: data.scale },
  );
  const fit = withFitImplicit(fitRatings, data.implicit, cold, ts ? heldFrom(hu, hi, data, ts) : null);
  return {
    fit,
    heldUsers: Int32Array.from(hu),
    heldItems: Int32Array.from(hi),
    heldRatings: Float32Array.from(hr),
    coldSimulated: cold,
    fitTimes: ts
      ? {
          users: Int32Array.from(tu),
          items: Int32Array.from(tiArr),
          times: Float64Array.from(tt),
          ratings: Float32Array.from(tr),
        }
      : null,
  };
}

/** Per user, the earliest time of their held-out rows (+∞ when none): the temporal carve's cut. */
function heldFrom(hu: number[], hi: number[], data: RatingMatrix, ts: Float64Array): Float64Array {
  const cut = new Float64Array(data.byUser.nRows).fill(Infinity);
  for (let t = 0; t < hu.length; t++) {
    const u = hu[t];
    const p = indexOfSorted(data.byUser.indices, hi[t], data.byUser.indptr[u], data.byUser.indptr[u + 1]);
    if (p >= 0 && ts[p] < cut[u]) cut[u] = ts[p];
  }
  return cut;
}

/**
 * The implicit part the fitting matrix keeps: none for cold-simulated users (their history is cut to a few ratings),
 * and with a temporal carve only what happened before the user's first held-out rating (when the part has times), so
 * the fit never sees the future it is validated on. The held-out targets are ratings only.
 */
function withFitImplicit<M extends RatingMatrix>(
  fit: M,
  part: ImplicitPart | undefined,
  cold: Uint8Array,
  cut: Float64Array | null,
): M {
  if (!part) return fit;
  const times = part.times;
  const kept = filterImplicit(
    part,
    (u, p) => cold[u] === 0 && !(cut !== null && times !== undefined && times[p] >= cut[u]),
  );
  return kept ? { ...fit, implicit: kept } : fit;
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

/** Raw-id ratings (e.g. from loadRatingsFile). `timestamps` is needed for the cold-start slice only. */
export interface RatingRows {
  userIds: Int32Array;
  movieIds: Int32Array;
  ratings: Float32Array;
  timestamps?: Float64Array;
}

function subset(rows: RatingRows, keep: ArrayLike<number>): RatingRows {
  const idx = Array.from(keep);
  return {
    userIds: Int32Array.from(idx, (r) => rows.userIds[r]),
    movieIds: Int32Array.from(idx, (r) => rows.movieIds[r]),
    ratings: Float32Array.from(idx, (r) => rows.ratings[r]),
    ...(rows.timestamps ? { timestamps: Float64Array.from(idx, (r) => rows.timestamps![r]) } : {}),
  };
}

/**
 * Per user, the latest round(n · share) ratings (by timestamp, ties by movieId) go to the second
 * part — the rule ../shared/bench/make-splits.mjs uses for the ranking split. Needs timestamps.
 */
export function temporalSplit(rows: RatingRows, share: number): { train: RatingRows; test: RatingRows } {
  if (!rows.timestamps) throw new Error('temporal split needs timestamps');
  const ts = rows.timestamps;
  const byUser = new Map<number, number[]>();
  for (let r = 0; r < rows.ratings.length; r++) {
    const list = byUser.get(rows.userIds[r]);
    if (list) list.push(r);
    else byUser.set(rows.userIds[r], [r]);
  }
  const train: number[] = [];
  const test: number[] = [];
  for (const list of byUser.values()) {
    list.sort((a, b) => ts[a] - ts[b] || rows.movieIds[a] - rows.movieIds[b]);
    const nTest = Math.round(list.length * share);
    for (let k = 0; k < list.length; k++) (k < list.length - nTest ? train : test).push(list[k]);
  }
  const order = (a: number, b: number) => rows.userIds[a] - rows.userIds[b] || rows.movieIds[a] - rows.movieIds[b];
  return { train: subset(rows, train.sort(order)), test: subset(rows, test.sort(order)) };
}

/** Each row goes to the second part with probability `share` (mulberry32 `seed`), like the rating split. */
export function randomSplit(rows: RatingRows, share: number, seed: number): { train: RatingRows; test: RatingRows } {
  const rng = createRng(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (let r = 0; r < rows.ratings.length; r++) (rng.next() < share ? test : train).push(r);
  return { train: subset(rows, train), test: subset(rows, test) };
}

/** Seed of the tuning carve ({@link carveTuningSplit}), fixed so every model is tuned on the same rows. */
export const VALIDATION_SEED = 7;

/**
 * The eval CLI's `--validation` split, carved from train only, for choosing hyper-parameters: ranking → per-user
 * temporal 20% (as the ranking split), rating → random 10% (seed {@link VALIDATION_SEED}).
 */
export function carveTuningSplit(
  train: RatingRows,
  task: 'rating' | 'ranking',
): { train: RatingRows; test: RatingRows } {
  return task === 'ranking' ? temporalSplit(train, 0.2) : randomSplit(train, 0.1, VALIDATION_SEED);
}
