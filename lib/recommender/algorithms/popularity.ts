import { clipRating, topKFromScores } from './mf-common';
import type { RatingMatrix, Recommender } from '../core/types';

/** Hyper-parameters of {@link fitPopularity}. */
export interface PopularityConfig {
  /**
   * Ranking score: 'bayes' = Bayesian average rating (C·m + Σr) / (C + n);
   * 'count' = number of ratings ≥ `minRating` (pure popularity, strongest for top-N accuracy).
   */
  mode: 'bayes' | 'count';
  /** Prior count C of the Bayesian average (pseudo-ratings at the global mean m). */
  priorCount: number;
  /** Only ratings ≥ this count in 'count' mode (0 = every rating). */
  minRating: number;
  seed?: number;
}

export const DEFAULT_POPULARITY: PopularityConfig = { mode: 'count', priorCount: 10, minRating: 0 };

export interface PopularityModel {
  kind: 'popularity';
  mode: 'bayes' | 'count';
  mean: number;
  /** Bayesian-average rating per item (the rating-task prediction). Length nItems. */
  bayesMean: Float32Array;
  /** Number of ratings (≥ minRating) per item. Length nItems. */
  count: Float32Array;
  /** Ranking score per item, the same for every user. Length nItems. */
  score: Float32Array;
}

/**
 * Non-personalised popularity: the Bayesian average (C·m + Σ_u r_ui) / (C + n_i) with m the global
 * mean (the IMDb top-250 "weighted rating" shrinkage), or a rating count. Time O(nnz), memory O(nItems).
 * Unknown users get the same list, so this is the cold-start fallback of the For You feed.
 */
export function fitPopularity(data: RatingMatrix, config: Partial<PopularityConfig> = {}): PopularityModel {
  const cfg = { ...DEFAULT_POPULARITY, ...config };
  const { byItem } = data;
  const n = byItem.nRows;
  const m = data.globalMean;
  const bayesMean = new Float32Array(n);
  const count = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    let c = 0;
    for (let p = byItem.indptr[i]; p < byItem.indptr[i + 1]; p++) {
      const r = byItem.values[p];
      s += r;
      if (r >= cfg.minRating) c++;
    }
    const nRatings = byItem.indptr[i + 1] - byItem.indptr[i];
    bayesMean[i] = cfg.priorCount + nRatings > 0 ? (cfg.priorCount * m + s) / (cfg.priorCount + nRatings) : m;
    count[i] = c;
  }
  // Ties in count are broken by the Bayesian average so equally popular items come best-rated first.
  const score = new Float32Array(n);
  if (cfg.mode === 'bayes') score.set(bayesMean);
  else for (let i = 0; i < n; i++) score[i] = count[i] + bayesMean[i] / 16;
  return { kind: 'popularity', mode: cfg.mode, mean: m, bayesMean, count, score };
}

export const popularityRecommender: Recommender<Partial<PopularityConfig>, PopularityModel> = {
  name: 'popularity',
  fit: fitPopularity,
  predict(model, data, _u, i) {
    return clipRating(i >= 0 && i < model.bayesMean.length ? model.bayesMean[i] : model.mean, data.scale);
  },
  scoreItems(model, _data, _u, out) {
    out.set(model.score.subarray(0, out.length));
  },
  recommend(model, data, userIdx, k, opts) {
    return topKFromScores(model.score, data, userIdx, k, opts);
  },
};
