/**
 * Why each pick of a page is there, read off the score's own decomposition (no separate explanation model).
 */
import type { Source } from '../hybrid/types';
import { easeRatingWeight, knnCounts, shrunkMean } from './base-scores';
import { interactionHistory } from './fold-in';
import { compactEaseOf, kernelsOf } from './kernels';
import type { NeighbourTable, ServingModel, UserRatings } from './model';
import { type ServingScratch, weightsFor } from './score';

export type ContributionBase = 'ease' | 'knn' | 'als' | 'content' | 'pop';

export interface Contribution {
  /** Source group with the largest contribution w_f·x_f to the item's score. */
  source: Source;
  /** The feature inside that group that contributed most. */
  base: ContributionBase;
  /** The rated item that contributed most to that feature (B_ji, s_ij or w_uj·v_j·v_i), else −1. */
  fromItemIdx: number;
}

/**
 * Why each item of a page is recommended, from the score's own decomposition: the source group (collaborative,
 * content, popular) with the largest Σ w_f·x_f; inside it the largest feature; inside that the rated movie with the
 * largest term (EASE B_ji over positives, item-kNN s_ij, content (r_j − μ')·v_j·v_i). ALS has no per-movie
 * decomposition: its reason falls back to the largest EASE/kNN term when one exists. One pass over the rated
 * movies' rows serves the whole page: O(n·(K_ease + k_knn + nnz(v_j))). Needs the scratch of {@link scoreUser} for
 * the same user.
 */
export function explainPage(
  model: ServingModel,
  user: UserRatings,
  scratch: ServingScratch,
  page: readonly number[],
): Contribution[] {
  const w = weightsFor(model, user.itemIdx.length);
  // Watches and likes make the implicit bases personal too (core/interactions.ts).
  const personal = interactionHistory(user, model.scale).itemIdx.length > 0;
  const out = page.map((itemIdx) => largestFeature(model, w, scratch, itemIdx, personal));
  // Slot of each page item that needs a rated movie, per decomposition.
  const slotCollab = new Int32Array(model.itemIds.length).fill(-1);
  const contentSlots: number[] = [];
  out.forEach((c, x) => {
    if (c.source === 'collaborative') slotCollab[page[x]] = x;
    else if (c.source === 'content') contentSlots.push(x);
  });
  if (out.some((c) => c.source === 'collaborative')) collaborativeReasons(model, user, page, slotCollab, out);
  if (contentSlots.length > 0) contentReasons(model, user, page, contentSlots, out);
  return out;
}

/** The source group with the largest Σ w_f·x_f for one item and, when collaborative, its largest feature. */
function largestFeature(
  model: ServingModel,
  w: Float32Array,
  scratch: ServingScratch,
  itemIdx: number,
  personal: boolean,
): Contribution {
  const sums: Record<Source, number> = { collaborative: 0, content: 0, popular: 0 };
  for (let f = 0; f < w.length; f++) sums[model.rankGroups[f]] += w[f] * scratch.cols[f][itemIdx];
  let source: Source = 'popular';
  if (personal) {
    // "Popular" is a truthful reason only for an item more popular than average (negative popularity weights
    // also lift niche items); otherwise the larger personal group names the reason.
    const groups =
      model.popZ[itemIdx] > 0
        ? (['collaborative', 'content', 'popular'] as const)
        : (['collaborative', 'content'] as const);
    let bestV = -Infinity;
    for (const g of groups) {
      if (sums[g] > bestV) {
        bestV = sums[g];
        source = g;
      }
    }
  }
  if (source !== 'collaborative') return { source, base: source === 'content' ? 'content' : 'pop', fromItemIdx: -1 };
  let bestF = -1;
  let bestV = -Infinity;
  for (let f = 0; f < w.length; f++) {
    if (model.rankGroups[f] !== 'collaborative') continue;
    const v = w[f] * scratch.cols[f][itemIdx];
    if (v > bestV) {
      bestV = v;
      bestF = f;
    }
  }
  const kind = bestF >= 0 && bestF < model.rankBaseKinds.length ? model.rankBaseKinds[bestF] : 'ease';
  return {
    source,
    base: kind === 'implicit-als' ? 'als' : kind === 'item-knn' || kind === 'rp3beta' ? 'knn' : 'ease',
    fromItemIdx: -1,
  };
}

/**
 * Collaborative reasons: scans each rated movie's EASE and kNN rows once (in the kernels when they are loaded);
 * kNN items prefer the kNN term, others EASE. `slotCollab[i]` = page slot of item i, else −1.
 */
