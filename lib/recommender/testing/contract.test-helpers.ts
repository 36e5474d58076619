/**
 * # testing/ — for tests only
 *
 * Holds: the contract suite every algorithm passes (this file), fixtures and data generators (hybrid-test-data.ts,
 * mf-test-data.ts), shared test helpers (mf-common.test-helpers.ts) and the model digest (model-digest.test-helpers.ts,
 * also used by scripts/eval/refactor-digest.ts).
 * May import: any wing. Imported by: tests and lab scripts only — eslint.config.js stops product code from importing
 * it.
 * Invariants: fixtures are invented or generated (never a real person's data) and deterministic for a seed.
 */
/**
 * The contract every algorithm passes (after implicit's RecommenderBaseTestMixin): right lengths,
 * no train / excluded items, candidates respected, finite scores, unknown users and items handled,
 * and the same output for the same seed. Call it from each model's test file:
 *
 *   runRecommenderContract('item-knn', itemKnnRecommender, { k: 10 });
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng';
import { buildRatingMatrix } from '../core/sparse';
import type { RatingMatrix, Recommender } from '../core/types';

/**
 * Seeded synthetic ratings: nUsers × nItems with two planted taste groups plus noise; each user
 * rates a random ~35% of the items (half-star values in [0.5, 5]). Raw ids are 101.. and 1001...
 */
export function contractData(seed = 1, nUsers = 40, nItems = 50): RatingMatrix {
  const rng = createRng(seed);
  const u: number[] = [];
  const i: number[] = [];
  const r: number[] = [];
  for (let a = 0; a < nUsers; a++) {
    for (let b = 0; b < nItems; b++) {
      if (rng.next() > 0.35) continue;
      const likes = a % 2 === b % 2;
      const raw = (likes ? 4 : 2) + (b % 5 === 0 ? 0.5 : 0) + rng.normal() * 0.6;
      u.push(101 + a);
      i.push(1001 + b);
      r.push(Math.min(5, Math.max(0.5, Math.round(raw * 2) / 2)));
    }
  }
  return buildRatingMatrix(
    { userIds: Int32Array.from(u), itemIds: Int32Array.from(i), ratings: Float32Array.from(r) },
    { scale: [0.5, 5] },
  );
}

export function runRecommenderContract<C, M>(name: string, recommender: Recommender<C, M>, config: C): void {
  describe(`${name} recommender contract`, () => {
    const data = contractData();
    const nItems = data.items.size;
    const model = recommender.fit(data, config);

    it('returns k items, best first, never a train item', () => {
      for (let u = 0; u < data.users.size; u++) {
        const rated = new Set(data.byUser.indices.subarray(data.byUser.indptr[u], data.byUser.indptr[u + 1]));
        const k = 10;
        const recs = recommender.recommend(model, data, u, k);
        expect(recs.length).toBe(Math.min(k, nItems - rated.size));
        for (let t = 0; t < recs.length; t++) {
          expect(rated.has(recs[t].itemIdx)).toBe(false);
          expect(Number.isFinite(recs[t].score)).toBe(true);
          if (t > 0) expect(recs[t].score).toBeLessThanOrEqual(recs[t - 1].score);
        }
        expect(new Set(recs.map((x) => x.itemIdx)).size).toBe(recs.length);
      }
    });

    it('never returns an excluded item and respects candidates', () => {
      const u = 3;
      const first = recommender.recommend(model, data, u, 5).map((x) => x.itemIdx);
      const exclude = new Set(first);
      const second = recommender.recommend(model, data, u, 5, { exclude });
      for (const x of second) expect(exclude.has(x.itemIdx)).toBe(false);
      const candidates = Int32Array.from({ length: nItems }, (_, k) => k).filter((k) => k % 3 === 0);
      const allowed = new Set(candidates);
      for (const x of recommender.recommend(model, data, u, 50, { candidates }))
        expect(allowed.has(x.itemIdx)).toBe(true);
    });

    it('scores every item with finite numbers and predicts within the scale', () => {
      const out = new Float32Array(nItems);
      for (const u of [0, 7, data.users.size - 1, -1]) {
        recommender.scoreItems(model, data, u, out);
        for (let i = 0; i < nItems; i++) expect(Number.isFinite(out[i])).toBe(true);
      }
      for (const [u, i] of [
        [0, 0],
        [5, 9],
        [-1, 3],
        [2, -1],
        [-1, -1],
      ]) {
        const p = recommender.predict(model, data, u, i);
        expect(Number.isFinite(p)).toBe(true);
        expect(p).toBeGreaterThanOrEqual(data.scale[0]);
        expect(p).toBeLessThanOrEqual(data.scale[1]);
      }
    });

    it('recommends to an unknown user (-1) without throwing', () => {
      const recs = recommender.recommend(model, data, -1, 5);
      expect(recs.length).toBe(5);
    });

    it('gives the same output for the same seed', () => {
      const again = recommender.fit(contractData(), config);
      for (const u of [0, 11, 23]) {
        expect(recommender.recommend(again, data, u, 10)).toEqual(recommender.recommend(model, data, u, 10));
        for (let i = 0; i < nItems; i += 7)
          expect(recommender.predict(again, data, u, i)).toBe(recommender.predict(model, data, u, i));
      }
    });
  });
}
