import { describe, expect, it } from 'vitest';
import { fitImplicitAls, ImplicitAlsConfig, implicitAlsRecommender } from '../algorithms/implicit-als';
import { plantedRatings } from '../testing/mf-test-data';
import { buildRatingMatrix, createVocabulary } from '../core/sparse';
import { itemsWithFactors, trainingScoringBases } from './training-scoring';
import type { FittedBase } from './types';

describe('trainingScoringBases', () => {
  // The planted set's 30 items as movie ids 3, 6, …, 90 in a catalogue of ids 1..100: 70 items nobody rated,
  // interleaved with the rated ones in the vocabulary.
  const planted = plantedRatings(25, 30, 0.4, 3);
  const u: number[] = [];
  const i: number[] = [];
  const r: number[] = [];
  for (let a = 0; a < planted.users.size; a++) {
    for (let p = planted.byUser.indptr[a]; p < planted.byUser.indptr[a + 1]; p++) {
      u.push(planted.users.ids[a]);
      i.push(planted.items.ids[planted.byUser.indices[p]] * 3);
      r.push(planted.byUser.values[p]);
    }
  }
  const rows = { userIds: Int32Array.from(u), itemIds: Int32Array.from(i), ratings: Float32Array.from(r) };
  const catalogue = Int32Array.from({ length: 100 }, (_, x) => x + 1);
  const items = createVocabulary(Int32Array.from([...rows.itemIds, ...catalogue]));
  const data = buildRatingMatrix(rows, { scale: [1, 5], items });
  const model = fitImplicitAls(data, ImplicitAlsConfig.parse({ factors: 4, iterations: 5, seed: 7 }));

  it('lists only items with positive ratings as having factors', () => {
    const listed = new Set(itemsWithFactors(model));
    for (let x = 0; x < data.items.size; x++) {
      const hasRatings = data.byItem.indptr[x + 1] > data.byItem.indptr[x];
      if (!hasRatings) expect(listed.has(x)).toBe(false);
    }
    expect(listed.size).toBeLessThan(data.items.size);
  });

  it('scores every item bit-identically to the ALS adapter, for every user and an unknown one', () => {
    const base: FittedBase = {
      name: 'implicit-als',
      group: 'collaborative',
      recommender: implicitAlsRecommender as FittedBase['recommender'],
      model,
    };
    const [fast] = trainingScoringBases([base]);
    expect(fast.recommender).not.toBe(base.recommender);
    const want = new Float32Array(data.items.size);
    const got = new Float32Array(data.items.size).fill(Number.NaN);
    for (let user = -1; user < data.users.size; user++) {
      implicitAlsRecommender.scoreItems(model, data, user, want);
      fast.recommender.scoreItems(model, data, user, got);
      expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer))).toBe(true);
    }
  });

  it('leaves other bases as they are', () => {
    const other: FittedBase = {
      name: 'x',
      group: 'popular',
      recommender: implicitAlsRecommender as FittedBase['recommender'],
      model: { kind: 'popularity' },
    };
    expect(trainingScoringBases([other])[0]).toBe(other);
  });
});
