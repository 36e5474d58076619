import { describe, expect, it } from 'vitest';
import { multiplyDense } from '../algorithms/content-tfidf';
import { topKIndices } from '../core/select-top';
import { EASE_UNMODELLED_SCORE } from '../algorithms/ease';
import { alignTimestamps, standardize, timeWindowColumns } from '../hybrid/features';
import { HybridParamsSchema } from '../hybrid/params';
import { genreWorld } from '../testing/hybrid-test-data';
import { solveSpdInPlace } from '../core/linalg';
import {
  createServingScratch,
  explainPage,
  foldInAls,
  foldInMf,
  predictRating,
  ratingContext,
  ratingRow,
  scoreUser,
  setScoringKernels,
  topN,
  trainServingModelSync,
  weightsFor,
  type ServingModel,
  type UserRatings,
} from '.';
import { userRow } from './recommender';
import { ServingWasm } from '../kernels/serving-wasm';
import { buildRatingMatrix, transpose } from '../core/sparse';
import type { Csr } from '../core/types';

/** Bit patterns, so the comparison is exact (−0 ≠ +0, NaN = NaN). */
const bits = (a: Float32Array | Float64Array) =>
  Array.from(
    a instanceof Float32Array
      ? new Uint32Array(a.buffer, a.byteOffset, a.length)
      : new Uint32Array(a.buffer, a.byteOffset, a.length * 2),
  );

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

describe('serving WebAssembly kernels', () => {
  // 16-bit and 32-bit index variants (columns past 65,535 force the wide one).
  for (const nCols of [300, 70_000]) {
    it(`computes the TypeScript loops' sums bit for bit (${nCols} columns)`, () => {
      const wasm = ServingWasm.create();
      expect(wasm).not.toBeNull();
      const rnd = lcg(nCols);
      const nRows = 120;
      const indptr = new Int32Array(nRows + 1);
      const idx: number[] = [];
      const val: number[] = [];
      for (let r = 0; r < nRows; r++) {
        const cols = new Set<number>();
        const len = Math.floor(rnd() * 25);
        while (cols.size < len) cols.add(Math.floor(rnd() * nCols));
        for (const c of [...cols].sort((a, b) => a - b)) {
          idx.push(c);
          val.push(rnd() - 0.3);
        }
        indptr[r + 1] = idx.length;
      }
      const I = Int32Array.from(idx);
      const V = Float32Array.from(val);
      const w = wasm!;
      const t = w.putCsr(indptr, I, V);
      expect(t.wide).toBe(nCols > 0xffff);
      const list = [3, 7, 7, 50, 119, 0];
      const weights = list.map(() => rnd() - 0.5);
      const acc = w.alloc(nCols * 8);
      const acc32 = w.alloc(nCols * 4);
      const rows = w.alloc(list.length * 4);
      const wts = w.alloc(list.length * 8);
      const dense = w.alloc(nCols * 4);
      const mask = w.alloc(nRows);
      const out = w.alloc(nRows * 4);
      w.i32(rows, list.length).set(list);
      w.f64(wts, list.length).set(weights);
      const D = w.f32(dense, nCols);
      for (let c = 0; c < nCols; c++) D[c] = rnd();
      const M = w.u8(mask, nRows);
      for (let r = 0; r < nRows; r++) M[r] = rnd() < 0.3 ? 1 : 0;
      w.scatter(t, acc, rows, list.length);
      w.scatterWeighted(t, acc32, rows, wts, list.length);
      w.gather(t, dense, mask, out, nRows);

      const wantAcc = new Float64Array(nCols);
      const wantAcc32 = new Float32Array(nCols);
      list.forEach((j, k) => {
        for (let p = indptr[j]; p < indptr[j + 1]; p++) {
          wantAcc[I[p]] += V[p];
          wantAcc32[I[p]] += weights[k] * V[p];
        }
      });
      const wantOut = new Float32Array(nRows);
      for (let r = 0; r < nRows; r++) {
        let d = 0;
        if (!M[r]) for (let p = indptr[r]; p < indptr[r + 1]; p++) d += V[p] * D[I[p]];
        wantOut[r] = d;
      }
      expect(bits(w.f64(acc, nCols))).toEqual(bits(wantAcc));
      expect(bits(w.f32(acc32, nCols))).toEqual(bits(wantAcc32));
      expect(bits(w.f32(out, nRows))).toEqual(bits(wantOut));
    });
  }
});

