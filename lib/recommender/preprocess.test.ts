import { describe, expect, it } from 'vitest';
import { fitBiases } from './algorithms/biases';
import { centreByUserMean, encodeCategorical, residualMatrix, toImplicit } from './preprocess';
import { getValue, ratingMatrixFromDense } from './core/sparse';

const R = ratingMatrixFromDense([
  [5, 3, 0],
  [4, 0, 2],
  [0, 1, 0],
]);

describe('preprocess', () => {
  it('centres each user on their own mean', () => {
    const { means, values } = centreByUserMean(R);
    expect(Array.from(means)).toEqual([4, 3, 1]);
    expect(Array.from(values)).toEqual([1, -1, 1, -1, 0]);
  });

  it('builds baseline residuals that sum with the baseline back to the ratings', () => {
    const b = fitBiases(R);
    const res = residualMatrix(R, b);
    const r01 = getValue(res.byUser, 0, 1)!;
    expect(r01 + b.mean + b.userBias[0] + b.itemBias[1]).toBeCloseTo(3, 5);
    expect(getValue(res.byItem, 1, 0)).toBeCloseTo(r01, 6);
  });

  it('keeps ratings ≥ threshold as confidences', () => {
    const bin = toImplicit(R, { threshold: 3 });
    expect(Array.from(bin.byUser.indptr)).toEqual([0, 2, 3, 3]);
    expect(Array.from(bin.byUser.values)).toEqual([1, 1, 1]);
    const lin = toImplicit(R, { threshold: 4, confidence: 'linear', alpha: 2 });
    expect(Array.from(lin.byUser.values)).toEqual([11, 9]);
    expect(lin.byItem.nRows).toBe(3);
    const log = toImplicit(R, { threshold: 5, confidence: 'log', alpha: 1, epsilon: 1 });
    expect(log.byUser.values[0]).toBeCloseTo(1 + Math.log(6), 6);
  });

  it('multi-hot encodes genres with sorted feature columns', () => {
    const enc = encodeCategorical([['Drama', 'Comedy'], ['Comedy'], [], ['Horror', 'Drama', 'Drama']], { minCount: 1 });
    expect(enc.features).toEqual(['Comedy', 'Drama', 'Horror']);
    expect(Array.from(enc.matrix.indptr)).toEqual([0, 2, 3, 3, 5]);
    expect(Array.from(enc.matrix.indices)).toEqual([0, 1, 0, 1, 2]);
    const rare = encodeCategorical([['a', 'b'], ['a']], { minCount: 2, l2: true });
    expect(rare.features).toEqual(['a']);
    const norm = encodeCategorical([['a', 'b']], { l2: true });
    expect(norm.matrix.values[0]).toBeCloseTo(Math.SQRT1_2, 6);
  });
});
