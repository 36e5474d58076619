import { describe, expect, it } from 'vitest';
import { runRecommenderContract } from '../testing/contract.test-helpers';
import { EASE_UNMODELLED_SCORE, EaseConfig, easeRecommender, fitEase, scoreEaseHistory } from './ease';
import { ratingMatrixFromDense } from '../core/sparse';
import { plantedRatings } from '../testing/mf-test-data';

// Positives (≥ 3.5): u0 {0,1}, u1 {1,2}, u2 {0,1,2}; u0's 2 on item 2 and u1's 1 on item 3 are not positives.
// XᵀX = [[2,2,1],[2,3,2],[1,2,2]]; with λ = 1, P = (XᵀX + I)⁻¹ = [[.5,−.25,0],[−.25,.5,−.25],[0,−.25,.5]]
// and B = −P/diag(P) with zero diagonal = [[0,.5,0],[.5,0,.5],[0,.5,0]].
const DENSE = [
  [5, 4, 2, 0],
  [0, 5, 4, 1],
  [4, 5, 5, 0],
];

describe('EASE', () => {
  it('matches the closed form computed by hand', () => {
    const data = ratingMatrixFromDense(DENSE, [0.5, 5]);
    const model = fitEase(data, EaseConfig.parse({ lambda: 1 }));
    expect(model.n).toBe(3); // item 3 has no positive
    const B = [
      [0, 0.5, 0],
      [0.5, 0, 0.5],
      [0, 0.5, 0],
    ];
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++)
        expect(model.weights[model.position[i] * 3 + model.position[j]]).toBeCloseTo(B[i][j], 6);
    }
    const out = new Float32Array(4);
    easeRecommender.scoreItems(model, data, 0, out); // u0 = rows 0 + 1 of B
    expect(Array.from(out.subarray(0, 3)).map((v) => +v.toFixed(6))).toEqual([0.5, 0.5, 0.5]);
    expect(out[3]).toBe(EASE_UNMODELLED_SCORE);
    expect(easeRecommender.predict(model, data, 1, 0)).toBeCloseTo(0.5 + 4.5 * 0.5, 5); // u1 = rows 1 + 2 → 0.5, mapped onto [0.5, 5]
    expect(easeRecommender.recommend(model, data, 0, 5).map((r) => r.itemIdx)).toEqual([3]);
  });

  it('bounds the solve to the most-rated items (ties by index) and matches the 2 × 2 closed form', () => {
    const data = ratingMatrixFromDense(DENSE, [0.5, 5]);
    const model = fitEase(data, EaseConfig.parse({ lambda: 1, maxItems: 2 }));
    expect(Array.from(model.itemIdxs)).toEqual([1, 0]);
    // G = [[4,2],[2,3]] over (item 1, item 0); P = [[3,−2],[−2,4]]/8.
    expect(model.weights[0 * 2 + 1]).toBeCloseTo(0.5, 6); // item 1 → item 0: −P01/P11
    expect(model.weights[1 * 2 + 0]).toBeCloseTo(2 / 3, 6); // item 0 → item 1: −P10/P00
    const out = new Float32Array(4);
    scoreEaseHistory(model, [0], [5], out);
    expect(out[1]).toBeCloseTo(2 / 3, 6);
    expect(out[2]).toBe(EASE_UNMODELLED_SCORE);
    scoreEaseHistory(model, [0], [3], out); // under the threshold: no evidence
    expect(out[1]).toBe(0);
  });

  it('grades positives linearly from minWeight at the threshold to 1 at the top of the scale', () => {
    const data = ratingMatrixFromDense(DENSE, [0.5, 5]);
    const model = fitEase(data, EaseConfig.parse({ lambda: 1, maxItems: 2, minWeight: 0.5 }));
    // w(5) = 1, w(4) = 0.5 + 0.5·(0.5/1.5) = 2/3. Over (item 1, item 0): XᵀX = [[22/9, 12/9], [12/9, 13/9]],
    // + I → (1/9)[[31, 12], [12, 22]], P ∝ [[22, −12], [−12, 31]].
    expect(model.weights[0 * 2 + 1]).toBeCloseTo(12 / 31, 6); // item 1 → item 0: −P10/P11
    expect(model.weights[1 * 2 + 0]).toBeCloseTo(12 / 22, 6); // item 0 → item 1: −P01/P00
    const out = new Float32Array(4);
    scoreEaseHistory(model, [0], [4], out); // a 4 counts 2/3
    expect(out[1]).toBeCloseTo((2 / 3) * (12 / 22), 6);
  });

  it('adds the EDLAE penalty p/(1 − p)·diag(XᵀX) with dropout', () => {
    const data = ratingMatrixFromDense(DENSE, [0.5, 5]);
    const model = fitEase(data, EaseConfig.parse({ lambda: 1, maxItems: 2, dropout: 0.5 }));
    // XᵀX = [[3, 2], [2, 2]] over (item 1, item 0); Λ = I + 1·diag(3, 2) → [[7, 2], [2, 5]], P ∝ [[5, −2], [−2, 7]].
    expect(model.weights[0 * 2 + 1]).toBeCloseTo(2 / 7, 6);
    expect(model.weights[1 * 2 + 0]).toBeCloseTo(2 / 5, 6);
  });

  it('gives every item a zero self-weight, is deterministic, and excludes rated items', () => {
    const data = plantedRatings(40, 30, 0.3, 3);
    const config = EaseConfig.parse({ lambda: 5, threshold: 3 });
    const a = fitEase(data, config);
    const b = fitEase(data, config);
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
    for (let q = 0; q < a.n; q++) expect(a.weights[q * a.n + q]).toBe(0);
    for (let u = 0; u < 40; u++) {
      const rated = new Set(Array.from(data.byUser.indices.subarray(data.byUser.indptr[u], data.byUser.indptr[u + 1])));
      for (const r of easeRecommender.recommend(a, data, u, 8)) expect(rated.has(r.itemIdx)).toBe(false);
    }
  });
});

runRecommenderContract('ease', easeRecommender, EaseConfig.parse({ lambda: 20 }));
