import { describe, expect, it } from 'vitest';
import { csrFromDense, buildRatingMatrix } from './sparse';
import {
  baseScores,
  contentNeighbours,
  predictRating,
  scoreUser,
  topContribution,
  topN,
  trainServingModel,
  type ServingModel,
} from './serving';
import type { ContentDoc } from './content-tfidf';

/** Two taste groups: items 0..9 "alpha", 10..19 "beta"; even users love alpha, odd users love beta. */
function planted(nUsers = 60) {
  const u: number[] = [];
  const i: number[] = [];
  const r: number[] = [];
  for (let user = 0; user < nUsers; user++) {
    for (let j = 0; j < 12; j++) {
      const item = (user * 7 + j * 3) % 20;
      const likes = (item < 10) === (user % 2 === 0);
      u.push(user + 1);
      i.push(item + 100);
      r.push(likes ? 4.5 + (j % 2) * 0.5 : 1 + (j % 3) * 0.5);
    }
  }
  const data = buildRatingMatrix({ userIds: Int32Array.from(u), itemIds: Int32Array.from(i), ratings: Float32Array.from(r) }, { scale: [0.5, 5] });
  const docs: ContentDoc[] = Array.from({ length: 20 }, (_, x) => ({
    itemId: x + 100,
    fields: { g: [x < 10 ? 'Alpha' : 'Beta'], d: [x < 10 ? `Director ${x % 3}` : `Other ${x % 3}`] },
  }));
  return { data, docs };
}

describe('contentNeighbours', () => {
  it('ranks items by cosine of their vectors, best first, never the item itself', () => {
    // Unit rows: 0·1 = 0.8, 0·2 = 0.6, 1·2 = 0.
    const X = csrFromDense([
      [0.6, 0.8, 0],
      [0, 1, 0],
      [1, 0, 0],
    ]);
    const t = contentNeighbours(X, 5);
    expect(Array.from(t.indices.subarray(t.indptr[0], t.indptr[1]))).toEqual([1, 2]);
    expect(Array.from(t.sims.subarray(t.indptr[0], t.indptr[1]))).toEqual([expect.closeTo(0.8, 6), expect.closeTo(0.6, 6)]);
    expect(Array.from(t.indices.subarray(t.indptr[1], t.indptr[2]))).toEqual([0]);
  });
});

describe('topN', () => {
  it('returns the highest scores in order and skips excluded items', () => {
    expect(topN(Float32Array.of(0.1, 0.9, 0.5, 0.7), [1], 2)).toEqual([3, 2]);
  });
});

describe('trainServingModel', () => {
  it('learns a blend that puts a folded-in user’s taste first, and stays deterministic', async () => {
    const { data, docs } = planted();
    const a = await trainServingModel(data, docs, { als: { factors: 8, iterations: 8 } });
    const b = await trainServingModel(data, docs, { als: { factors: 8, iterations: 8 } });
    expect(Array.from(a.model.itemFactors)).toEqual(Array.from(b.model.itemFactors));
    expect(Array.from(a.model.warmWeights)).toEqual(Array.from(b.model.warmWeights));
    expect(a.metrics['ndcg@10']).toBeGreaterThan(0);
    // Cold users always keep a content share (product rule), so one rating steers the feed.
    expect(a.model.coldWeights[2]).toBeGreaterThan(0);
    const idx = (id: number) => data.items.index(id)!;
    const user = { itemIdx: Int32Array.of(idx(100), idx(101), idx(102), idx(110)), values: Float32Array.of(5, 5, 4.5, 1) };
    const scores = new Float32Array(data.items.size);
    scoreUser(a.model, user, scores);
    const top = topN(scores, user.itemIdx, 5).map((i) => data.items.ids[i]);
    expect(top.filter((id) => id < 110).length).toBeGreaterThanOrEqual(4);
  });

  it('gives a one-rating user picks from the rated movie’s content group', async () => {
    const { data, docs } = planted();
    const { model } = await trainServingModel(data, docs, { als: { factors: 8, iterations: 8 } });
    const user = { itemIdx: Int32Array.of(data.items.index(113)!), values: Float32Array.of(5) };
    const scores = new Float32Array(data.items.size);
    scoreUser(model, user, scores);
    const top = topN(scores, user.itemIdx, 5).map((i) => data.items.ids[i]);
    expect(top.filter((id) => id >= 110).length).toBeGreaterThanOrEqual(3);
  });
});

describe('explanations and predictions', () => {
  /** A 3-item model where only kNN carries weight: item 2's neighbours are 0 (sim 0.9) and 1 (sim 0.3). */
  function tiny(): ServingModel {
    return {
      itemIds: Int32Array.of(10, 11, 12),
      userIds: Int32Array.of(1),
      k: 1,
      itemFactors: Float32Array.of(0, 0, 0),
      userFactors: Float32Array.of(0),
      itemGram: Float64Array.of(0),
      alsParams: Float32Array.of(0.1, 1, 3.5),
      knn: { indptr: Int32Array.of(0, 1, 2, 4), indices: Int32Array.of(2, 2, 0, 1), sims: Float32Array.of(0.9, 0.3, 0.9, 0.3) },
      content: { indptr: Int32Array.of(0, 0, 0, 0), indices: new Int32Array(0), sims: new Float32Array(0) },
      popularity: Float32Array.of(0, 0, 0),
      globalMean: 3,
      itemBias: Float32Array.of(0.5, -0.5, 0),
      warmWeights: Float32Array.of(0, 1, 0, 0),
      coldWeights: Float32Array.of(0, 1, 0, 0),
      coldThreshold: 5,
    };
  }

  it('names the rated movie that contributed most as the reason', () => {
    const model = tiny();
    const user = { itemIdx: Int32Array.of(0, 1), values: Float32Array.of(5, 5) };
    const c = topContribution(model, user, baseScores(model, user), 2);
    expect(c.base).toBe('knn');
    expect(c.fromItemIdx).toBe(0); // 0.9·(5 − mean) beats 0.3·(5 − mean)
  });

  it('predicts baseline plus the neighbours’ residuals, clipped to the scale', () => {
    const model = tiny();
    // b_u = Σ(r − μ − b_j)/(n + 10) = ((5−3−0.5) + (5−3+0.5)) / 12 = 1/3.
    // residuals: item0 5 − (3 + 1/3 + 0.5) = 7/6, item1 5 − (3 + 1/3 − 0.5) = 13/6.
    // pred = 3 + 1/3 + 0 + (0.9·7/6 + 0.3·13/6) / (1.2 + 1)
    const user = { itemIdx: Int32Array.of(0, 1), values: Float32Array.of(5, 5) };
    const expected = 3 + 1 / 3 + (0.9 * (7 / 6) + 0.3 * (13 / 6)) / 2.2;
    expect(predictRating(model, user, 2)).toBeCloseTo(expected, 5);
    const high = { itemIdx: Int32Array.of(0, 1), values: Float32Array.of(5, 5) };
    model.itemBias[2] = 10;
    expect(predictRating(model, high, 2)).toBe(5);
  });
});
