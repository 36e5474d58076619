import { describe, expect, it } from 'vitest';
import { baselineEstimate, biasesRecommender } from './biases';
import { evaluateRating } from '../eval/evaluate';
import { contractData, runRecommenderContract } from '../testing/contract.test-helpers';
import { fitItemKnn, itemKnnRecommender, predictItemKnn } from './item-knn';
import { fitUserKnn, predictUserKnn, userKnnRecommender } from './user-knn';
import { getValue } from '../core/sparse';
import type { RatingMatrix } from '../core/types';

/** Dense reference of Koren's kNN-baseline with pearson_baseline similarities (no sparse tricks). */
function referencePrediction(
  data: RatingMatrix,
  side: 'item' | 'user',
  u: number,
  i: number,
  k: number,
  shrink: number,
  bias: (u: number, i: number) => number,
): number {
  const nU = data.users.size;
  const nI = data.items.size;
  const r = (a: number, b: number) => getValue(data.byUser, a, b);
  const resid = (a: number, b: number) => r(a, b)! - bias(a, b);
  const sim = (x: number, y: number): number => {
    let p = 0;
    let sx = 0;
    let sy = 0;
    let n = 0;
    const nDims = side === 'item' ? nU : nI;
    for (let d = 0; d < nDims; d++) {
      const [ax, bx, ay, by] = side === 'item' ? [d, x, d, y] : [x, d, y, d];
      if (r(ax, bx) === undefined || r(ay, by) === undefined) continue;
      const rx = resid(ax, bx);
      const ry = resid(ay, by);
      p += rx * ry;
      sx += rx * rx;
      sy += ry * ry;
      n++;
    }
    if (n === 0 || sx * sy === 0) return 0;
    return (p / Math.sqrt(sx * sy)) * (n / (n + shrink));
  };
  const nb: { s: number; res: number }[] = [];
  if (side === 'item') {
    for (let j = 0; j < nI; j++) if (j !== i && r(u, j) !== undefined) nb.push({ s: sim(i, j), res: resid(u, j) });
  } else {
    for (let v = 0; v < nU; v++) if (v !== u && r(v, i) !== undefined) nb.push({ s: sim(u, v), res: resid(v, i) });
  }
  const top = nb
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s)
    .slice(0, k);
  const den = top.reduce((s, x) => s + x.s, 0);
  const num = top.reduce((s, x) => s + x.s * x.res, 0);
  return bias(u, i) + (den > 0 ? num / den : 0);
}

describe('item-based kNN with baseline', () => {
  const data = contractData(5, 25, 30);
  const cfg = { k: 5, shrinkage: 10 };
  const model = fitItemKnn(data, cfg);
  const bias = (u: number, i: number) => baselineEstimate(model.biases, u, i);

  it('matches a dense reference implementation of Koren 2010 eq. 3', () => {
    for (const [u, i] of [
      [0, 0],
      [3, 7],
      [10, 29],
      [24, 13],
    ]) {
      expect(predictItemKnn(model, data, u, i)).toBeCloseTo(referencePrediction(data, 'item', u, i, 5, 10, bias), 4);
    }
  });

  it('falls back to the baseline for unknown users/items and when minK is not met', () => {
    expect(predictItemKnn(model, data, -1, 4)).toBeCloseTo(bias(-1, 4), 6);
    expect(predictItemKnn(model, data, 2, -1)).toBeCloseTo(bias(2, -1), 6);
    const strict = fitItemKnn(data, { ...cfg, minK: 1000 });
    expect(predictItemKnn(strict, data, 3, 7)).toBeCloseTo(bias(3, 7), 6);
  });

  it('beats the bias baseline on held-out ratings of planted tastes', () => {
    const big = contractData(9, 60, 40);
    const train: number[][] = [[], [], []];
    const test: number[][] = [[], [], []];
    for (let a = 0; a < big.users.size; a++) {
      for (let p = big.byUser.indptr[a]; p < big.byUser.indptr[a + 1]; p++) {
        const dest = (p - big.byUser.indptr[a]) % 5 === 0 ? test : train;
        dest[0].push(big.users.ids[a]);
        dest[1].push(big.items.ids[big.byUser.indices[p]]);
        dest[2].push(big.byUser.values[p]);
      }
    }
    const rows = (t: number[][]) => ({
      userIds: Int32Array.from(t[0]),
      movieIds: Int32Array.from(t[1]),
      ratings: Float32Array.from(t[2]),
    });
    const knn = evaluateRating(itemKnnRecommender, { k: 20 }, rows(train), rows(test), [0.5, 5]);
    const base = evaluateRating(biasesRecommender, {}, rows(train), rows(test), [0.5, 5]);
    expect(knn.metrics.rmse).toBeLessThan(base.metrics.rmse - 0.05);
  });
});

describe('user-based kNN with baseline', () => {
  const data = contractData(6, 25, 30);
  const model = fitUserKnn(data, { k: 4, shrinkage: 5 });
  const bias = (u: number, i: number) => baselineEstimate(model.biases, u, i);

  it('matches the dense reference with users as neighbours', () => {
    for (const [u, i] of [
      [1, 2],
      [7, 11],
      [20, 0],
    ]) {
      expect(predictUserKnn(model, data, u, i)).toBeCloseTo(referencePrediction(data, 'user', u, i, 4, 5, bias), 4);
    }
  });
});

runRecommenderContract('item-knn', itemKnnRecommender, { k: 10 });
runRecommenderContract('item-knn (prediction ranking, cosine)', itemKnnRecommender, {
  k: 10,
  metric: 'cosine',
  rankScore: 'prediction',
});
runRecommenderContract('user-knn', userKnnRecommender, { k: 10 });
runRecommenderContract('user-knn (pearson)', userKnnRecommender, { k: 10, metric: 'pearson', shrinkage: 0 });
