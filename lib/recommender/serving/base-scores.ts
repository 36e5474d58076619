/**
 * One user's score column per base model at request time: content (cosine to the rating-weighted profile), EASE
 * (Σ_j w(r_uj)·B_ji over the sparsified rows), item-kNN (similarity sums) and the recent-ratings window.
 */
import { rowDot } from '../algorithms/content-tfidf';
import { EASE_UNMODELLED_SCORE, easeWeight } from '../algorithms/ease';
import { transpose } from '../core/sparse';
import type { Csr } from '../core/types';
import { asCsr, compactEaseOf, kernelsOf, narrowed } from './kernels';
import type { ItemSimilarity } from './mmr';
import type { ServingModel, UserRatings } from './model';
import type { ServingScratch } from './score';

/** Shrunk mean of the user's ratings (the content profile's centre). */
export function shrunkMean(model: ServingModel, user: UserRatings): number {
  let s = 0;
  for (let t = 0; t < user.values.length; t++) s += user.values[t];
  const beta = model.contentMeanShrinkage;
  return (s + beta * model.globalMean) / (user.values.length + beta);
}

/**
 * Content profile Σ_j (r_j − μ'_u)·v_j (uncentred when every weight is 0) into the dense `p`, which must be all
 * zero on entry; returns the features it touched (so the caller can zero just those) and the stored entries of the
 * rated movies. O(Σ nnz of the rated items).
 */
function contentProfile(
  model: ServingModel,
  user: UserRatings,
  p: Float32Array,
  touched: Int32Array,
): { nt: number; entries: number } {
  const X = model.contentVectors;
  const { indptr, values: xv } = X;
  const cols = narrowed(X.indices);
  const { itemIdx, values } = user;
  const h = itemIdx.length;
  const mean = shrunkMean(model, user);
  let any = false;
  let entries = 0;
  for (let t = 0; t < h; t++) {
    const j = itemIdx[t];
    entries += indptr[j + 1] - indptr[j];
    if (values[t] !== mean) any = true;
  }
  if (entries >= X.nCols / 4) {
    // Long histories: plain sums, then one scan of the features for the non-zero ones (cheaper than tracking each).
    const k = kernelsOf(model);
    if (k && k.profileView === p && h <= k.capacity) {
      const nItems = indptr.length - 1;
      let r = 0;
      for (let t = 0; t < h; t++) {
        const w = any ? values[t] - mean : 1;
        const j = itemIdx[t];
        if (w === 0 || !(j >= 0 && j < nItems)) continue;
        k.rowsView[r] = j;
        k.weightsView[r++] = w;
      }
      k.wasm.scatterWeighted(k.content, k.profile, k.rows, k.weights, r);
    } else {
      for (let t = 0; t < h; t++) {
        const w = any ? values[t] - mean : 1;
        if (w === 0) continue;
        const j = itemIdx[t];
        const end = indptr[j + 1];
        for (let q = indptr[j]; q < end; q++) p[cols[q]] += w * xv[q];
      }
    }
    let nt = 0;
    const nCols = X.nCols;
    for (let f = 0; f < nCols; f++) if (p[f] !== 0) touched[nt++] = f;
    return { nt, entries };
  }
  let nt = 0;
  for (let t = 0; t < h; t++) {
    const w = any ? values[t] - mean : 1;
    if (w === 0) continue;
    const j = itemIdx[t];
    const end = indptr[j + 1];
    for (let q = indptr[j]; q < end; q++) {
      const f = cols[q];
      if (p[f] === 0) touched[nt++] = f;
      p[f] += w * xv[q];
      // A sum that cancels to exactly 0 would be listed twice: nudge it off 0 (1e-30 is below any real weight).
      if (p[f] === 0) p[f] = 1e-30;
    }
  }
  return { nt, entries };
}

/** Feature → items transpose of the content vectors, built once per loaded model. */
const contentByFeature = new WeakMap<ServingModel, Csr>();

/**
 * Cosine of every item the user has not rated (`mask` 0) to the user's content profile into `out`: through the
 * feature → items index when the profile's features reach fewer entries than the whole matrix (light users), else
 * one gather pass over the unrated items' vectors (rated items get 0 there; standardising zeroes them anyway).
 */