function collaborativeReasons(
  model: ServingModel,
  user: UserRatings,
  page: readonly number[],
  slotCollab: Int32Array,
  out: Contribution[],
): void {
  const fromEase = new Int32Array(page.length).fill(-1);
  const fromKnn = new Int32Array(page.length).fill(-1);
  const k = kernelsOf(model);
  const graded = model.easeMinWeight !== undefined;
  // EASE's reasons come from the ratings and the watches, likes and watchlist adds it reads; kNN's from ratings only.
  const history = interactionHistory(user, model.scale);
  const weighted = history.confidence !== undefined;
  if (k && !graded && !weighted && page.length <= k.capacity && history.itemIdx.length <= k.capacity) {
    // The same scan in the kernels (EASE rows hold compact positions: their slots go through the modelled items).
    const { items } = compactEaseOf(model);
    k.slotKnnView.set(slotCollab);
    for (let l = 0; l < items.length; l++) k.slotEaseView[l] = slotCollab[items[l]];
    const m = page.length;
    k.bestEaseView.fill(0, 0, m);
    k.bestKnnView.fill(0, 0, m);
    k.fromEaseView.fill(-1, 0, m);
    k.fromKnnView.fill(-1, 0, m);
    const nItems = model.ease.indptr.length - 1;
    let r = 0;
    for (let t = 0; t < history.itemIdx.length; t++) {
      const j = history.itemIdx[t];
      if (history.values[t] >= model.easeThreshold && j >= 0 && j < nItems) k.rowsView[r++] = j;
    }
    k.wasm.argmax(k.ease, k.slotEase, k.bestEase, k.fromEase, k.rows, r);
    r = 0;
    for (let t = 0; t < user.itemIdx.length; t++) {
      const j = user.itemIdx[t];
      if (j >= 0 && j < nItems && knnCounts(model, user.values[t])) k.rowsView[r++] = j;
    }
    k.wasm.argmax(k.knn, k.slotKnn, k.bestKnn, k.fromKnn, k.rows, r);
    fromEase.set(k.fromEaseView.subarray(0, m));
    fromKnn.set(k.fromKnnView.subarray(0, m));
  } else {
    const bestEase = new Float64Array(page.length);
    const bestKnn = new Float64Array(page.length);
    const scan = (t: NeighbourTable, j: number, best: Float64Array, from: Int32Array, wj = 1) => {
      for (let p = t.indptr[j]; p < t.indptr[j + 1]; p++) {
        const x = slotCollab[t.indices[p]];
        if (x >= 0 && wj * t.sims[p] > best[x]) {
          best[x] = wj * t.sims[p];
          from[x] = j;
        }
      }
    };
    for (let t = 0; t < history.itemIdx.length; t++) {
      const j = history.itemIdx[t];
      // EASE's term of rated movie j is w(r_j)·B_ji (graded positives; 1 or 0 when binary).
      const wj = easeRatingWeight(model, history.values[t]) * (history.confidence ? history.confidence[t] : 1);
      if (wj > 0) scan(model.ease, j, bestEase, fromEase, wj);
      if (t < user.itemIdx.length && knnCounts(model, user.values[t])) scan(model.knnReverse, j, bestKnn, fromKnn);
    }
  }
  out.forEach((c, x) => {
    if (c.source !== 'collaborative') return;
    c.fromItemIdx =
      c.base === 'knn' ? (fromKnn[x] >= 0 ? fromKnn[x] : fromEase[x]) : fromEase[x] >= 0 ? fromEase[x] : fromKnn[x];
  });
}

/** Content reasons: (r_j − μ')·(v_j·v_i) for every rated j and content page item i, through a feature → page-entry index. */
function contentReasons(
  model: ServingModel,
  user: UserRatings,
  page: readonly number[],
  contentSlots: readonly number[],
  out: Contribution[],
): void {
  const X = model.contentVectors;
  const head = new Map<number, number[]>();
  for (const x of contentSlots) {
    const i = page[x];
    for (let q = X.indptr[i]; q < X.indptr[i + 1]; q++) {
      let l = head.get(X.indices[q]);
      if (l === undefined) head.set(X.indices[q], (l = []));
      l.push(x, q);
    }
  }
  const mean = shrunkMean(model, user);
  const dots = new Float64Array(page.length);
  const best = new Float64Array(page.length);
  for (let t = 0; t < user.itemIdx.length; t++) {
    const wj = user.values[t] - mean;
    if (!(wj > 0)) continue;
    const j = user.itemIdx[t];
    dots.fill(0);
    for (let q = X.indptr[j]; q < X.indptr[j + 1]; q++) {
      const l = head.get(X.indices[q]);
      if (l) for (let e = 0; e < l.length; e += 2) if (page[l[e]] !== j) dots[l[e]] += X.values[q] * X.values[l[e + 1]];
    }
    for (const x of contentSlots) {
      if (wj * dots[x] > best[x]) {
        best[x] = wj * dots[x];
        out[x].fromItemIdx = j;
      }
    }
  }
}

/** {@link explainPage} for one item. */
export function topContribution(
  model: ServingModel,
  user: UserRatings,
  scratch: ServingScratch,
  itemIdx: number,
): Contribution {
  return explainPage(model, user, scratch, [itemIdx])[0];
}
