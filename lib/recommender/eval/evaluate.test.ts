import { describe, expect, it } from 'vitest';
import { carveTuningSplit, randomSplit, temporalSplit, type RatingRows } from '../core/holdout';
import { coldStartSlice, evaluateRanking, evaluateRating, relevantByUser, summariseFolds } from './evaluate';
import { globalMeanRecommender } from '../algorithms/global-mean';
import { popularityRecommender } from '../algorithms/popularity';

function rows(t: [number, number, number, number?][]): RatingRows {
  return {
    userIds: Int32Array.from(t.map((r) => r[0])),
    movieIds: Int32Array.from(t.map((r) => r[1])),
    ratings: Float32Array.from(t.map((r) => r[2])),
    timestamps: Float64Array.from(t.map((r) => r[3] ?? 0)),
  };
}

describe('evaluateRating', () => {
  it('predicts every test row, unknown users and items included', () => {
    const train = rows([
      [1, 10, 4],
      [2, 10, 2],
      [2, 20, 3],
    ]);
    const test = rows([
      [1, 20, 5],
      [9, 10, 1], // unknown user
      [1, 99, 3], // unknown item
    ]);
    const r = evaluateRating(globalMeanRecommender, {}, train, test, [0.5, 5]);
    expect(r.rows).toBe(3);
    expect(r.unknownRows).toBe(2);
    // μ = 3 for every row: errors 2, -2, 0
    expect(r.metrics.rmse).toBeCloseTo(Math.sqrt(8 / 3), 6);
    expect(r.metrics.mae).toBeCloseTo(4 / 3, 6);
  });
});

describe('evaluateRanking', () => {
  it('scores popularity on a tiny split by hand', () => {
    // Train popularity: item 10 (3 ratings) > 20 (2) > 30 (1); item 40 only in test.
    const train = rows([
      [1, 10, 5],
      [2, 10, 5],
      [3, 10, 5],
      [1, 20, 4],
      [2, 20, 4],
      [3, 30, 3],
    ]);
    const test = rows([
      [1, 30, 5], // user 1 can get 30 at rank 1 (10, 20 are own train items)
      [2, 40, 4], // relevant but test-only → cannot be hit
      [3, 20, 4], // user 3: candidates 20 only → hit at rank 1
      [3, 40, 2], // not relevant
      [4, 10, 3], // no relevant item → not evaluated
    ]);
    const r = evaluateRanking(popularityRecommender, {}, train, test);
    expect(r.metrics.users).toBe(3);
    expect(r.metrics['recall@10']).toBeCloseTo(2 / 3, 6);
    expect(r.metrics['ndcg@10']).toBeCloseTo(2 / 3, 6);
    expect(r.metrics['precision@10']).toBeCloseTo(2 / 30, 6);
    // top-10 lists: user1 [30], user2 [30], user3 [20] → 2 of 3 train items
    expect(r.metrics['coverage@10']).toBeCloseTo(2 / 3, 6);
  });
});

describe('coldStartSlice', () => {
  it('keeps the 5 earliest train ratings of every 5th evaluated user', () => {
    const t: [number, number, number, number][] = [];
    for (let u = 1; u <= 11; u++) for (let m = 1; m <= 8; m++) t.push([u, m, 3, 100 - m]); // later movieId = earlier time
    const test = rows(Array.from({ length: 11 }, (_, k) => [k + 1, 50, 5] as [number, number, number]));
    const { train, coldUsers } = coldStartSlice(rows(t), test);
    expect([...coldUsers]).toEqual([1, 6, 11]);
    const kept = (u: number) =>
      Array.from(train.movieIds.filter((_, r) => train.userIds[r] === u)).sort((a, b) => a - b);
    expect(kept(1)).toEqual([4, 5, 6, 7, 8]);
    expect(kept(2)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(train.ratings.length).toBe(11 * 8 - 3 * 3);
  });

  it('lists relevant items (≥ 4) per user in ascending user order', () => {
    const m = relevantByUser(
      rows([
        [5, 1, 4],
        [2, 3, 3.5],
        [2, 4, 4.5],
      ]),
    );
    expect([...m.entries()]).toEqual([
      [2, [4]],
      [5, [1]],
    ]);
  });
});

describe('summariseFolds', () => {
  it('gives mean and population std', () => {
    const s = summariseFolds([{ rmse: 1 }, { rmse: 3 }]);
    expect(s.mean.rmse).toBe(2);
    expect(s.std.rmse).toBe(1);
  });
});

describe('validation carving', () => {
  it('temporalSplit moves each user’s latest round(20%) ratings, ties by movieId', () => {
    const t: [number, number, number, number][] = [];
    for (let m = 1; m <= 10; m++) t.push([1, m, 3, m <= 8 ? m : 100]); // movies 9 and 10 share the latest time
    for (let m = 1; m <= 2; m++) t.push([2, m, 3, m]); // round(0.4) = 0 → nothing moves
    const { train, test } = temporalSplit(rows(t), 0.2);
    expect(Array.from(test.movieIds)).toEqual([9, 10]);
    expect(Array.from(test.userIds)).toEqual([1, 1]);
    expect(train.ratings.length).toBe(10);
  });

  it('randomSplit is seeded and partitions the rows', () => {
    const t = Array.from({ length: 200 }, (_, k) => [1 + (k % 7), k, 3] as [number, number, number]);
    const a = randomSplit(rows(t), 0.1, 7);
    const b = randomSplit(rows(t), 0.1, 7);
    expect(Array.from(a.test.movieIds)).toEqual(Array.from(b.test.movieIds));
    expect(a.train.ratings.length + a.test.ratings.length).toBe(200);
    expect(a.test.ratings.length).toBeGreaterThan(5);
    expect(carveTuningSplit(rows(t), 'rating').test.ratings.length).toBe(a.test.ratings.length);
  });
});
