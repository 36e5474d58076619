import { describe, expect, it } from 'vitest';
import { runRecommenderContract } from '../testing/contract.test-helpers';
import { SvdppConfig, fitSvdpp, initSvdpp, svdppGradient, svdppLoss, svdppRecommender, type SvdppModel } from './svdpp';
import { fitBiasedMf, BiasedMfConfig, biasedMfRecommender } from './biased-mf';
import { plantedRatings } from '../testing/mf-test-data';
import { ratingMatrixFromDense } from '../core/sparse';
import {
  expectFiniteDifferenceGradient,
  expectOneGradientStep,
  withRandomBiases,
} from '../testing/mf-common.test-helpers';
import type { RatingMatrix } from '../core/types';

const PARAMS = ['userBias', 'itemBias', 'userFactors', 'itemFactors', 'implicitFactors'] as const;

function randomModel(data: RatingMatrix, config: SvdppConfig): SvdppModel {
  return withRandomBiases(initSvdpp(data, config));
}

function trainRmse(data: RatingMatrix, predict: (u: number, i: number) => number): number {
  let se = 0;
  const { indptr, indices, values } = data.byUser;
  for (let u = 0; u < data.users.size; u++) {
    for (let p = indptr[u]; p < indptr[u + 1]; p++) se += (predict(u, indices[p]) - values[p]) ** 2;
  }
  return Math.sqrt(se / indptr[data.users.size]);
}

describe('SVD++', () => {
  it('has an analytic gradient that matches central finite differences', () => {
    const data = plantedRatings(6, 7, 0.5, 4);
    const config = SvdppConfig.parse({ factors: 3, reg: 0.06, regBias: 0.02, initStd: 0.4 });
    const model = randomModel(data, config);
    expectFiniteDifferenceGradient(
      model,
      PARAMS,
      () => svdppLoss(model, data, config),
      svdppGradient(model, data, config),
    );
  });

  it('takes exactly one gradient step for a user with one rating', () => {
    const data = ratingMatrixFromDense([[0, 0, 4]], [1, 5]);
    const config = SvdppConfig.parse({ factors: 3, epochs: 1, lr: 0.05, reg: 0.1, initStd: 0.5 });
    const init = randomModel(data, config);
    expectOneGradientStep(init, fitSvdpp(data, config, init), svdppGradient(init, data, config), PARAMS, config.lr);
  });

  it('lowers its objective and fits planted data at least as well as biased MF', () => {
    const data = plantedRatings(60, 50, 0.3, 12);
    const config = SvdppConfig.parse({ factors: 4, epochs: 60, lr: 0.02, reg: 0.02, lrDecay: 1 });
    const init = initSvdpp(data, config);
    const model = fitSvdpp(data, config);
    expect(svdppLoss(model, data, config)).toBeLessThan(0.3 * svdppLoss(init, data, config));
    const mf = fitBiasedMf(data, BiasedMfConfig.parse({ factors: 4, epochs: 60, lr: 0.02, reg: 0.02 }));
    const rSvdpp = trainRmse(data, (u, i) => svdppRecommender.predict(model, data, u, i));
    const rMf = trainRmse(data, (u, i) => biasedMfRecommender.predict(mf, data, u, i));
    expect(rSvdpp).toBeLessThan(rMf * 1.1);
    expect(rSvdpp).toBeLessThan(0.6);
  });

  it('is deterministic for a seed', () => {
    const data = plantedRatings(20, 15, 0.4, 6);
    const config = SvdppConfig.parse({ factors: 4, epochs: 4 });
    const a = fitSvdpp(data, config);
    const b = fitSvdpp(data, config);
    const c = fitSvdpp(data, { ...config, seed: 1 });
    expect(Array.from(a.implicitFactors)).toEqual(Array.from(b.implicitFactors));
    expect(Array.from(a.userImplicit)).toEqual(Array.from(b.userImplicit));
    expect(Array.from(a.implicitFactors)).not.toEqual(Array.from(c.implicitFactors));
  });

  it('caches the implicit sum |N(u)|^-1/2 Σ y_j used by predictions', () => {
    const data = plantedRatings(8, 9, 0.5, 7);
    const model = fitSvdpp(data, SvdppConfig.parse({ factors: 2, epochs: 2 }));
    const u = 3;
    const { indptr, indices } = data.byUser;
    const n = indptr[u + 1] - indptr[u];
    for (let f = 0; f < 2; f++) {
      let s = 0;
      for (let p = indptr[u]; p < indptr[u + 1]; p++) s += model.implicitFactors[indices[p] * 2 + f];
      expect(model.userImplicit[u * 2 + f]).toBeCloseTo(s / Math.sqrt(n), 5);
    }
    expect(svdppRecommender.predict(model, data, -1, -1)).toBeCloseTo(data.globalMean, 5);
  });
});

runRecommenderContract('svdpp', svdppRecommender, SvdppConfig.parse({ factors: 8, epochs: 10 }));

describe('SVD++ with a heavy user', () => {
  it('stays finite when one user has far more ratings than 1/(lr·reg)', () => {
    const rows = Array.from({ length: 4 }, (_, u) =>
      Array.from({ length: 1500 }, (_, i) => (u === 0 || i % (50 * u) === 0 ? 1 + ((i * 7 + u) % 5) : 0)),
    );
    const data = ratingMatrixFromDense(rows, [1, 5]);
    const model = fitSvdpp(data, SvdppConfig.parse({ factors: 4, epochs: 40, lr: 0.02, reg: 0.1 }));
    for (const v of model.implicitFactors) expect(Number.isFinite(v)).toBe(true);
    expect(Number.isFinite(svdppRecommender.predict(model, data, 0, 0))).toBe(true);
  });
});
