/**
 * Maximal Marginal Relevance re-ranking and intra-list diversity.
 *
 * Carbonell & Goldstein (1998), "The use of MMR, diversity-based reranking for reordering
 * documents and producing summaries", SIGIR '98: greedily pick
 *   argmax_{i ∈ R∖S} [ λ · rel(i) − (1 − λ) · max_{j ∈ S} sim(i, j) ].
 * Intra-list diversity: Ziegler et al. (2005), "Improving recommendation lists through topic
 * diversification" (mean pairwise dissimilarity of a list).
 */
import type { ContentTfidfModel } from '../algorithms/content-tfidf';
import { rowDot } from '../algorithms/content-tfidf';
import type { ScoredItem } from '../core/types';

/**
 * Similarity of two items by dense index, in [−1, 1] (1 = identical). It may carry `many`, a batch form giving
 * exactly the same numbers: out[x] = sim(items[x], b) for x < n (MMR then compares each pick with the pool at once).
 */
export type ItemSimilarity = ((a: number, b: number) => number) & {
  many?: (b: number, items: Int32Array, n: number, out: Float64Array) => void;
};

/** Content cosine between two data items of a fitted content model. O(nnz_a + nnz_b). */
export function contentSimilarity(model: ContentTfidfModel): ItemSimilarity {
  const X = model.itemVectors;
  return (a, b) => rowDot(X, a, X, b);
}

/**
 * Re-ranks `candidates` (any order) with MMR and returns the first k picks, each with its
 * original score. Relevance is the candidate score min–max scaled to [0, 1] over the candidate
 * pool, so λ trades comparable quantities: λ = 1 keeps the score order ("familiar"), smaller λ
 * favours items unlike those already picked ("discovery"). Deterministic; ties go to the
 * earlier candidate by score, then lower itemIdx.
 *
 * @param lambda in [0, 1].
 * Complexity O(k · |candidates|) similarity calls.
 */
export function mmrRerank(
  candidates: readonly ScoredItem[],
  k: number,
  lambda: number,
  sim: ItemSimilarity,
): ScoredItem[] {
  if (lambda < 0 || lambda > 1 || Number.isNaN(lambda)) throw new RangeError(`lambda must be in [0, 1], got ${lambda}`);
  const pool = [...candidates].sort((a, b) => b.score - a.score || a.itemIdx - b.itemIdx);
  const n = pool.length;
  const take = Math.min(k, n);
  if (take <= 0) return [];
  if (lambda === 1) return pool.slice(0, take);
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of pool) {
    if (c.score < lo) lo = c.score;
    if (c.score > hi) hi = c.score;
  }
  const range = hi - lo;
  const rel = Float64Array.from(pool, (c) => (range > 0 ? (c.score - lo) / range : 1));
  // maxSim[i] = max similarity of candidate i to the picked set (−∞ before the first pick).
  const maxSim = new Float64Array(n).fill(-Infinity);
  const picked = new Uint8Array(n);
  const out: ScoredItem[] = [];
  const many = sim.many;
  const poolIdx = Int32Array.from(pool, (c) => c.itemIdx);
  const simToPick = new Float64Array(n);
  for (let step = 0; step < take; step++) {
    let best = -1;
    let bestVal = -Infinity;
    for (let i = 0; i < n; i++) {
      if (picked[i]) continue;
      const penalty = step === 0 ? 0 : maxSim[i];
      const v = lambda * rel[i] - (1 - lambda) * penalty;
      if (v > bestVal) {
        bestVal = v;
        best = i;
      }
    }
    picked[best] = 1;
    out.push(pool[best]);
    if (step === take - 1) break; // the similarities to the last pick are never read
    const b = pool[best].itemIdx;
    if (many) many(b, poolIdx, n, simToPick);
    for (let i = 0; i < n; i++) {
      if (picked[i]) continue;
      const s = many ? simToPick[i] : sim(pool[i].itemIdx, b);
      if (s > maxSim[i]) maxSim[i] = s;
    }
  }
  return out;
}

/**
 * Intra-list diversity: mean of (1 − sim(i, j)) over all unordered pairs of the list; 0 for
 * lists shorter than 2. With cosine on non-negative vectors the value lies in [0, 1].
 * O(k²) similarity calls.
 */
export function intraListDiversity(items: ArrayLike<number>, sim: ItemSimilarity): number {
  const n = items.length;
  if (n < 2) return 0;
  let s = 0;
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) s += 1 - sim(items[a], items[b]);
  return s / ((n * (n - 1)) / 2);
}