/**
 * The For You score as computed before the scoring kernels and fused loops (the straightforward reading of the
 * served hybrid): every feature column on its own, standardised by hybrid.ts, then the blend. Kept here as the
 * reference the fast path must match exactly.
 */
function referenceScores(model: ServingModel, user: UserRatings): Float32Array {
  const n = model.itemIds.length;
  const F = model.rankFeatures.length;
  const cols = Array.from({ length: F }, () => new Float32Array(n));
  const h = user.itemIdx.length;
  const w = weightsFor(model, h);
  const mask = new Uint8Array(n);
  for (const j of user.itemIdx) mask[j] = 1;
  const ease = (items: ArrayLike<number>, values: ArrayLike<number>, out: Float32Array) => {
    const acc = new Float64Array(n);
    for (let t = 0; t < items.length; t++) {
      if (!(values[t] >= model.easeThreshold)) continue;
      const j = items[t];
      for (let p = model.ease.indptr[j]; p < model.ease.indptr[j + 1]; p++)
        acc[model.ease.indices[p]] += model.ease.sims[p];
    }
    for (let i = 0; i < n; i++) out[i] = model.easeModelled[i] ? acc[i] : EASE_UNMODELLED_SCORE;
  };
  const nb = model.rankBaseKinds.length;
  model.rankBaseKinds.forEach((kind, b) => {
    const col = cols[b];
    if (w[b] === 0) return;
    if (kind === 'popularity') col.set(model.popScore);
    else if (h === 0) return;
    else if (kind === 'ease') ease(user.itemIdx, user.values, col);
    else if (kind === 'item-knn') {
      const acc = new Float64Array(n);
      const R = model.knnReverse;
      for (const j of user.itemIdx) for (let p = R.indptr[j]; p < R.indptr[j + 1]; p++) acc[R.indices[p]] += R.sims[p];
      for (let i = 0; i < n; i++) col[i] = acc[i] + (model.globalMean + model.itemBias[i]) * 1e-4;
    } else if (kind === 'implicit-als') {
      const x = foldInAls(model, user);
      for (let i = 0; i < n; i++) {
        let v = 0;
        for (let f = 0; f < model.k; f++) v += x[f] * model.itemFactors[i * model.k + f];
        col[i] = v;
      }
    }
    standardize(col, mask);
  });
  // Content: profile p = Σ (r − μ')·v_j in float32, ‖p‖ over its features in the order the profile found them,
  // scattered through the transpose for light profiles, else one gather over every item.
  const cCol = cols[nb];
  const X = model.contentVectors;
  if (h > 0 && X.nCols > 0) {
    let sum = 0;
    for (const v of user.values) sum += v;
    const beta = model.contentMeanShrinkage;
    const mean = (sum + beta * model.globalMean) / (h + beta);
    const any = Array.from(user.values).some((v) => v !== mean);
    let entries = 0;
    for (const j of user.itemIdx) entries += X.indptr[j + 1] - X.indptr[j];
    const p = new Float32Array(X.nCols);
    const order: number[] = [];
    const long = entries >= X.nCols / 4;
    for (let t = 0; t < h; t++) {
      const wt = any ? user.values[t] - mean : 1;
      if (wt === 0) continue;
      const j = user.itemIdx[t];
      for (let q = X.indptr[j]; q < X.indptr[j + 1]; q++) {
        const f = X.indices[q];
        if (!long && p[f] === 0) order.push(f);
        p[f] += wt * X.values[q];
        if (!long && p[f] === 0) p[f] = 1e-30;
      }
    }
    if (long) for (let f = 0; f < X.nCols; f++) if (p[f] !== 0) order.push(f);
    const csr: Csr = { nRows: n, nCols: X.nCols, indptr: X.indptr, indices: X.indices, values: X.values };
    const byF = transpose(csr);
    let reach = 0;
    let n2 = 0;
    for (const f of order) {
      reach += byF.indptr[f + 1] - byF.indptr[f];
      n2 += p[f] * p[f];
    }
    if (reach < 0.7 * X.values.length) {
      for (const f of order)
        for (let q = byF.indptr[f]; q < byF.indptr[f + 1]; q++) cCol[byF.indices[q]] += p[f] * byF.values[q];
    } else multiplyDense(csr, p, cCol);
    const inv = n2 > 0 ? 1 / Math.sqrt(n2) : 0;
    for (let i = 0; i < n; i++) cCol[i] *= inv;
  }
  standardize(cCol, mask);
  cols[nb + 1].set(model.popZ);
  for (let i = 0; i < n; i++) {
    const cold = model.itemCount[i] <= model.coldItemThreshold ? 1 : 0;
    cols[nb + 2][i] = cold;
    cols[nb + 3][i] = cold * cCol[i];
  }
  cols[nb + 6].set(model.exposureZ);
  const time = model.time;
  if (time && model.rankBaseKinds.includes('ease') && h > 0 && user.times && w[nb + 7] !== 0) {
    const times = user.times;
    const recent = Array.from({ length: h }, (_, t) => t)
      .sort((a, b) => times[b] - times[a] || user.itemIdx[a] - user.itemIdx[b])
      .slice(0, time.recentCount);
    ease(
      recent.map((t) => user.itemIdx[t]),
      recent.map((t) => user.values[t]),
      cols[nb + 7],
    );
    standardize(cols[nb + 7], mask);
  }
  if (time) {
    let last = Number.NaN;
    if (user.times) for (const x of user.times) if (!(x <= last)) last = x;
    timeWindowColumns(time, last, mask, cols[nb + 4], cols[nb + 5]);
  }
  const out = new Float32Array(n);
  for (let f = 0; f < F; f++) if (w[f] !== 0) for (let i = 0; i < n; i++) out[i] += w[f] * cols[f][i];
  return out;
}

