import { describe, expect, it } from 'vitest';
import { scoreContentUser } from './algorithms/content-tfidf';
import { contentContributions, explainHybrid } from './explain';
import { fitHybrid } from './hybrid/fit';
import { recommendHybrid } from './hybrid/score';
import { type HybridModel } from './hybrid/types';
import { genreWorld } from './testing/hybrid-test-data';
import { itemKnnRecommender, scoreItemKnn, type ItemKnnModel } from './algorithms/item-knn';
import { easeRecommender, scoreEaseHistory, type EaseModel } from './algorithms/ease';
import { popularityRecommender } from './algorithms/popularity';
import { rp3betaRecommender, scoreRp3beta, type Rp3betaModel } from './algorithms/rp3beta';
import { buildRatingMatrix } from './core/sparse';
import type { Recommender } from './core/types';

const R = (r: unknown) => r as Recommender<unknown, unknown>;
const world = genreWorld(60, 36, 5, 0.7);
const data = buildRatingMatrix({ userIds: world.userIds, itemIds: world.movieIds, ratings: world.ratings });
const fitted = fitHybrid(data, {
  seed: 1,
  tasks: ['ranking'],
  rankingBases: [
    { name: 'item-knn', recommender: R(itemKnnRecommender), config: { k: 10, metric: 'cosine', shrinkage: 0 } },
    { name: 'popularity', recommender: R(popularityRecommender), config: {}, group: 'popular' },
    { name: 'ease', recommender: R(easeRecommender), config: { lambda: 10 } },
    { name: 'rp3beta', recommender: R(rp3betaRecommender), config: { alpha: 0.5, beta: 0.5, k: 20, threshold: 3.5 } },
  ],
  content: { docs: world.docs, minDf: 1 },
});

/** The fitted model with the warm blend replaced by one feature of weight 1. */
function only(feature: string): HybridModel {
  const w = new Float32Array(fitted.rankFeatures.length);
  w[fitted.rankFeatures.indexOf(feature)] = 1;
  return { ...fitted, warm: { ...fitted.warm!, w }, cold: { ...fitted.cold!, w } };
}

/** Item-kNN score of `item` for user u with rated movie j left out (same model, same vocabularies). */
function knnScoreWithout(model: ItemKnnModel, u: number, j: number, item: number): number {
  const keep: number[] = [];
  for (let r = 0; r < world.userIds.length; r++) {
    if (data.users.index(world.userIds[r]) === u && data.items.index(world.movieIds[r]) === j) continue;
    keep.push(r);
  }
  const reduced = buildRatingMatrix(
    {
      userIds: Int32Array.from(keep, (r) => world.userIds[r]),
      itemIds: Int32Array.from(keep, (r) => world.movieIds[r]),
      ratings: Float32Array.from(keep, (r) => world.ratings[r]),
    },
    { users: data.users, items: data.items },
  );
  const out = new Float32Array(data.items.size);
  scoreItemKnn(model, reduced, u, out);
  return out[item];
}

