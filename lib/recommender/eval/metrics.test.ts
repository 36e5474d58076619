import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mae, ndcgAtK, precisionAtK, RankingAccumulator, recallAtK, rmse } from './metrics';

describe('rating metrics', () => {
  it('computes RMSE and MAE by hand', () => {
    // errors 1, -2, 0, 1 → squares 1,4,0,1 → mean 1.5
    expect(rmse([4, 1, 3, 5], [3, 3, 3, 4])).toBeCloseTo(Math.sqrt(1.5), 12);
    expect(mae([4, 1, 3, 5], [3, 3, 3, 4])).toBeCloseTo(1, 12);
  });
  it('is 0 on identical arrays and rejects mismatched lengths', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 1 }),
        (x) => rmse(x, x) === 0 && mae(x, x) === 0,
      ),
    );
    expect(() => rmse([1], [1, 2])).toThrow(RangeError);
  });
});

describe('ranking metrics', () => {
  const relevant = new Set([2, 5, 9]);
  const ranked = [5, 1, 2, 7, 8, 3, 4, 6, 0, 11, 9];

  it('recall divides by min(K, #relevant)', () => {
    expect(recallAtK(ranked, relevant, 10)).toBeCloseTo(2 / 3, 12); // 5 and 2 in top 10
    expect(recallAtK(ranked, relevant, 2)).toBeCloseTo(1 / 2, 12); // one hit, min(2, 3) = 2
    expect(recallAtK(ranked, relevant, 20)).toBe(1);
  });

  it('precision@10 divides by 10', () => {
    expect(precisionAtK(ranked, relevant, 10)).toBeCloseTo(0.2, 12);
  });

  it('NDCG@10 uses binary gains and an ideal over min(10, #relevant)', () => {
    const dcg = 1 / Math.log2(2) + 1 / Math.log2(4); // hits at ranks 1 and 3
    const idcg = 1 + 1 / Math.log2(3) + 1 / Math.log2(4);
    expect(ndcgAtK(ranked, relevant, 10)).toBeCloseTo(dcg / idcg, 12);
    expect(ndcgAtK([2, 5, 9], relevant, 10)).toBeCloseTo(1, 12);
    expect(ndcgAtK([1, 3], relevant, 10)).toBe(0);
  });

  it('keeps precision, recall and NDCG within [0, 1]', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 50 }), { maxLength: 30 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 30 }),
        (list, rel) => {
          const s = new Set(rel);
          for (const v of [
            precisionAtK(list, s, 10),
            recallAtK(list, s, 10),
            recallAtK(list, s, 20),
            ndcgAtK(list, s, 10),
          ]) {
            if (!(v >= 0 && v <= 1)) return false;
          }
          return true;
        },
      ),
    );
  });

  it('averages over users and counts distinct top-10 items for coverage', () => {
    const acc = new RankingAccumulator(20);
    acc.add([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], new Set([0])); // recall 1, ndcg 1
    acc.add([0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12], new Set([15])); // nothing
    const m = acc.result();
    expect(m.users).toBe(2);
    expect(m['recall@10']).toBeCloseTo(0.5, 12);
    expect(m['ndcg@10']).toBeCloseTo(0.5, 12);
    expect(m['precision@10']).toBeCloseTo(0.05, 12);
    expect(m['coverage@10']).toBeCloseTo(11 / 20, 12); // items 0..9 and 11
  });
});

describe('RankingAccumulator.standardErrors', () => {
  it('is the sample sd of the per-user values over √users (by hand)', () => {
    const acc = new RankingAccumulator(10);
    // User A: relevant {0} at rank 1 → NDCG 1, Recall@20 1. User B: relevant {9} not in its list → 0, 0.
    acc.add([0, 1, 2], new Set([0]));
    acc.add([1, 2, 3], new Set([9]));
    // Values {1, 0}: sample sd √0.5, SE √0.5 / √2 = 0.5.
    expect(acc.standardErrors()['ndcg@10']).toBeCloseTo(0.5, 12);
    expect(acc.standardErrors()['recall@20']).toBeCloseTo(0.5, 12);
  });

  it('is 0 for fewer than two users and for identical users', () => {
    const acc = new RankingAccumulator(10);
    expect(acc.standardErrors()).toEqual({ 'ndcg@10': 0, 'recall@20': 0 });
    acc.add([0], new Set([0]));
    expect(acc.standardErrors()).toEqual({ 'ndcg@10': 0, 'recall@20': 0 });
    acc.add([0], new Set([0]));
    expect(acc.standardErrors()['ndcg@10']).toBeCloseTo(0, 12);
  });
});
