/**
 * Bounded top-k selection. One size-k min-heap (offerTop / topOrder), shared by topKIndices (content-tfidf.ts),
 * topKFromScores (mf-common.ts) and selectTop: over a list of ids with scores, what
 * `ids.filter(s > 0).sort(score desc, id asc).slice(0, k)` returns, without sorting every candidate (used where a
 * table keeps a few neighbours per row out of thousands of candidates: content neighbours of every movie).
 */

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
export function selectTop(ids: ArrayLike<number>, n: number, scores: ArrayLike<number>, k: number, s: TopScratch, outIds: number[], outScores: number[]): number {
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
