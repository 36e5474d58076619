/**
 * Top-k selection: the engine's one home for it. Every routine returns the k best by score, best first, ties to the
 * lower index, without sorting every candidate:
 * - offerTop / topOrder: one size-k min-heap over (score, id), used by {@link topKIndices} (a dense score array),
 *   {@link topN} (the same, minus excluded and non-finite items: the feed's candidate pool), {@link selectTop} (a
 *   list of ids, positive scores only: content neighbours of every movie), algorithms/mf-common.ts topKFromScores
 *   (a Recommender's list: minus rated, excluded, or among candidates) and serving/coverage-floor.ts topCandidates;
 * - {@link topKPositions}: positions in one CSR row, ties by the row's column index (neighbour tables);
 * - {@link insertTopK}: insertion into a sorted array, for K ≈ 20 inside the ranker's coordinate ascent, where it is
 *   the fastest (hybrid/rank-blend.ts).
 */
import type { ScoredItem } from './types';

/** a ranks below b: lower score, or the same score and a higher id. */
function below(sa: number, ia: number, sb: number, ib: number): boolean {
  return sa < sb || (sa === sb && ia > ib);
}

/**
 * Scratch for {@link selectTop}: a min-heap of capacity k (its root is the weakest kept candidate).
 */
export interface TopScratch {
  score: Float64Array;
  id: Int32Array;
}

export function createTopScratch(k: number): TopScratch {
  return { score: new Float64Array(k), id: new Int32Array(k) };
}

/**
 * Offers (v, j) to the min-heap `h` holding `size` entries of at most k: kept when the heap has room or when it
 * ranks above the weakest kept entry (which it then replaces). Returns the new size. O(log k).
 */
export function offerTop(h: TopScratch, size: number, k: number, v: number, j: number): number {
  const hs = h.score;
  const hi = h.id;
  if (size < k) {
    let c = size++;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (!below(v, j, hs[p], hi[p])) break;
      hs[c] = hs[p];
      hi[c] = hi[p];
      c = p;
    }
    hs[c] = v;
    hi[c] = j;
  } else if (size > 0 && below(hs[0], hi[0], v, j)) {
    let c = 0;
    for (;;) {
      const l = 2 * c + 1;
      if (l >= size) break;
      const r = l + 1;
      const m = r < size && below(hs[r], hi[r], hs[l], hi[l]) ? r : l;
      if (!below(hs[m], hi[m], v, j)) break;
      hs[c] = hs[m];
      hi[c] = hi[m];
      c = m;
    }
    hs[c] = v;
    hi[c] = j;
  }
  return size;
}

/** Heap positions of the `size` kept entries, best first (higher score, then lower id). */
export function topOrder(h: TopScratch, size: number): number[] {
  const order = Array.from({ length: size }, (_, x) => x);
  order.sort((a, b) => h.score[b] - h.score[a] || h.id[a] - h.id[b]);
  return order;
}

/**
 * The (up to) k ids of `ids[0..n)` with the highest positive `scores[id]`, best first (ties: lower id first; an id
 * listed twice counts twice, like the filter-and-sort it replaces), appended to `outIds` / `outScores`. Returns how
 * many were appended. O(n log k + k log k).
 */
export function selectTop(
  ids: ArrayLike<number>,
  n: number,
  scores: ArrayLike<number>,
  k: number,
  s: TopScratch,
  outIds: number[],
  outScores: number[],
): number {
  let size = 0;
  for (let t = 0; t < n; t++) {
    const j = ids[t];
    const v = scores[j];
    if (v > 0) size = offerTop(s, size, k, v, j);
  }
  for (const x of topOrder(s, size)) {
    outIds.push(s.id[x]);
    outScores.push(s.score[x]);
  }
  return size;
}

/** Top-k (index, score) by descending score, ties by ascending index; skips NaN/-Infinity. O(n log k). */
export function topKIndices(scores: ArrayLike<number>, k: number, skip?: (i: number) => boolean): ScoredItem[] {
  if (k <= 0) return [];
  const heap = createTopScratch(k);
  let size = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (!(s > -Infinity) || (skip !== undefined && skip(i))) continue;
    size = offerTop(heap, size, k, s, i);
  }
  return topOrder(heap, size).map((x) => ({ itemIdx: heap.id[x], score: heap.score[x] }));
}

/** Indices of the n highest scores, skipping `exclude` and non-finite scores, best first. */
export function topN(scores: Float32Array, exclude: ArrayLike<number>, n: number): number[] {
  const banned = new Uint8Array(scores.length);
  for (let t = 0; t < exclude.length; t++) if (exclude[t] >= 0 && exclude[t] < banned.length) banned[exclude[t]] = 1;
  return topKIndices(scores, n, (i) => banned[i] === 1 || !Number.isFinite(scores[i])).map((s) => s.itemIdx);
}

/**
 * Positions p in [a, b) of the k largest `values[p]` (ties → lower `idx[p]` first), best first.
 * A size-k min-heap: O((b − a) · log k).
 */
export function topKPositions(
  values: ArrayLike<number>,
  idx: ArrayLike<number>,
  a: number,
  b: number,
  k: number,
): Int32Array {
  const len = b - a;
  const size0 = Math.min(k, len);
  const heap = new Int32Array(size0);
  let size = 0;
  // "p is worse than q": lower value, or equal value and higher index.
  const worse = (p: number, q: number): boolean =>
    values[p] < values[q] || (values[p] === values[q] && idx[p] > idx[q]);
  const down = (pos: number): void => {
    for (;;) {
      const l = 2 * pos + 1;
      const r = l + 1;
      let m = pos;
      if (l < size && worse(heap[l], heap[m])) m = l;
      if (r < size && worse(heap[r], heap[m])) m = r;
      if (m === pos) return;
      const t = heap[pos];
      heap[pos] = heap[m];
      heap[m] = t;
      pos = m;
    }
  };
  for (let p = a; p < b; p++) {
    if (size < size0) {
      let pos = size++;
      heap[pos] = p;
      while (pos > 0) {
        const parent = (pos - 1) >> 1;
        if (!worse(heap[pos], heap[parent])) break;
        const t = heap[pos];
        heap[pos] = heap[parent];
        heap[parent] = t;
        pos = parent;
      }
    } else if (size0 > 0 && worse(heap[0], p)) {
      heap[0] = p;
      down(0);
    }
  }
  const out = Array.from(heap.subarray(0, size));
  out.sort((p, q) => (worse(p, q) ? 1 : worse(q, p) ? -1 : 0));
  return Int32Array.from(out);
}

/**
 * Offers row r with score s to the sorted top-K `topS`/`topR` (descending; ties keep the earlier row) holding `size`
 * entries; returns the new size. O(K) worst case, O(1) for the typical candidate that does not make the list.
 */
export function insertTopK(
  topS: Float64Array,
  topR: Int32Array,
  size: number,
  K: number,
  s: number,
  r: number,
): number {
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
  return size;
}
