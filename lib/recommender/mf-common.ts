/**
 * Helpers shared by the factor models (biased MF, SVD++, implicit ALS, EASE): top-k selection
 * with exclusions, rating clipping, seeded factor initialisation.
 */
import type { RatingMatrix, RecommendOptions, ScoredItem } from './types';
import type { Rng } from './rng';

/** Clips a predicted rating to the data set's scale. */
export function clipRating(x: number, scale: readonly [number, number]): number {
  return x < scale[0] ? scale[0] : x > scale[1] ? scale[1] : x;
}

/**
 * Top-k items by score, highest first (ties → lower itemIdx first), skipping the user's train items
 * (when userIdx ≥ 0), `opts.exclude`, and anything outside `opts.candidates`.
 * A size-k min-heap: O(nItems · log k) time, O(k) memory.
 */
export function topKFromScores(
  scores: Float32Array,
  data: RatingMatrix,
  userIdx: number,
  k: number,
  opts: RecommendOptions = {},
): ScoredItem[] {
  const n = scores.length;
  const banned = new Uint8Array(n);
  if (userIdx >= 0 && userIdx < data.byUser.nRows) {
    const { indptr, indices } = data.byUser;
    for (let p = indptr[userIdx]; p < indptr[userIdx + 1]; p++) banned[indices[p]] = 1;
  }
  if (opts.exclude) for (const i of opts.exclude) if (i >= 0 && i < n) banned[i] = 1;
  if (k <= 0) return [];
  const heapIdx = new Int32Array(k);
  const heapScore = new Float64Array(k);
  let size = 0;
  // "a is worse than b": lower score, or equal score and higher index.
  const worse = (sa: number, ia: number, sb: number, ib: number): boolean => sa < sb || (sa === sb && ia > ib);
  const siftDown = (pos: number): void => {
    for (;;) {
      const l = 2 * pos + 1;
      const r = l + 1;
      let m = pos;
      if (l < size && worse(heapScore[l], heapIdx[l], heapScore[m], heapIdx[m])) m = l;
      if (r < size && worse(heapScore[r], heapIdx[r], heapScore[m], heapIdx[m])) m = r;
      if (m === pos) return;
      const ts = heapScore[pos];
      const ti = heapIdx[pos];
      heapScore[pos] = heapScore[m];
      heapIdx[pos] = heapIdx[m];
      heapScore[m] = ts;
      heapIdx[m] = ti;
      pos = m;
    }
  };
  const offer = (i: number): void => {
    if (banned[i]) return;
    const s = scores[i];
    if (Number.isNaN(s)) return;
    if (size < k) {
      let pos = size++;
      heapScore[pos] = s;
      heapIdx[pos] = i;
      while (pos > 0) {
        const parent = (pos - 1) >> 1;
        if (!worse(heapScore[pos], heapIdx[pos], heapScore[parent], heapIdx[parent])) break;
        const ts = heapScore[pos];
        const ti = heapIdx[pos];
        heapScore[pos] = heapScore[parent];
        heapIdx[pos] = heapIdx[parent];
        heapScore[parent] = ts;
        heapIdx[parent] = ti;
        pos = parent;
      }
    } else if (worse(heapScore[0], heapIdx[0], s, i)) {
      heapScore[0] = s;
      heapIdx[0] = i;
      siftDown(0);
    }
  };
  if (opts.candidates) {
    for (let c = 0; c < opts.candidates.length; c++) {
      const i = opts.candidates[c];
      if (i >= 0 && i < n) {
        offer(i);
        banned[i] = 1; // a candidate listed twice is offered once
      }
    }
  } else {
    for (let i = 0; i < n; i++) offer(i);
  }
  const out: ScoredItem[] = [];
  for (let j = 0; j < size; j++) out.push({ itemIdx: heapIdx[j], score: heapScore[j] });
  out.sort((a, b) => b.score - a.score || a.itemIdx - b.itemIdx);
  return out;
}

/** n × k row-major Float32Array with N(0, std²) entries from `rng`. */
export function normalFactors(n: number, k: number, std: number, rng: Rng): Float32Array {
  const out = new Float32Array(n * k);
  if (std === 0) return out;
  for (let p = 0; p < out.length; p++) out[p] = rng.normal() * std;
  return out;
}

/** Row index of every stored entry of a CSR (the "user" column of the COO triples). O(nnz). */
export function rowOfEntries(indptr: Int32Array, nRows: number): Int32Array {
  const out = new Int32Array(indptr[nRows]);
  for (let r = 0; r < nRows; r++) out.fill(r, indptr[r], indptr[r + 1]);
  return out;
}
