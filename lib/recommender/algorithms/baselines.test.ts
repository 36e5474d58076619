import { describe, expect, it } from 'vitest';
import { runRecommenderContract } from '../testing/contract.test-helpers';
import { baselineEstimate, biasesRecommender, DEFAULT_BIASES, fitBiases } from './biases';
import { fitGlobalMean, globalMeanRecommender } from './global-mean';
import { fitPopularity, popularityRecommender } from './popularity';
import { ratingMatrixFromDense } from '../core/sparse';

const R = ratingMatrixFromDense(
  [
    [5, 3, 0, 1],
    [4, 0, 0, 1],
    [1, 1, 0, 5],
    [0, 1, 5, 4],
  ],
  [1, 5],
);

describe('global mean', () => {
  it('predicts the mean training rating', () => {
    expect(fitGlobalMean(R).mean).toBeCloseTo(31 / 11, 6); // 11 ratings summing to 31
  });
});

describe('biases', () => {
  it('one ALS sweep with no regularisation matches the closed form by hand', () => {
    const m = fitBiases(R, { regItem: 0, regUser: 0, epochs: 1 });
    const mu = 31 / 11;
    // users first with b_i = 0: b_u = mean(r_u) − μ
    const bu = [(5 + 3 + 1) / 3 - mu, (4 + 1) / 2 - mu, (1 + 1 + 5) / 3 - mu, (1 + 5 + 4) / 3 - mu];
    for (let u = 0; u < 4; u++) expect(m.userBias[u]).toBeCloseTo(bu[u], 5);
    // then items: b_i = mean over raters of (r − μ − b_u)
    const bi0 = (5 - mu - bu[0] + (4 - mu - bu[1]) + (1 - mu - bu[2])) / 3;
    expect(m.itemBias[0]).toBeCloseTo(bi0, 5);
    expect(baselineEstimate(m, 0, 0)).toBeCloseTo(mu + bu[0] + bi0, 5);
  });

  it('shrinks biases towards 0 as regularisation grows', () => {
    const loose = fitBiases(R, { ...DEFAULT_BIASES, regItem: 0.1, regUser: 0.1 });
    const tight = fitBiases(R, { ...DEFAULT_BIASES, regItem: 100, regUser: 100 });
    const norm = (a: Float32Array) => a.reduce((s, x) => s + x * x, 0);
    expect(norm(tight.itemBias)).toBeLessThan(norm(loose.itemBias));
    expect(norm(tight.userBias)).toBeLessThan(norm(loose.userBias));
  });

  it('falls back to μ + known bias for unknown users or items', () => {
    const m = fitBiases(R);
    expect(baselineEstimate(m, -1, 2)).toBeCloseTo(m.mean + m.itemBias[2], 6);
    expect(baselineEstimate(m, 1, -1)).toBeCloseTo(m.mean + m.userBias[1], 6);
    expect(baselineEstimate(m, -1, -1)).toBeCloseTo(m.mean, 6);
  });
});

describe('popularity', () => {
  it('computes the Bayesian average (C·m + Σr) / (C + n)', () => {
    const m = fitPopularity(R, { mode: 'bayes', priorCount: 2 });
    const mu = 31 / 11;
    // item 3: ratings 1, 1, 5, 4 → (2μ + 11) / 6
    expect(m.bayesMean[3]).toBeCloseTo((2 * mu + 11) / 6, 5);
    // item 2: one rating 5 → (2μ + 5) / 3
    expect(m.bayesMean[2]).toBeCloseTo((2 * mu + 5) / 3, 5);
    expect(m.score[3]).toBe(m.bayesMean[3]);
  });

  it('ranks by count in count mode, ties by Bayesian average', () => {
    const m = fitPopularity(R, { mode: 'count', priorCount: 2 });
    // counts: item0 3 (avg 10/3), item1 3 (avg 5/3), item2 1, item3 4 → 3, 0, 1, 2
    const recs = popularityRecommender.recommend(m, R, -1, 4).map((x) => x.itemIdx);
    expect(recs).toEqual([3, 0, 1, 2]);
  });

  it('counts only ratings ≥ minRating', () => {
    const m = fitPopularity(R, { minRating: 4 });
    expect(Array.from(m.count)).toEqual([2, 0, 1, 2]);
  });
});

runRecommenderContract('global-mean', globalMeanRecommender, {});
runRecommenderContract('biases', biasesRecommender, {});
runRecommenderContract('popularity', popularityRecommender, {});
runRecommenderContract('popularity (bayes)', popularityRecommender, { mode: 'bayes' });
