/**
 * Live fold-in: a member's current ratings become user vectors at request time (implicit's `recalculate_user`), so
 * a rating made a second ago already moves the feed.
 */
import { type ImplicitAlsModel, recalculateUser } from '../algorithms/implicit-als';
import { solveSpdInPlace } from '../core/linalg';
import { implicitRowOf, implicitViewValue } from '../core/interactions';
import type { RatingMatrix } from '../core/types';
import { runCg } from '../kernels/als-kernel';
import type { ServingModel, UserRatings } from './model';

/** A user's row of a rating matrix (and its aligned timestamps) as "current ratings". */
export function userRow(data: RatingMatrix, u: number, times: Float64Array | null): UserRatings {
  if (u < 0 || u >= data.byUser.nRows) return { itemIdx: new Int32Array(0), values: new Float32Array(0) };
  const a = data.byUser.indptr[u];
  const b = data.byUser.indptr[u + 1];
  const implicit = implicitRowOf(data, u);
  return {
    itemIdx: data.byUser.indices.subarray(a, b),
    values: data.byUser.values.subarray(a, b),
    times: times?.subarray(a, b),
    ...(implicit.itemIdx.length > 0 ? { implicit } : {}),
  };
}

/** A member's history as the implicit bases read it: values on the rating scale plus a confidence per entry. */
export interface InteractionHistory extends UserRatings {
  /** 1 for a rating, the kind's confidence for an implicit row; absent = all 1. */
  confidence?: Float32Array;
}

/**
 * What the implicit bases read of a member: their ratings followed by their implicit rows, each implicit row valued as
 * core/interactions.ts's view values it (a positive at the top of the scale, a "seen" row below its bottom) with its
 * confidence. The user itself when there are none, so a ratings-only member is scored exactly as before.
 */
export function interactionHistory(user: UserRatings, scale: readonly number[]): InteractionHistory {
  const imp = user.implicit;
  if (!imp || imp.itemIdx.length === 0) return user;
  const n = user.itemIdx.length;
  const m = imp.itemIdx.length;
  const itemIdx = new Int32Array(n + m);
  itemIdx.set(user.itemIdx);
  itemIdx.set(imp.itemIdx, n);
  const values = new Float32Array(n + m);
  values.set(user.values);
  const confidence = new Float32Array(n + m).fill(1);
  for (let t = 0; t < m; t++) {
    values[n + t] = implicitViewValue(imp.values[t], [scale[0], scale[1]]);
    confidence[n + t] = imp.values[t];
  }
  return { itemIdx, values, confidence };
}

/** The serving model's ALS part in the shape `recalculateUser` (live fold-in) expects. */
export function alsView(m: ServingModel): ImplicitAlsModel {
  return {
    kind: 'implicit-als',
    k: m.k,
    nUsers: m.userIds.length,
    nItems: m.itemIds.length,
    userFactors: m.userFactors,
    itemFactors: m.itemFactors,
    itemGram: m.itemGram,
    loss: new Float64Array(0),
    reg: m.alsParams[0],
    alpha: m.alsParams[1],
    threshold: m.alsParams[2],
    confidence: 'binary',
  };
}

/** Positives above which the fold-in switches from the Cholesky solve to conjugate gradients. */
const CG_FOLD_IN_FROM = 60;

const CG_FOLD_IN_STEPS = 12;

/**
 * The user's ALS vector from the current ratings: the least-squares re-solve (YᵀY + λI + α Σ_pos y yᵀ) x = (1 + α)
 * Σ_pos y. Up to {@link CG_FOLD_IN_FROM} positives by `recalculateUser` (Cholesky, O(n·k² + k³)); beyond that the
 * same system by conjugate gradients without forming the matrix (O(steps·(k² + n·k))), cheaper from ≈ 50
 * positives on and under a millisecond for heavy users. Binary confidence (the served ALS's setting).
 */
