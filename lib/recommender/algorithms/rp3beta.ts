import { clipRating, topKFromScores } from './mf-common';
import { createTopScratch, offerTop, topOrder } from '../core/select-top';
import type { Csr, RatingMatrix, Recommender } from '../core/types';
import { interactionView } from '../core/interactions';

/** Hyper-parameters of {@link fitRp3beta}. */
export interface Rp3betaConfig {
  /** Exponent α on each transition probability of the item → user → item walk (1 = plain P³). */
  alpha: number;
  /** Popularity penalty: the walk's weight into item i is divided by deg(i)^β (0 = none). */
  beta: number;
  /** Targets kept per source item (the k largest walk weights out of each item). */
  k: number;
  /** Ratings ≥ this are interactions (0 = every rating). */
  threshold: number;
  seed?: number;
}

/**
 * Chosen on a validation carve of the ml-latest-small ranking train file (latest 20% per user; 140 settings,
 * docs/benchmarks/hybrid.md, seventh round): positives ≥ 3.5, α 0.5, β 0.5, k 400.
 */
export const DEFAULT_RP3BETA: Rp3betaConfig = { alpha: 0.5, beta: 0.5, k: 400, threshold: 3.5 };

export interface Rp3betaModel {
  kind: 'rp3beta';
  threshold: number;
  /**
   * Row j (a source item): its `k` best targets i with the walk weight W(j → i), in item order. nItems × nItems. The
   * user's score of i is Σ W(j → i) over the user's interactions j.
   */
  reverseNeighbors: Csr;
}

/**
 * RP3beta (Paudel et al. 2017, "Updatable, accurate, diverse, and scalable recommendations for interactive
 * applications"; the strong graph baseline of Dacrema et al. 2019): a three-step random walk item j → user u → item
 * i on the bipartite interaction graph with each transition probability raised to α,
 *   W(j → i) = Σ_{u ∈ U(j) ∩ U(i)} deg(j)^−α · deg(u)^−α / deg(i)^β,
 * pruned to the k largest weights per source j. Time O(Σ_u deg(u)² + nItems · k log k), memory O(nItems · k).
 * Deterministic (ties: lower item index first).
 */
export function fitRp3beta(ratings: RatingMatrix, config: Partial<Rp3betaConfig> = {}): Rp3betaModel {
  const cfg = { ...DEFAULT_RP3BETA, ...config };
  // The graph holds ratings and the members' watches, likes and watchlist adds (core/interactions.ts).
  const { byUser, byItem } = interactionView(ratings);
  const nItems = byItem.nRows;
  const nUsers = byUser.nRows;
  const keep = (r: number) => r >= cfg.threshold;
  const userW = new Float64Array(nUsers);
  for (let u = 0; u < nUsers; u++) {
    let d = 0;
    for (let p = byUser.indptr[u]; p < byUser.indptr[u + 1]; p++) if (keep(byUser.values[p])) d++;
    userW[u] = d > 0 ? Math.pow(d, -cfg.alpha) : 0;
  }
  const deg = new Float64Array(nItems);
  for (let i = 0; i < nItems; i++) {
    let d = 0;
    for (let p = byItem.indptr[i]; p < byItem.indptr[i + 1]; p++) if (keep(byItem.values[p])) d++;
    deg[i] = d;
  }
  const targetW = Float64Array.from(deg, (d) => (d > 0 ? Math.pow(d, -cfg.beta) : 0));
  const acc = new Float64Array(nItems);
  const touched = new Int32Array(nItems);
  const heap = createTopScratch(cfg.k);
  const indptr = new Int32Array(nItems + 1);
  const cols: number[] = [];
  const vals: number[] = [];
  for (let j = 0; j < nItems; j++) {
    let nTouched = 0;
    if (deg[j] > 0) {
      for (let p = byItem.indptr[j]; p < byItem.indptr[j + 1]; p++) {
        if (!keep(byItem.values[p])) continue;
        const u = byItem.indices[p];
        const w = userW[u];
        for (let q = byUser.indptr[u]; q < byUser.indptr[u + 1]; q++) {
          if (!keep(byUser.values[q])) continue;
          const i = byUser.indices[q];
          if (acc[i] === 0) touched[nTouched++] = i;
          acc[i] += w;
        }
      }
    }
    const out = deg[j] > 0 ? Math.pow(deg[j], -cfg.alpha) : 0;
    let size = 0;
    for (let t = 0; t < nTouched; t++) {
      const i = touched[t];
      if (i !== j) size = offerTop(heap, size, cfg.k, acc[i] * out * targetW[i], i);
      acc[i] = 0;
    }
    // The kept entries in column order (the Csr invariant: sorted indices, so lookups can bisect).
    const kept = topOrder(heap, size).sort((x, y) => heap.id[x] - heap.id[y]);
    for (const x of kept) {
      cols.push(heap.id[x]);
      vals.push(heap.score[x]);
    }
    indptr[j + 1] = cols.length;
  }
  return {
    kind: 'rp3beta',
    threshold: cfg.threshold,
    reverseNeighbors: {
      nRows: nItems,
      nCols: nItems,
      indptr,
      indices: Int32Array.from(cols),
      values: Float32Array.from(vals),
    },
  };
}

/** Σ W(j → i) over the user's interactions j into `out` (length nItems). O(|I(u)| · k + nItems). */
export function scoreRp3beta(model: Rp3betaModel, ratings: RatingMatrix, u: number, out: Float32Array): void {
  const data = interactionView(ratings);
  out.fill(0);
  if (u < 0 || u >= data.byUser.nRows) return;
  const { indptr, indices, values } = data.byUser;
  const rev = model.reverseNeighbors;
  for (let p = indptr[u]; p < indptr[u + 1]; p++) {
    if (values[p] < model.threshold) continue;
    const j = indices[p];
    if (j >= rev.nRows) continue;
    for (let q = rev.indptr[j]; q < rev.indptr[j + 1]; q++) out[rev.indices[q]] += rev.values[q];
  }
}

/** RP3beta as a registered recommender (ranking only: `predict` is the global mean). */
export const rp3betaRecommender: Recommender<Partial<Rp3betaConfig>, Rp3betaModel> = {
  name: 'rp3beta',
  fit: fitRp3beta,
  predict(_model, data) {
    return clipRating(data.globalMean, data.scale);
  },
  scoreItems: scoreRp3beta,
  recommend(model, data, userIdx, k, opts) {
    const scores = new Float32Array(data.items.size);
    scoreRp3beta(model, data, userIdx, scores);
    return topKFromScores(scores, data, userIdx, k, opts);
  },
};
