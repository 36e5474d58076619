import { describe, expect, it } from 'vitest';
import { buildRatingMatrix } from '../core/sparse';
import { createRng } from '../core/rng';
import { BiasedMfConfig, fitBiasedMf } from '../algorithms/biased-mf';
import { createSgdRunner } from './sgd-wasm';

/** A seeded random rating set: 60 users × 45 items, about a third of the pairs rated in half stars. */
function randomRatings(seed: number) {
  const rng = createRng(seed);
  const userIds: number[] = [];
  const itemIds: number[] = [];
  const ratings: number[] = [];
  for (let u = 0; u < 60; u++)
    for (let i = 0; i < 45; i++)
      if (rng.next() < 0.35) {
        userIds.push(u);
        itemIds.push(i);
        ratings.push(0.5 + rng.int(10) * 0.5);
      }
  return buildRatingMatrix(
    { userIds: Int32Array.from(userIds), itemIds: Int32Array.from(itemIds), ratings: Float32Array.from(ratings) },
    { scale: [0.5, 5] },
  );
}

describe('biased-MF SGD kernel', () => {
  it.each([4, 8, 40, 100])('gives the same bits as the TypeScript epochs at k = %i', (factors) => {
    const data = randomRatings(factors);
    const config = BiasedMfConfig.parse({ factors, epochs: 7, lrDecay: 0.9, regBias: 0.05, lrBias: 0.01 });
    const kernel = fitBiasedMf(data, config);
    const js = fitBiasedMf(data, config, undefined, 'js');
    expect(Array.from(kernel.userFactors)).toEqual(Array.from(js.userFactors));
    expect(Array.from(kernel.itemFactors)).toEqual(Array.from(js.itemFactors));
    expect(Array.from(kernel.userBias)).toEqual(Array.from(js.userBias));
    expect(Array.from(kernel.itemBias)).toEqual(Array.from(js.itemBias));
    // The kernel really ran (k is a multiple of 4), and the fit moved away from its start.
    const st = {
      bu: new Float64Array(1),
      bi: new Float64Array(1),
      P: new Float64Array(factors),
      Q: new Float64Array(factors),
    };
    expect(createSgdRunner(st, Int32Array.of(0), Int32Array.of(0), Float32Array.of(3), factors, 3)).not.toBeNull();
    expect(kernel.userBias.some((b) => b !== 0)).toBe(true);
  });

  it('gives the same bits from a warm start and without shuffling', () => {
    const data = randomRatings(3);
    const config = BiasedMfConfig.parse({ factors: 12, epochs: 3, shuffle: false });
    const init = fitBiasedMf(data, BiasedMfConfig.parse({ factors: 12, epochs: 2, seed: 5 }), undefined, 'js');
    const a = fitBiasedMf(data, config, init);
    const b = fitBiasedMf(data, config, init, 'js');
    expect(Array.from(a.userFactors)).toEqual(Array.from(b.userFactors));
    expect(Array.from(a.itemBias)).toEqual(Array.from(b.itemBias));
  });

  it('declines a k that is not a multiple of 4 (the TypeScript loop runs instead)', () => {
    const st = { bu: new Float64Array(1), bi: new Float64Array(1), P: new Float64Array(6), Q: new Float64Array(6) };
    expect(createSgdRunner(st, Int32Array.of(0), Int32Array.of(0), Float32Array.of(3), 6, 3)).toBeNull();
    const data = randomRatings(9);
    const config = BiasedMfConfig.parse({ factors: 6, epochs: 2 });
    expect(Array.from(fitBiasedMf(data, config).userFactors)).toEqual(
      Array.from(fitBiasedMf(data, config, undefined, 'js').userFactors),
    );
  });
});
