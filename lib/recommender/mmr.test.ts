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