export function foldInAls(model: ServingModel, user: InteractionHistory): Float32Array {
  const k = model.k;
  const reg = model.alsParams[0];
  const alpha = model.alsParams[1];
  const thr = model.alsParams[2];
  let nPos = 0;
  for (let t = 0; t < user.values.length; t++) if (user.values[t] >= thr && user.itemIdx[t] >= 0) nPos++;
  if (nPos <= CG_FOLD_IN_FROM) return recalculateUser(alsView(model), user.itemIdx, user.values, user.confidence);
  const Y = model.itemFactors;
  const G = model.itemGram;
  const pos = new Int32Array(nPos);
  // α·c per positive: c = 1 for ratings, the kind's confidence for watches and likes (core/interactions.ts).
  const aPos = new Float64Array(nPos);
  let m = 0;
  for (let t = 0; t < user.values.length; t++)
    if (user.values[t] >= thr && user.itemIdx[t] >= 0) {
      aPos[m] = alpha * (user.confidence ? user.confidence[t] : 1);
      pos[m++] = user.itemIdx[t];
    }
  const b = new Float64Array(k);
  for (let x = 0; x < nPos; x++) {
    const i = pos[x];
    for (let f = 0; f < k; f++) b[f] += (1 + aPos[x]) * Y[i * k + f];
  }
  const apply = (v: Float64Array, out: Float64Array) => {
    for (let a = 0; a < k; a++) {
      let s = reg * v[a];
      for (let c = 0; c < k; c++) s += G[a * k + c] * v[c];
      out[a] = s;
    }
    for (let x = 0; x < nPos; x++) {
      const i = pos[x];
      let d = 0;
      for (let f = 0; f < k; f++) d += Y[i * k + f] * v[f];
      d *= aPos[x];
      for (let f = 0; f < k; f++) out[f] += d * Y[i * k + f];
    }
  };
  // CG from x = 0 (residual r = b), the same loop as the ALS solver's rows.
  const x = new Float64Array(k);
  const r = b.slice();
  const p = new Float64Array(k);
  const Ap = new Float64Array(k);
  runCg(x, r, p, Ap, k, CG_FOLD_IN_STEPS, () => apply(p, Ap));
  return Float32Array.from(x);
}

/**
 * Biased-MF fold-in: the user's (b_u, p_u) minimising the MF training objective over the current ratings with the
 * item side fixed, Σ_j (r_j − μ − b_j − b_u − q_j·p)² + n·(λ_b b_u² + λ‖p‖²) (the SGD objective's per-rating
 * penalties summed over the user's n ratings): a (k+1)² ridge solve, O(n·k² + k³).
 */
export function foldInMf(model: ServingModel, user: UserRatings): Float64Array {
  const k = model.mfK;
  if (k === 0) return new Float64Array(0);
  const d = k + 1;
  const n = user.itemIdx.length;
  const A = new Float64Array(d * d);
  const b = new Float64Array(d);
  const z = new Float64Array(d);
  const Q = model.mfItemFactors;
  // Four ratings per sweep over A (each entry still sums its terms in rating order: the same float64 sums).
  const z0 = new Float64Array(d);
  const z1 = new Float64Array(d);
  const z2 = new Float64Array(d);
  const z3 = new Float64Array(d);
  const row = (t: number, zt: Float64Array): number => {
    const j = user.itemIdx[t];
    zt[0] = 1;
    for (let f = 0; f < k; f++) zt[f + 1] = Q[j * k + f];
    return user.values[t] - model.mfMean - model.mfItemBias[j];
  };
  let t = 0;
  for (; t + 3 < n; t += 4) {
    const y0 = row(t, z0);
    const y1 = row(t + 1, z1);
    const y2 = row(t + 2, z2);
    const y3 = row(t + 3, z3);
    for (let a = 0; a < d; a++) {
      const a0 = z0[a];
      const a1 = z1[a];
      const a2 = z2[a];
      const a3 = z3[a];
      let ba = b[a];
      ba += y0 * a0;
      ba += y1 * a1;
      ba += y2 * a2;
      ba += y3 * a3;
      b[a] = ba;
      const o = a * d;
      for (let c = 0; c <= a; c++) {
        let v = A[o + c];
        v += a0 * z0[c];
        v += a1 * z1[c];
        v += a2 * z2[c];
        v += a3 * z3[c];
        A[o + c] = v;
      }
    }
  }
  for (; t < n; t++) {
    const y = row(t, z);
    for (let a = 0; a < d; a++) {
      b[a] += y * z[a];
      const za = z[a];
      const o = a * d;
      for (let c = 0; c <= a; c++) A[o + c] += za * z[c];
    }
  }
  for (let a = 0; a < d; a++) for (let c = 0; c < a; c++) A[c * d + a] = A[a * d + c];
  A[0] += Math.max(n, 1) * model.mfReg[1];
  for (let f = 1; f < d; f++) A[f * d + f] += Math.max(n, 1) * model.mfReg[0];
  if (n === 0 || !solveSpdInPlace(A, d, b)) return new Float64Array(d);
  return b;
}