export function contentScores(model: ServingModel, user: UserRatings, s: ServingScratch, out: Float32Array): void {
  const k = kernelsOf(model);
  // With the kernels the profile lives in their memory (the gather reads it there).
  const p = k ? k.profileView : s.profile;
  const touched = s.touched;
  const { nt } = contentProfile(model, user, p, touched);
  let byF = contentByFeature.get(model);
  if (!byF) contentByFeature.set(model, (byF = transpose(asCsr(model))));
  const fIndptr = byF.indptr;
  let reach = 0;
  let n2 = 0;
  for (let t = 0; t < nt; t++) {
    const f = touched[t];
    reach += fIndptr[f + 1] - fIndptr[f];
    n2 += p[f] * p[f];
  }
  // Scattering through the transpose costs ≈ 1.4× a gather per entry: it pays while it reaches < 70% of them.
  if (reach < 0.7 * model.contentVectors.values.length) {
    const items = narrowed(byF.indices);
    const fv = byF.values;
    out.fill(0);
    for (let t = 0; t < nt; t++) {
      const f = touched[t];
      const pf = p[f];
      const end = fIndptr[f + 1];
      for (let q = fIndptr[f]; q < end; q++) out[items[q]] += pf * fv[q];
    }
  } else if (k) {
    k.maskView.set(s.mask);
    k.wasm.gather(k.content, k.profile, k.mask, k.out, out.length);
    out.set(k.outView);
  } else {
    // multiplyDense over the unrated rows only (the same sums in the same order).
    const { indptr, values } = model.contentVectors;
    const cols = narrowed(model.contentVectors.indices);
    const mask = s.mask;
    const nRows = out.length;
    for (let r = 0; r < nRows; r++) {
      if (mask[r]) {
        out[r] = 0;
        continue;
      }
      let d = 0;
      const end = indptr[r + 1];
      for (let q = indptr[r]; q < end; q++) d += values[q] * p[cols[q]];
      out[r] = d;
    }
  }
  const inv = n2 > 0 ? 1 / Math.sqrt(n2) : 0;
  for (let i = 0; i < out.length; i++) out[i] *= inv;
  for (let t = 0; t < nt; t++) p[touched[t]] = 0;
}

/** Per model: item b's content vector scattered densely (values and a presence mark), all clear between calls. */
const cosineScatter = new WeakMap<ServingModel, { dense: Float64Array; mark: Uint8Array }>();

/**
 * Cosine of two items' content vectors (L2-normalised rows: a sparse dot product); 0 without content. Its `many`
 * form (MMR's pool against one pick) scatters b's vector once and walks each a's entries in column order, adding
 * a·b for the columns b has: the same products in the same order as `rowDot`'s merge, so the same bits.
 */
export function contentCosine(model: ServingModel): ItemSimilarity {
  const X = asCsr(model);
  const cosine: ItemSimilarity = (a, b) => rowDot(X, a, X, b);
  cosine.many = (b, items, n, out) => {
    let sc = cosineScatter.get(model);
    if (!sc) cosineScatter.set(model, (sc = { dense: new Float64Array(X.nCols), mark: new Uint8Array(X.nCols) }));
    const { dense, mark } = sc;
    const { indptr, indices, values } = X;
    const be = indptr[b + 1];
    for (let q = indptr[b]; q < be; q++) {
      dense[indices[q]] = values[q];
      mark[indices[q]] = 1;
    }
    for (let x = 0; x < n; x++) {
      const a = items[x];
      let s = 0;
      const ae = indptr[a + 1];
      for (let p = indptr[a]; p < ae; p++) {
        const c = indices[p];
        if (mark[c] !== 0) s += values[p] * dense[c];
      }
      out[x] = s;
    }
    for (let q = indptr[b]; q < be; q++) {
      dense[indices[q]] = 0;
      mark[indices[q]] = 0;
    }
  };
  return cosine;
}

/**
 * The fold-in weight of a rating in EASE's sum: 1 for binary positives, graded when the model is (0 below threshold).
 */
export function easeRatingWeight(model: ServingModel, r: number): number {
  return easeWeight(
    { threshold: model.easeThreshold, minWeight: model.easeMinWeight, scaleMax: model.easeScaleMax },
    r,
  );
}

/**
 * EASE scores of a history (sparsified B) into `out`: Σ w(r_j)·B_j over the rated movies; unmodelled items get the
 * EASE sentinel. The kernels sum unweighted rows, so graded models take the TypeScript loop. The hot loops read only
 * locals (row ends hoisted): V8 otherwise reloads each bound per entry (measured several times slower for long
 * histories, docs/benchmarks/hybrid.md).
 */