describe('explainHybrid', () => {
  it('names the rated movie whose removal lowers the item-kNN score the most', () => {
    const model = only('item-knn');
    const knn = model.rankingBases[0].model as ItemKnnModel;
    for (const userId of [4, 17, 30]) {
      const u = data.users.index(userId)!;
      const [pick] = recommendHybrid(model, data, u, 1);
      const why = explainHybrid(model, data, u, pick.itemIdx);
      expect(['liked-movie', 'rated-movie']).toContain(why.kind);
      expect(why.source).toBe('collaborative');
      const full = new Float32Array(data.items.size);
      scoreItemKnn(knn, data, u, full);
      let best = -1;
      let bestDrop = -Infinity;
      for (let p = data.byUser.indptr[u]; p < data.byUser.indptr[u + 1]; p++) {
        const j = data.byUser.indices[p];
        const drop = full[pick.itemIdx] - knnScoreWithout(knn, u, j, pick.itemIdx);
        if (drop > bestDrop + 1e-6) {
          bestDrop = drop;
          best = j;
        }
      }
      expect(why.movieIdx).toBe(best);
      expect(why.weight).toBeCloseTo(bestDrop, 4);
      const rating = data.byUser.values[data.byUser.indptr[u] + Array.from(data.byUser.indices.subarray(data.byUser.indptr[u], data.byUser.indptr[u + 1])).indexOf(best)];
      const mean = data.byUser.values.subarray(data.byUser.indptr[u], data.byUser.indptr[u + 1]).reduce((s, x) => s + x, 0) / (data.byUser.indptr[u + 1] - data.byUser.indptr[u]);
      expect(why.kind).toBe(rating >= mean ? 'liked-movie' : 'rated-movie');
    }
  });

  it('names the liked movie whose removal lowers the EASE score the most', () => {
    const model = only('ease');
    const ease = model.rankingBases[2].model as EaseModel;
    const u = data.users.index(21)!;
    const [pick] = recommendHybrid(model, data, u, 1);
    const why = explainHybrid(model, data, u, pick.itemIdx);
    expect(why.kind).toBe('liked-movie');
    const a = data.byUser.indptr[u];
    const b = data.byUser.indptr[u + 1];
    const items = Array.from(data.byUser.indices.subarray(a, b));
    const ratings = Array.from(data.byUser.values.subarray(a, b));
    const score = (skip: number) => {
      const out = new Float32Array(data.items.size);
      scoreEaseHistory(ease, items.filter((_, t) => t !== skip), ratings.filter((_, t) => t !== skip), out);
      return out[pick.itemIdx];
    };
    const full = score(-1);
    const drops = items.map((_, t) => full - score(t));
    const best = drops.indexOf(Math.max(...drops));
    expect(why.movieIdx).toBe(items[best]);
    expect(why.weight).toBeCloseTo(drops[best], 4);
  });

  it('names the liked movie whose removal lowers the RP3beta score the most', () => {
    const model = only('rp3beta');
    const rp3 = model.rankingBases[3].model as Rp3betaModel;
    const u = data.users.index(9)!;
    const [pick] = recommendHybrid(model, data, u, 1);
    const why = explainHybrid(model, data, u, pick.itemIdx);
    expect(why.source).toBe('collaborative');
    const a = data.byUser.indptr[u];
    const b = data.byUser.indptr[u + 1];
    const score = (skip: number) => {
      const keep = Array.from({ length: b - a }, (_, t) => t).filter((t) => t !== skip);
      const one = buildRatingMatrix(
        { userIds: Int32Array.from(keep, () => 1), itemIds: Int32Array.from(keep, (t) => data.items.ids[data.byUser.indices[a + t]]), ratings: Float32Array.from(keep, (t) => data.byUser.values[a + t]) },
        { items: data.items },
      );
      const out = new Float32Array(data.items.size);
      scoreRp3beta(rp3, one, 0, out);
      return out[pick.itemIdx];
    };
    const full = score(-1);
    const drops = Array.from({ length: b - a }, (_, t) => full - score(t));
    const best = drops.indexOf(Math.max(...drops));
    expect(drops[best]).toBeGreaterThan(0);
    expect(why.movieIdx).toBe(data.byUser.indices[a + best]);
    expect(why.weight).toBeCloseTo(drops[best], 5);
  });

  it('decomposes the content score exactly and names its largest term', () => {
    const model = only('content');
    const u = data.users.index(8)!;
    const [pick] = recommendHybrid(model, data, u, 1);
    const cc = contentContributions(model, data, u, pick.itemIdx)!;
    const cos = new Float32Array(data.items.size);
    scoreContentUser(model.content!, data, u, cos);
    const sumMovies = cc.byMovie.reduce((s, x) => s + x, 0);
    const sumFeatures = [...cc.byFeature.values()].reduce((s, x) => s + x, 0);
    expect(sumMovies).toBeCloseTo(cos[pick.itemIdx], 5);
    expect(sumFeatures).toBeCloseTo(cos[pick.itemIdx], 5);
    const why = explainHybrid(model, data, u, pick.itemIdx);
    expect(why.source).toBe('content');
    if (why.kind === 'shared-feature') {
      const f = model.content!.index.features.indexOf(why.feature!);
      expect(why.weight).toBeCloseTo(cc.byFeature.get(f)!, 6);
      for (const v of cc.byFeature.values()) expect(why.weight).toBeGreaterThanOrEqual(v - 1e-9);
      expect(why.weight).toBeGreaterThanOrEqual(Math.max(...cc.byMovie) - 1e-9);
      // The world's genre/director/theme features are shared with the loved genre.
      expect(why.feature).toMatch(/^(g|d|k):/);
    } else {
      expect(why.kind).toBe('liked-movie');
      const p = data.byUser.indptr[u] + cc.byMovie.indexOf(Math.max(...cc.byMovie));
      expect(why.movieIdx).toBe(data.byUser.indices[p]);
    }
  });

  it('falls back to popularity for users without ratings', () => {
    const [pick] = recommendHybrid(fitted, data, -1, 1);
    const why = explainHybrid(fitted, data, -1, pick.itemIdx);
    expect(why.kind).toBe('popular');
    expect(why.source).toBe('popular');
  });
});