/** Biased-MF fold-in as first written: one rating at a time, A's lower triangle entry by entry. */
function referenceFoldInMf(model: ServingModel, user: UserRatings): Float64Array {
  const k = model.mfK;
  const d = k + 1;
  const n = user.itemIdx.length;
  const A = new Float64Array(d * d);
  const b = new Float64Array(d);
  const z = new Float64Array(d);
  for (let t = 0; t < n; t++) {
    const j = user.itemIdx[t];
    z[0] = 1;
    for (let f = 0; f < k; f++) z[f + 1] = model.mfItemFactors[j * k + f];
    const y = user.values[t] - model.mfMean - model.mfItemBias[j];
    for (let a = 0; a < d; a++) {
      b[a] += y * z[a];
      for (let c = 0; c <= a; c++) A[a * d + c] += z[a] * z[c];
    }
  }
  for (let a = 0; a < d; a++) for (let c = 0; c < a; c++) A[c * d + a] = A[a * d + c];
  A[0] += Math.max(n, 1) * model.mfReg[1];
  for (let f = 1; f < d; f++) A[f * d + f] += Math.max(n, 1) * model.mfReg[0];
  if (n === 0 || !solveSpdInPlace(A, d, b)) return new Float64Array(d);
  return b;
}

/** Content-kNN prediction as first written: v_i scattered densely, one gather per stored entry of each rated movie. */
function referenceContentPrediction(model: ServingModel, user: UserRatings, mean: number, i: number): number {
  const X = model.contentVectors;
  const dense = new Float32Array(X.nCols);
  for (let q = X.indptr[i]; q < X.indptr[i + 1]; q++) dense[X.indices[q]] = X.values[q];
  const sims = new Float32Array(user.itemIdx.length);
  for (let t = 0; t < sims.length; t++) {
    const j = user.itemIdx[t];
    let d = 0;
    if (j !== i) for (let q = X.indptr[j]; q < X.indptr[j + 1]; q++) d += X.values[q] * dense[X.indices[q]];
    sims[t] = d;
  }
  let num = 0;
  let den = model.contentPredictShrinkage;
  for (const { itemIdx: t, score } of topKIndices(sims, model.contentPredictNeighbours, (t) => sims[t] <= 0)) {
    num += score * (user.values[t] - mean);
    den += score;
  }
  return Math.min(model.scale[1], Math.max(model.scale[0], mean + num / den));
}

