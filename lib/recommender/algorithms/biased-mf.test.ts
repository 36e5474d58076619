import { describe, expect, it } from 'vitest';
import { runRecommenderContract } from '../testing/contract.test-helpers';
import {
  BiasedMfConfig,
  biasedMfGradient,
  biasedMfLoss,
  biasedMfRecommender,
  fitBiasedMf,
  initBiasedMf,
  type BiasedMfModel,
} from './biased-mf';
import { plantedRatings } from '../testing/mf-test-data';
import { ratingMatrixFromDense } from '../core/sparse';
import {
  expectFiniteDifferenceGradient,
  expectOneGradientStep,
  withRandomBiases,
} from '../testing/mf-common.test-helpers';
import type { RatingMatrix } from '../core/types';

const PARAMS = ['userBias', 'itemBias', 'userFactors', 'itemFactors'] as const;

/** A model with non-zero random biases so every gradient term is exercised. */
function randomModel(data: RatingMatrix, config: BiasedMfConfig): BiasedMfModel {
  return withRandomBiases(initBiasedMf(data, config));
}

describe('biased MF', () => {
  it('has an analytic gradient that matches central finite differences', () => {
    const data = plantedRatings(6, 7, 0.5, 3);
    const config = BiasedMfConfig.parse({ factors: 3, reg: 0.07, regBias: 0.03, initStd: 0.4 });
    const model = randomModel(data, config);
    expectFiniteDifferenceGradient(
      model,
      PARAMS,
      () => biasedMfLoss(model, data, config),
      biasedMfGradient(model, data, config),
    );
  });

  it('takes exactly one gradient step per rating (one rating, one epoch)', () => {
    const data = ratingMatrixFromDense([[0, 4]], [1, 5]);
    const config = BiasedMfConfig.parse({ factors: 4, epochs: 1, lr: 0.05, reg: 0.1, initStd: 0.5 });
    const init = randomModel(data, config);
    expectOneGradientStep(
      init,
      fitBiasedMf(data, config, init),
      biasedMfGradient(init, data, config),
      PARAMS,
      config.lr,
    );
  });

  it('lowers the training loss and beats the global mean on planted low-rank data', () => {
    const data = plantedRatings(60, 50, 0.3, 11);
    const config = BiasedMfConfig.parse({ factors: 4, epochs: 60, lr: 0.02, reg: 0.02 });
    const init = initBiasedMf(data, config);
    const model = fitBiasedMf(data, config);
    expect(biasedMfLoss(model, data, config)).toBeLessThan(0.3 * biasedMfLoss(init, data, config));
    let seModel = 0;
    let seMean = 0;
    const { indptr, indices, values } = data.byUser;
    for (let u = 0; u < data.users.size; u++) {
      for (let p = indptr[u]; p < indptr[u + 1]; p++) {
        seModel += (biasedMfRecommender.predict(model, data, u, indices[p]) - values[p]) ** 2;
        seMean += (data.globalMean - values[p]) ** 2;
      }
    }
    expect(seModel).toBeLessThan(0.5 * seMean);
  });

  it('gives identical factors for the same seed and different ones for another seed', () => {
    const data = plantedRatings(20, 15, 0.4, 5);
    const config = BiasedMfConfig.parse({ factors: 5, epochs: 5 });
    const a = fitBiasedMf(data, config);
    const b = fitBiasedMf(data, config);
    const c = fitBiasedMf(data, { ...config, seed: config.seed + 1 });
    expect(Array.from(a.userFactors)).toEqual(Array.from(b.userFactors));
    expect(Array.from(a.itemBias)).toEqual(Array.from(b.itemBias));
    expect(Array.from(a.userFactors)).not.toEqual(Array.from(c.userFactors));
  });

  it('falls back to biases for unknown users and items and clips to the scale', () => {
    const data = plantedRatings(10, 8, 0.5, 2);
    const model = fitBiasedMf(data, BiasedMfConfig.parse({ factors: 3, epochs: 3 }));
    const mu = data.globalMean;
    expect(biasedMfRecommender.predict(model, data, -1, 2)).toBeCloseTo(
      Math.min(5, Math.max(1, mu + model.itemBias[2])),
      5,
    );
    expect(biasedMfRecommender.predict(model, data, 3, -1)).toBeCloseTo(
      Math.min(5, Math.max(1, mu + model.userBias[3])),
      5,
    );
    expect(biasedMfRecommender.predict(model, data, -1, -1)).toBeCloseTo(mu, 5);
    const big = { ...model, globalMean: 50 };
    expect(biasedMfRecommender.predict(big, data, 0, 0)).toBe(5);
  });

  it('never recommends a rated or excluded item', () => {
    const data = plantedRatings(10, 12, 0.4, 8);
    const model = fitBiasedMf(data, BiasedMfConfig.parse({ factors: 3, epochs: 5 }));
    for (let u = 0; u < 10; u++) {
      const rated = new Set(Array.from(data.byUser.indices.subarray(data.byUser.indptr[u], data.byUser.indptr[u + 1])));
      const recs = biasedMfRecommender.recommend(model, data, u, 5, { exclude: new Set([0, 1]) });
      for (const r of recs) {
        expect(rated.has(r.itemIdx)).toBe(false);
        expect(r.itemIdx === 0 || r.itemIdx === 1).toBe(false);
      }
      for (let j = 1; j < recs.length; j++) expect(recs[j - 1].score).toBeGreaterThanOrEqual(recs[j].score);
    }
  });
});

runRecommenderContract('biased-mf', biasedMfRecommender, BiasedMfConfig.parse({ factors: 8, epochs: 10 }));
