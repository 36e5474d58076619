import { describe, expect, it } from 'vitest';
import { intraListDiversity, mmrRerank, type ItemSimilarity } from './mmr';

// Toy example: items 0 and 1 are near-duplicates (sim 0.99), item 2 is unlike both.
const SIM: number[][] = [
  [1, 0.99, 0],
  [0.99, 1, 0.1],
  [0, 0.1, 1],
];
const sim: ItemSimilarity = (a, b) => SIM[a][b];
const CANDIDATES = [
  { itemIdx: 2, score: 0.5 },
  { itemIdx: 0, score: 1.0 },
  { itemIdx: 1, score: 0.95 },
];

describe('mmrRerank', () => {
  it('keeps the score order at λ = 1', () => {
    expect(mmrRerank(CANDIDATES, 3, 1, sim).map((c) => c.itemIdx)).toEqual([0, 1, 2]);
  });

  it('promotes the dissimilar item at λ = 0.5 (hand-computed)', () => {
    // rel after min–max: item0 1, item1 0.9, item2 0. After picking 0:
    // item1: 0.5·0.9 − 0.5·0.99 = −0.045; item2: 0.5·0 − 0.5·0 = 0 → item2 next.
    const out = mmrRerank(CANDIDATES, 3, 0.5, sim);
    expect(out.map((c) => c.itemIdx)).toEqual([0, 2, 1]);
    expect(out[1].score).toBe(0.5); // original scores are kept
  });

  it('still prefers relevance when the similarity penalty is small (λ = 0.9)', () => {
    // item1: 0.9·0.9 − 0.1·0.99 = 0.711 > item2: 0 − 0 = 0.
    expect(mmrRerank(CANDIDATES, 2, 0.9, sim).map((c) => c.itemIdx)).toEqual([0, 1]);
  });

  it('picks greedily: the first k of a longer list from the same pool are the list for k (pagination relies on it)', () => {
    // 40 candidates with pseudo-random scores and symmetric similarities.
    const r = (x: number) => (((Math.sin(x * 12.9898) * 43758.5453) % 1) + 1) % 1;
    const pool = Array.from({ length: 40 }, (_, i) => ({ itemIdx: i, score: r(i + 1) }));
    const s: ItemSimilarity = (a, b) => (a === b ? 1 : r(Math.min(a, b) * 41 + Math.max(a, b) + 1000));
    const ids = (k: number) => mmrRerank(pool, k, 0.6, s).map((c) => c.itemIdx);
    expect(ids(30).slice(0, 12)).toEqual(ids(12));
    expect(ids(24).slice(12, 24)).toEqual(ids(30).slice(12, 24));
  });

  it('depends on the pool: one more low-scored, dissimilar candidate can change the top picks', () => {
    // Item 3 (score 0, unlike every other) lowers the min–max floor and beats the near-duplicate item 1 at step 3.
    const SIM4 = [...SIM.map((row) => [...row, 0]), [0, 0, 0, 1]];
    const sim4: ItemSimilarity = (a, b) => SIM4[a][b];
    expect(mmrRerank(CANDIDATES, 3, 0.5, sim4).map((c) => c.itemIdx)).toEqual([0, 2, 1]);
    expect(mmrRerank([...CANDIDATES, { itemIdx: 3, score: 0 }], 3, 0.5, sim4).map((c) => c.itemIdx)).toEqual([0, 2, 3]);
  });

  it('returns at most k items and rejects λ outside [0, 1]', () => {
    expect(mmrRerank(CANDIDATES, 2, 0.3, sim)).toHaveLength(2);
    expect(mmrRerank([], 5, 0.3, sim)).toEqual([]);
    expect(() => mmrRerank(CANDIDATES, 2, 1.5, sim)).toThrow(RangeError);
  });
});

describe('intraListDiversity', () => {
  it('is the mean pairwise dissimilarity', () => {
    // pairs (0,1) 0.01, (0,2) 1, (1,2) 0.9 → 1.91 / 3
    expect(intraListDiversity([0, 1, 2], sim)).toBeCloseTo(1.91 / 3, 10);
    expect(intraListDiversity([0, 2], sim)).toBe(1);
    expect(intraListDiversity([0], sim)).toBe(0);
  });
});