describe('served scoring fast path', () => {
  const world = genreWorld(120, 160, 5);
  const data = buildRatingMatrix(
    { userIds: world.userIds, itemIds: world.movieIds, ratings: world.ratings },
    { scale: [0.5, 5] },
  );
  const timeRows = { userIds: world.userIds, movieIds: world.movieIds, timestamps: world.timestamps };
  const params = HybridParamsSchema.parse({ baseParams: { 'implicit-als': { factors: 8, iterations: 4 } } });
  const { model } = trainServingModelSync(data, world.docs, { params, timeRows });
  const times = alignTimestamps(data, world.userIds, world.movieIds, world.timestamps);
  // Every user of the fixture, an empty history, a heavy one (every item, unsorted) and a one-rating history.
  const heavy: UserRatings = {
    itemIdx: Int32Array.from({ length: data.items.size }, (_, t) => (t * 37) % data.items.size),
    values: Float32Array.from({ length: data.items.size }, (_, t) => 0.5 + (t % 10) * 0.5),
    times: Float64Array.from({ length: data.items.size }, (_, t) => 1_000_000 + ((t * 13) % 50)),
  };
  const users: UserRatings[] = [
    ...Array.from({ length: data.users.size }, (_, u) => userRow(data, u, times)),
    { itemIdx: new Int32Array(0), values: new Float32Array(0) },
    heavy,
    { itemIdx: Int32Array.of(4), values: Float32Array.of(5), times: Float64Array.of(2_000_000) },
  ];
  // The learned weights, then every feature switched on (ALS and the cold-item × content column included).
  const dense = Float32Array.from(model.rankFeatures, (_, f) => (f % 2 === 0 ? 0.3 : -0.2) + f * 0.01);
  const variants: [string, ServingModel][] = [
    ['learned weights', model],
    ['every feature weighted', { ...model, warm: dense, cold: dense, anon: dense }],
  ];

  for (const [name, m] of variants) {
    it(`gives bit-identical scores to the reference computation, with and without the kernels (${name})`, () => {
      const n = m.itemIds.length;
      const fast = new Float32Array(n);
      const plain = new Float32Array(n);
      const scratch = createServingScratch(m);
      for (const user of users) {
        const want = referenceScores(m, user);
        scoreUser(m, user, fast, scratch);
        const was = setScoringKernels(false);
        try {
          scoreUser(m, user, plain, scratch);
        } finally {
          setScoringKernels(was);
        }
        expect(bits(fast)).toEqual(bits(want));
        expect(bits(plain)).toEqual(bits(want));
      }
    });
  }

  it('gives the same reasons and predicted ratings as the reference computation, with and without the kernels', () => {
    expect(model.mfK).toBeGreaterThan(0);
    const nb = model.ratingBaseKinds.length;
    expect(model.ratingFeatures[1 + nb]).toBe('content');
    const n = model.itemIds.length;
    const scores = new Float32Array(n);
    const scratch = createServingScratch(model);
    const row = new Float64Array(model.ratingWeights.length);
    let collaborative = 0;
    // The learned blend, and one that ranks by the collaborative bases only (reasons name a rated movie).
    const collab = Float32Array.from(model.rankFeatures, (_, f) =>
      f < model.rankBaseKinds.length && model.rankBaseKinds[f] !== 'popularity' ? 1 : 0,
    );
    for (const m of [model, { ...model, warm: collab, cold: collab }]) {
      for (const user of users) {
        if (user.itemIdx.length === 0) continue;
        scoreUser(m, user, scores, scratch);
        const page = topN(scores, user.itemIdx, 12);
        const fast = explainPage(m, user, scratch, page);
        collaborative += fast.filter((c) => c.source === 'collaborative' && c.fromItemIdx >= 0).length;
        const ctx = ratingContext(model, user);
        const predicted = page.map((i) => predictRating(model, ctx, i));
        const was = setScoringKernels(false);
        try {
          expect(explainPage(m, user, scratch, page)).toEqual(fast);
          const plain = ratingContext(model, user);
          expect(page.map((i) => predictRating(model, plain, i))).toEqual(predicted);
        } finally {
          setScoringKernels(was);
        }
        expect(bits(foldInMf(model, user))).toEqual(bits(referenceFoldInMf(model, user)));
        for (const i of page) {
          ratingRow(model, ctx, i, row);
          expect(row[1 + nb]).toBe(referenceContentPrediction(model, user, ctx.contentMean, i));
        }
      }
    }
    expect(collaborative).toBeGreaterThan(0);
  });

  it('covers both content profile paths (tracked features, scanned features) on this fixture', () => {
    const X = model.contentVectors;
    const entries = (u: UserRatings) => Array.from(u.itemIdx).reduce((s, j) => s + X.indptr[j + 1] - X.indptr[j], 0);
    expect(entries(users[users.length - 1])).toBeLessThan(X.nCols / 4);
    expect(entries(heavy)).toBeGreaterThanOrEqual(X.nCols / 4);
  });
});