export function easeScores(
  model: ServingModel,
  itemIdx: Int32Array,
  values: Float32Array,
  out: Float32Array,
  confidence?: Float32Array,
): void {
  const c = compactEaseOf(model);
  const { items, local } = c;
  const { indptr, sims } = model.ease;
  const threshold = model.easeThreshold;
  const h = itemIdx.length;
  const k = kernelsOf(model);
  let acc = c.acc;
  // Confidence-weighted rows (watches, likes: core/interactions.ts) take the TypeScript loop, as graded models do.
  if (k && h <= k.capacity && model.easeMinWeight === undefined && confidence === undefined) {
    acc = k.easeAccView;
    acc.fill(0);
    const nItems = indptr.length - 1;
    let r = 0;
    for (let t = 0; t < h; t++) {
      const j = itemIdx[t];
      if (values[t] >= threshold && j >= 0 && j < nItems) k.rowsView[r++] = j;
    }
    k.wasm.scatter(k.ease, k.easeAcc, k.rows, r);
  } else {
    acc.fill(0);
    for (let t = 0; t < h; t++) {
      const wt = easeRatingWeight(model, values[t]) * (confidence ? confidence[t] : 1);
      if (wt === 0) continue;
      const j = itemIdx[t];
      const end = indptr[j + 1];
      for (let p = indptr[j]; p < end; p++) acc[local[p]] += wt * sims[p];
    }
  }
  out.fill(EASE_UNMODELLED_SCORE);
  const modelled = model.easeModelled;
  for (let l = 0; l < items.length; l++) if (modelled[items[l]]) out[items[l]] = acc[l];
}

/** Whether a rating enters the neighbour-sum base (RP3beta counts only ratings ≥ its threshold). */
export function knnCounts(model: ServingModel, value: number): boolean {
  return model.knnRankThreshold === undefined || value >= model.knnRankThreshold;
}

/**
 * The neighbour-sum base's score of every item — item-kNN's 'sum' (Σ s_ij over the rated j that have i among their
 * reversed neighbours) plus its tiny baseline tie-break (the user term is constant per user and standardises away),
 * or RP3beta's Σ W(j → i) over the rated j ≥ its threshold — into `out`. O(Σ_j |rev(j)| + nItems); `acc` is scratch.
 */
export function knnScores(model: ServingModel, user: UserRatings, scratchAcc: Float64Array, out: Float32Array): void {
  const { indptr, sims } = model.knnReverse;
  const itemIdx = user.itemIdx;
  const h = itemIdx.length;
  const k = kernelsOf(model);
  let acc = scratchAcc;
  if (k && h <= k.capacity) {
    acc = k.knnAccView;
    acc.fill(0);
    const nItems = indptr.length - 1;
    let r = 0;
    for (let t = 0; t < h; t++) {
      const j = itemIdx[t];
      if (j >= 0 && j < nItems && knnCounts(model, user.values[t])) k.rowsView[r++] = j;
    }
    k.wasm.scatter(k.knn, k.knnAcc, k.rows, r);
  } else {
    const indices = narrowed(model.knnReverse.indices);
    acc.fill(0);
    for (let t = 0; t < h; t++) {
      if (!knnCounts(model, user.values[t])) continue;
      const j = itemIdx[t];
      const end = indptr[j + 1];
      for (let p = indptr[j]; p < end; p++) acc[indices[p]] += sims[p];
    }
  }
  const mu = model.globalMean;
  const bias = model.itemBias;
  const tie = model.knnTieBreak ?? 1e-4;
  for (let i = 0; i < out.length; i++) out[i] = acc[i] + (mu + bias[i]) * tie;
}

/** The user's `n` most recent ratings (time desc, ties by item), as parallel arrays. O(h·n) selection. */
export function recentRatings(user: UserRatings, n: number): { items: Int32Array; values: Float32Array } {
  const times = user.times!;
  const top: number[] = [];
  const before = (a: number, b: number) =>
    times[a] > times[b] || (times[a] === times[b] && user.itemIdx[a] < user.itemIdx[b]);
  for (let t = 0; t < user.itemIdx.length; t++) {
    if (top.length === n && !before(t, top[n - 1])) continue;
    let pos = top.length < n ? top.length : n - 1;
    if (top.length < n) top.push(t);
    while (pos > 0 && before(t, top[pos - 1])) {
      top[pos] = top[pos - 1];
      pos--;
    }
    top[pos] = t;
  }
  return { items: Int32Array.from(top, (t) => user.itemIdx[t]), values: Float32Array.from(top, (t) => user.values[t]) };
}
