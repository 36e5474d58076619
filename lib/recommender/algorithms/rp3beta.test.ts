import { describe, expect, it } from 'vitest';
import { runRecommenderContract } from '../testing/contract.test-helpers';
import { fitRp3beta, rp3betaRecommender, scoreRp3beta } from './rp3beta';
import { getValue, ratingMatrixFromDense } from '../core/sparse';

// Positives (≥ 3.5): u0 {0,1}, u1 {1,2}, u2 {0,1,2}; u0's 2 on item 2 and u1's 1 on item 3 are not.
// deg(u) = 2, 2, 3; deg(i) = 2, 3, 2 (item 3: 0).
const DENSE = [
  [5, 4, 2, 0],
  [0, 5, 4, 1],
  [4, 5, 5, 0],
];

const w = (model: ReturnType<typeof fitRp3beta>, j: number, i: number) => getValue(model.reverseNeighbors, j, i) ?? 0;

describe('RP3beta', () => {
  it('matches the random-walk weights computed by hand (α = 1, β = 0: P³ without self-loops)', () => {
    const data = ratingMatrixFromDense(DENSE, [0.5, 5]);
    const model = fitRp3beta(data, { alpha: 1, beta: 0, k: 10, threshold: 3.5 });
    // W(j → i) = 1/deg(j) · Σ_{u rated both} 1/deg(u).
    expect(w(model, 0, 1)).toBeCloseTo((1 / 2) * (1 / 2 + 1 / 3), 6); // via u0, u2
    expect(w(model, 0, 2)).toBeCloseTo((1 / 2) * (1 / 3), 6); // via u2 (u0's 2 is not an interaction)
    expect(w(model, 1, 0)).toBeCloseTo((1 / 3) * (1 / 2 + 1 / 3), 6);
    expect(w(model, 1, 2)).toBeCloseTo((1 / 3) * (1 / 2 + 1 / 3), 6);
    expect(w(model, 2, 1)).toBeCloseTo((1 / 2) * (1 / 2 + 1 / 3), 6);
    // A transition matrix: each row plus its dropped self-loop sums to 1.
    const self0 = (1 / 2) * (1 / 2 + 1 / 3);
    expect(w(model, 0, 1) + w(model, 0, 2) + self0).toBeCloseTo(1, 6);
    // No self-loops, and nothing goes to or from item 3 (no positive).
    for (let j = 0; j < 4; j++) expect(w(model, j, j)).toBe(0);
    expect(model.reverseNeighbors.indptr[4] - model.reverseNeighbors.indptr[3]).toBe(0);
    // Each row in item order (a Csr: lookups bisect).
    const r = model.reverseNeighbors;
    for (let j = 0; j < 3; j++)
      for (let p = r.indptr[j] + 1; p < r.indptr[j + 1]; p++) expect(r.indices[p]).toBeGreaterThan(r.indices[p - 1]);
  });

  it('raises each transition to α and divides by deg(i)^β', () => {
    const data = ratingMatrixFromDense(DENSE, [0.5, 5]);
    const model = fitRp3beta(data, { alpha: 0.5, beta: 1, k: 10, threshold: 3.5 });
    const s = Math.SQRT1_2;
    const t = 1 / Math.sqrt(3);
    expect(w(model, 0, 1)).toBeCloseTo((s * (s + t)) / 3, 6);
    expect(w(model, 1, 2)).toBeCloseTo((t * (s + t)) / 2, 6);
    // The penalty moves weight away from the most popular destination (item 1, deg 3).
    const plain = fitRp3beta(data, { alpha: 0.5, beta: 0, k: 10, threshold: 3.5 });
    expect(w(model, 0, 1) / w(model, 0, 2)).toBeLessThan(w(plain, 0, 1) / w(plain, 0, 2));
  });

  it('keeps the k largest weights per source, and counts every rating as an interaction at threshold 0', () => {
    const data = ratingMatrixFromDense(DENSE, [0.5, 5]);
    const top1 = fitRp3beta(data, { alpha: 1, beta: 0, k: 1, threshold: 3.5 });
    expect(top1.reverseNeighbors.indptr[1]).toBe(1);
    expect(top1.reverseNeighbors.indices[0]).toBe(1); // 5/12 > 1/6
    const all = fitRp3beta(data, { alpha: 1, beta: 0, k: 10, threshold: 0 });
    // Item 3 (u1's 1) is now reachable: W(1 → 3) = 1/deg(1) · 1/deg(u1) = 1/3 · 1/3.
    expect(w(all, 1, 3)).toBeCloseTo(1 / 9, 6);
  });

  it('scores a user by the sum of the walk weights out of their interactions', () => {
    const data = ratingMatrixFromDense(DENSE, [0.5, 5]);
    const model = fitRp3beta(data, { alpha: 1, beta: 0, k: 10, threshold: 3.5 });
    const out = new Float32Array(4);
    scoreRp3beta(model, data, 0, out); // u0: items 0 and 1 (item 2's 2 does not count)
    expect(out[2]).toBeCloseTo(w(model, 0, 2) + w(model, 1, 2), 6);
    expect(out[3]).toBe(0);
    expect(rp3betaRecommender.recommend(model, data, 0, 5).map((r) => r.itemIdx)).toEqual([3]);
    scoreRp3beta(model, data, -1, out); // unknown user: nothing
    expect(Array.from(out)).toEqual([0, 0, 0, 0]);
  });
});

runRecommenderContract('rp3beta', rp3betaRecommender, { alpha: 0.5, beta: 0.5, k: 20, threshold: 3.5 });
