import { describe, expect, it } from 'vitest';
import { createRng } from './rng';
import { createTopScratch, selectTop } from './select-top';

describe('selectTop', () => {
  it('returns what filtering positives, sorting (score desc, id asc) and slicing k returns, with ties and repeats', () => {
    const rng = createRng(5);
    for (let trial = 0; trial < 200; trial++) {
      const nScores = 1 + rng.int(60);
      // Few distinct values (many ties), some zero or negative.
      const scores = Float32Array.from({ length: nScores }, () => (rng.int(8) - 2) / 4);
      const n = rng.int(80);
      const ids = Int32Array.from({ length: n }, () => rng.int(nScores));
      const k = rng.int(12);
      const want = Array.from(ids)
        .filter((j) => scores[j] > 0)
        .sort((a, b) => scores[b] - scores[a] || a - b)
        .slice(0, k);
      const gotIds: number[] = [];
      const gotScores: number[] = [];
      const count = selectTop(ids, n, scores, k, createTopScratch(k), gotIds, gotScores);
      expect(gotIds).toEqual(want);
      expect(gotScores).toEqual(want.map((j) => scores[j]));
      expect(count).toBe(want.length);
    }
  });
});
