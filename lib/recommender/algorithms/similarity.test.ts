import { describe, expect, it } from 'vitest';
import {
  centreByColumnMean,
  computeSimilarities,
  similarityOf,
  similarityWorkerStats,
  truncateRows,
} from './similarity';
import { topKPositions } from '../core/select-top';
import { csrFromDense, transpose } from '../core/sparse';
import type { Csr } from '../core/types';

// 4 users × 5 items; 0 = not rated.
const R = [
  [5, 3, 0, 1, 4],
  [4, 0, 0, 1, 5],
  [1, 1, 0, 5, 2],
  [0, 1, 5, 4, 0],
];

/** Items × users CSR for item–item similarities. */
function itemRows(values?: (m: Csr) => Float32Array): Csr {
  const byItem = transpose(csrFromDense(R));
  return values ? { ...byItem, values: values(byItem) } : byItem;
}

const opts = { kernel: 'cosine' as const, shrinkage: 0, minSupport: 1, maxNeighbors: 0 };

describe('item–item similarities on a 4×5 matrix (hand-computed)', () => {
  it('cosine over co-rating users', () => {
    const rows = itemRows();
    const s = computeSimilarities(rows, transpose(rows), opts);
    // items 0 and 1: common users 0, 2 → (5·3 + 1·1) / √((25+1)(9+1)) = 16/√260
    expect(similarityOf(s, 0, 1)).toBeCloseTo(16 / Math.sqrt(260), 6);
    // items 0 and 4: users 0,1,2 → (20+20+2)/√((25+16+1)(16+25+4)) = 42/√1890
    expect(similarityOf(s, 0, 4)).toBeCloseTo(42 / Math.sqrt(1890), 6);
    // items 2 and 3: user 3 only → 20/√(25·16) = 1
    expect(similarityOf(s, 2, 3)).toBeCloseTo(1, 6);
    // item 2 and item 0 share no user
    expect(similarityOf(s, 2, 0)).toBe(0);
    // symmetric
    expect(similarityOf(s, 1, 0)).toBeCloseTo(similarityOf(s, 0, 1), 7);
  });

  it('adjusted cosine centres on each user mean', () => {
    // user means: u0 = 13/4, u1 = 10/3, u2 = 9/4, u3 = 10/3
    const rows = itemRows(centreByColumnMean);
    const s = computeSimilarities(rows, transpose(rows), opts);
    // items 0 and 4 over users 0,1,2:
    const x = [5 - 13 / 4, 4 - 10 / 3, 1 - 9 / 4];
    const y = [4 - 13 / 4, 5 - 10 / 3, 2 - 9 / 4];
    const dot = x[0] * y[0] + x[1] * y[1] + x[2] * y[2];
    const expected = dot / Math.sqrt((x[0] ** 2 + x[1] ** 2 + x[2] ** 2) * (y[0] ** 2 + y[1] ** 2 + y[2] ** 2));
    expect(similarityOf(s, 0, 4)).toBeCloseTo(expected, 5);
    // items 0 and 3 are anti-correlated after centring → negative → not stored
    expect(similarityOf(s, 0, 3)).toBe(0);
  });

  it('pearson uses means over the common support', () => {
    const rows = itemRows();
    const s = computeSimilarities(rows, transpose(rows), { ...opts, kernel: 'pearson' });
    // items 0 and 4, users 0,1,2: x = 5,4,1 (mean 10/3), y = 4,5,2 (mean 11/3)
    const dx = [5 / 3, 2 / 3, -7 / 3];
    const dy = [1 / 3, 4 / 3, -5 / 3];
    const num = dx[0] * dy[0] + dx[1] * dy[1] + dx[2] * dy[2]; // 5/9 + 8/9 + 35/9 = 48/9
    const den = Math.sqrt((25 / 9 + 4 / 9 + 49 / 9) * (1 / 9 + 16 / 9 + 25 / 9)); // √(78/9 · 42/9)
    expect(similarityOf(s, 0, 4)).toBeCloseTo(num / den, 5);
    // items 1 and 3, users 0,2,3: x = 3,1,1; y = 1,5,4 → negative correlation, dropped
    expect(similarityOf(s, 1, 3)).toBe(0);
  });

  it('applies shrinkage n/(n + λ) and minimum support', () => {
    const rows = itemRows();
    const plain = computeSimilarities(rows, transpose(rows), opts);
    const shrunk = computeSimilarities(rows, transpose(rows), { ...opts, shrinkage: 3 });
    expect(similarityOf(shrunk, 0, 4)).toBeCloseTo(similarityOf(plain, 0, 4) * (3 / 6), 6);
    const supported = computeSimilarities(rows, transpose(rows), { ...opts, minSupport: 3 });
    expect(similarityOf(supported, 0, 4)).toBeGreaterThan(0); // 3 common users
    expect(similarityOf(supported, 0, 1)).toBe(0); // only 2
  });

  it('stores sorted, symmetric rows without the diagonal', () => {
    const rows = itemRows();
    const s = computeSimilarities(rows, transpose(rows), opts);
    for (let a = 0; a < s.nRows; a++) {
      for (let p = s.indptr[a]; p < s.indptr[a + 1]; p++) {
        expect(s.indices[p]).not.toBe(a);
        if (p > s.indptr[a]) expect(s.indices[p]).toBeGreaterThan(s.indices[p - 1]);
        expect(similarityOf(s, s.indices[p], a)).toBe(s.values[p]);
      }
    }
  });

  it('keeps the k most similar per row when truncating', () => {
    const m = csrFromDense([[0, 0.5, 0.9, 0.1, 0.7]]);
    const t = truncateRows(m, 2);
    expect(Array.from(t.indices)).toEqual([2, 4]);
    expect(Array.from(topKPositions(m.values, m.indices, 0, 4, 3))).toEqual([1, 3, 0]);
  });
});

describe('two-thread similarity pass', () => {
  it('gives exactly the single-thread result', async () => {
    const { contractData } = await import('../testing/contract.test-helpers');
    const data = contractData(11, 120, 90);
    const before = similarityWorkerStats();
    for (const kernel of ['cosine', 'pearson'] as const) {
      const rows = data.byItem;
      const one = computeSimilarities(rows, transpose(rows), { ...opts, kernel, threads: 1 });
      const two = computeSimilarities(rows, transpose(rows), { ...opts, kernel, threads: 2, parallelThreshold: 0 });
      expect(Array.from(two.indptr)).toEqual(Array.from(one.indptr));
      expect(Array.from(two.indices)).toEqual(Array.from(one.indices));
      expect(Array.from(two.values)).toEqual(Array.from(one.values));
      expect(one.indptr[one.nRows]).toBeGreaterThan(1000);
    }
    const after = similarityWorkerStats();
    expect(after.runs - before.runs).toBe(2); // the worker really ran, no silent fallback
    expect(after.fallbacks).toBe(before.fallbacks);
  });
});
