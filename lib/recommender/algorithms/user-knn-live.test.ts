import { describe, expect, it } from 'vitest';
import {
  liveUserBias,
  liveUserKnnEstimate,
  liveUserSimilarities,
  liveUserKnnRecommender,
  type ResidualsByItem,
} from './user-knn-live';
import { runRecommenderContract } from '../testing/contract.test-helpers';

runRecommenderContract('live user-kNN', liveUserKnnRecommender, {});

describe('live user-kNN', () => {
  // Items 0..2; training users v0, v1 with residuals e_vi: item 0: v0 +1, v1 −1; item 1: v0 +0.5; item 2: v0 +0.8, v1 −0.6.
  const table: ResidualsByItem = {
    indptr: Int32Array.of(0, 2, 3, 5),
    users: Int32Array.of(0, 1, 0, 0, 1),
    residuals: Float32Array.of(1, -1, 0.5, 0.8, -0.6),
    nUsers: 2,
  };
  const itemBias = new Float32Array(3);

  it('computes pearson-baseline similarities over common ratings, shrunk by n/(n + shrinkage)', () => {
    // Live user: 4 on item 0, 3.5 on item 1, μ = 3, b_u = 0 → e = (1, 0.5).
    // v0: Σ e·r = 1 + 0.25, Σ e² = Σ r² = 1.25 → ρ = 1, n = 2 → 2/102. v1: common item 0 only, ρ = −1, n = 1 → −1/101.
    const sims = liveUserSimilarities(table, 3, itemBias, 0, 100, [0, 1], [4, 3.5]);
    expect(sims[0]).toBeCloseTo(2 / 102, 10);
    expect(sims[1]).toBeCloseTo(-1 / 101, 10);
    // Only positive neighbours count: item 2 gets v0's residual 0.8 on top of the baseline.
    expect(liveUserKnnEstimate(table, sims, 3.2, 2, 40, 1)).toBeCloseTo(3.2 + 0.8, 6);
  });

  it('folds the user bias in from the current ratings like the baseline ALS step', () => {
    // Σ(r − μ − b_i)/(λ_u + n) = ((4 − 3) + (3.5 − 3)) / (15 + 2).
    expect(liveUserBias(3, itemBias, 15, [0, 1], [4, 3.5])).toBeCloseTo(1.5 / 17, 10);
  });
});
