/**
 * The hybrid's validation split, carved from TRAIN only: per-user temporal holdout when timestamps are given,
 * else seeded random. The blends are learned on it; the bases are then refit on all of train.
 */
import { createRng } from '../core/rng';
import { buildRatingMatrix } from '../core/sparse';
import { type RatingMatrix, ShapeError } from '../core/types';

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
