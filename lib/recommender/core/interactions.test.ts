import { describe, expect, it } from 'vitest';
import { fitEase, easeRecommender, EaseConfig } from '../algorithms/ease';
import { implicitAlsRecommender, ImplicitAlsConfig } from '../algorithms/implicit-als';
import { BiasedMfConfig, biasedMfRecommender } from '../algorithms/biased-mf';
import { itemKnnRecommender } from '../algorithms/item-knn';
import { popularityRecommender } from '../algorithms/popularity';
import {
  attachImplicit,
  idsWithImplicit,
  type ImplicitRows,
  implicitRowOf,
  interactionView,
  LIKE,
  simulateImplicit,
  WATCH,
  WATCHLIST,
} from './interactions';
import { carveBlendValidation, type RatingRows } from './holdout';
import { buildRatingMatrix, createVocabulary } from './sparse';
import type { RatingMatrix, Recommender } from './types';

function rows(triples: [number, number, number, number?][]): RatingRows {
  return {
    userIds: Int32Array.from(triples, (t) => t[0]),
    movieIds: Int32Array.from(triples, (t) => t[1]),
    ratings: Float32Array.from(triples, (t) => t[2]),
    timestamps: Float64Array.from(triples, (t, x) => t[3] ?? x),
  };
}

function implicitRows(list: [number, number, number][]): ImplicitRows {
  return {
    userIds: Int32Array.from(list, (t) => t[0]),
    movieIds: Int32Array.from(list, (t) => t[1]),
    kinds: Uint8Array.from(list, (t) => t[2]),
  };
}

/** 40 users over 30 movies, seeded, ratings on the half-star scale. */
function synthetic(seed = 1): RatingRows {
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const t: [number, number, number, number][] = [];
  for (let u = 1; u <= 40; u++) {
    for (let i = 1; i <= 30; i++) if (rnd() < 0.4) t.push([u, i, Math.ceil(rnd() * 10) / 2, u * 100 + i]);
  }
  return rows(t);
}

const toMatrix = (r: RatingRows) =>
  buildRatingMatrix({ userIds: r.userIds, itemIds: r.movieIds, ratings: r.ratings }, { scale: [0.5, 5] });

/** Ratings matrix with vocabularies covering the implicit rows, and the rows attached with `weights`. */
function withImplicit(r: RatingRows, imp: ImplicitRows, weights = { watch: 1, like: 2, watchlist: 0 }) {
  const ids = idsWithImplicit(r, imp);
  const data = buildRatingMatrix(
    { userIds: r.userIds, itemIds: r.movieIds, ratings: r.ratings },
    { scale: [0.5, 5], users: createVocabulary(ids.userIds), items: createVocabulary(ids.movieIds) },
  );
  return attachImplicit(data, imp, weights);
}

describe('attachImplicit and interactionView', () => {
  it('returns the matrix itself when there are no implicit rows, so a ratings-only fit is unchanged', () => {
    const data = toMatrix(synthetic());
    expect(attachImplicit(data, null)).toBe(data);
    expect(attachImplicit(data, implicitRows([]))).toBe(data);
    expect(attachImplicit(data, implicitRows([[1, 2, WATCH]]), { watch: -1, like: -1, watchlist: -1 })).toBe(data);
    expect(interactionView(data)).toBe(data);
  });

  it('gives each kind its own weight, keeps the strongest per pair, and lets a rating win over all of them', () => {
    const data = withImplicit(
      rows([[1, 10, 2]]),
      implicitRows([
        [1, 10, LIKE],
        [1, 20, WATCH],
        [1, 30, WATCH],
        [1, 30, LIKE],
        [1, 40, WATCHLIST],
      ]),
      { watch: 0.5, like: 2, watchlist: 0 },
    );
    const part = data.implicit!;
    const got = new Map(Array.from(part.byUser.indices, (i, p) => [data.items.ids[i], part.byUser.values[p]]));
    expect(got.get(10)).toBeUndefined(); // rated: the rating, not the like
    expect(got.get(20)).toBe(0.5);
    expect(got.get(30)).toBe(2); // watched and liked → one entry with the like's weight
    expect(got.get(40)).toBe(0); // seen only
    // The ratings themselves are untouched: one row, value 2, global mean 2.
    expect(Array.from(data.byUser.values)).toEqual([2]);
    expect(data.globalMean).toBe(2);
    const view = interactionView(data);
    expect(view.byUser.indices.length).toBe(4);
    expect(interactionView(data)).toBe(view); // built once
    expect(view.implicit).toBeUndefined();
    // Positives read as the top of the scale with their confidence; "seen" below every threshold; the rating as is.
    const byMovie = new Map(
      Array.from(view.byUser.indices, (i, p) => [data.items.ids[i], [view.byUser.values[p], view.confidence![p]]]),
    );
    expect(byMovie.get(10)).toEqual([2, 1]);
    expect(byMovie.get(20)).toEqual([5, 0.5]);
    expect(byMovie.get(30)).toEqual([5, 2]);
    expect(byMovie.get(40)![0]).toBeLessThan(0.5);
  });

  it('never recommends a watched, liked or listed movie back', () => {
    const r = synthetic(5);
    const seen = [...new Set(Array.from(r.movieIds))].filter(
      (m) => !Array.from(r.userIds.keys()).some((x) => r.userIds[x] === 1 && r.movieIds[x] === m),
    );
    const imp = implicitRows([
      [1, seen[0], WATCH],
      [1, seen[1], LIKE],
      [1, seen[2], WATCHLIST],
    ]);
    const data = withImplicit(r, imp);
    const u = data.users.index(1)!;
    const banned = new Set([seen[0], seen[1], seen[2]].map((m) => data.items.index(m)!));
    const cases: [Recommender<unknown, unknown>, unknown][] = [
      [easeRecommender as Recommender<unknown, unknown>, EaseConfig.parse({ lambda: 10 })],
      [popularityRecommender as Recommender<unknown, unknown>, {}],
      [itemKnnRecommender as Recommender<unknown, unknown>, { k: 10 }],
    ];
    for (const [rec, cfg] of cases) {
      const model = rec.fit(data, cfg);
      const top = rec.recommend(model, data, u, data.items.size).map((x) => x.itemIdx);
      for (const i of banned) expect(top).not.toContain(i);
    }
  });
});

describe('routing: implicit rows reach the implicit models only', () => {
  const base = synthetic(3);
  // Member 1 likes movie 30 and watched 29, which they have not rated; member 2 likes 30 too.
  const keep = Array.from(base.userIds.keys()).filter(
    (x) => !([1, 2].includes(base.userIds[x]) && [29, 30].includes(base.movieIds[x])),
  );
  const plain: RatingRows = {
    userIds: Int32Array.from(keep, (x) => base.userIds[x]),
    movieIds: Int32Array.from(keep, (x) => base.movieIds[x]),
    ratings: Float32Array.from(keep, (x) => base.ratings[x]),
  };
  const imp = implicitRows([
    [1, 30, LIKE],
    [1, 29, WATCH],
    [2, 30, LIKE],
  ]);
  const without = withImplicit(plain, implicitRows([]));
  const withRows = withImplicit(plain, imp);

  it('leaves every rating model bit for bit unchanged (biases, biased MF, item-kNN, content-free baselines)', () => {
    expect(withRows.users.ids).toEqual(without.users.ids);
    expect(withRows.items.ids).toEqual(without.items.ids);
    const cases: [Recommender<unknown, unknown>, unknown][] = [
      [biasedMfRecommender as Recommender<unknown, unknown>, BiasedMfConfig.parse({ factors: 4, epochs: 5, seed: 3 })],
      [itemKnnRecommender as Recommender<unknown, unknown>, { k: 10 }],
      [popularityRecommender as Recommender<unknown, unknown>, {}],
    ];
    for (const [rec, cfg] of cases) {
      const a = rec.fit(without, cfg);
      const b = rec.fit(withRows, cfg);
      for (let u = 0; u < without.users.size; u++)
        for (let i = 0; i < without.items.size; i++)
          expect(rec.predict(b, withRows, u, i)).toBe(rec.predict(a, without, u, i));
    }
  });

  it('a like raises the item’s implicit ALS confidence and EASE score: the liked item scores higher with it', () => {
    const u = without.users.index(1)!;
    const i = without.items.index(30)!;
    const cfg = ImplicitAlsConfig.parse({ factors: 8, iterations: 10, reg: 0.1, seed: 5 });
    const als = (d: RatingMatrix) => {
      const out = new Float32Array(d.items.size);
      implicitAlsRecommender.scoreItems(implicitAlsRecommender.fit(d, cfg), d, u, out);
      return out[i];
    };
    expect(als(withRows)).toBeGreaterThan(als(without));
    // EASE: member 3's score of 30 moves because 30 co-occurs with more positives once the likes count.
    const ease = EaseConfig.parse({ lambda: 10 });
    const a = fitEase(without, ease);
    const b = fitEase(withRows, ease);
    expect(Array.from(b.weights)).not.toEqual(Array.from(a.weights));
  });

  it('a like with more confidence than a watch moves implicit ALS further: confidence scales α', () => {
    const u = without.users.index(1)!;
    const i = without.items.index(30)!;
    const cfg = ImplicitAlsConfig.parse({ factors: 8, iterations: 10, reg: 0.1, seed: 5 });
    const score = (like: number) => {
      const d = withImplicit(plain, imp, { watch: 1, like, watchlist: 0 });
      const out = new Float32Array(d.items.size);
      implicitAlsRecommender.scoreItems(implicitAlsRecommender.fit(d, cfg), d, u, out);
      return out[i];
    };
    expect(score(4)).toBeGreaterThan(score(1));
    expect(score(1)).toBeGreaterThan(score(0.25));
  });

  it('confidence 0 keeps the pair seen but out of EASE’s X; a positive confidence puts it in', () => {
    const cfg = EaseConfig.parse({ lambda: 10 });
    const list = implicitRows([
      [1, 999, WATCH],
      [2, 999, WATCH],
      [3, 999, WATCH],
    ]);
    const below = withImplicit(plain, list, { watch: 0, like: 1, watchlist: 0 });
    const at = withImplicit(plain, list, { watch: 0.5, like: 1, watchlist: 0 });
    expect(fitEase(below, cfg).itemIdxs).not.toContain(below.items.index(999));
    expect(fitEase(at, cfg).itemIdxs).toContain(at.items.index(999));
  });

  it('the validation carve keeps implicit rows in the fitting part only, and none of the future', () => {
    const r = synthetic(9);
    const movies = [...new Set(Array.from(r.movieIds))];
    const rated1 = new Set(
      Array.from(r.userIds.keys())
        .filter((x) => r.userIds[x] === 1)
        .map((x) => r.movieIds[x]),
    );
    const free = movies.filter((m) => !rated1.has(m));
    const both: ImplicitRows = {
      userIds: Int32Array.of(1, 1),
      movieIds: Int32Array.of(free[0], free[1]),
      kinds: Uint8Array.of(LIKE, LIKE),
      timestamps: Float64Array.of(0, 1e9),
    };
    const data = withImplicit(r, both);
    const ts = new Float64Array(data.byUser.values.length);
    for (let u = 0; u < data.users.size; u++)
      for (let p = data.byUser.indptr[u]; p < data.byUser.indptr[u + 1]; p++) ts[p] = 100 + p;
    const split = carveBlendValidation(data, { share: 0.2, seed: 1, timestamps: ts });
    const u1 = data.users.index(1)!;
    const kept = implicitRowOf(split.fit, u1).itemIdx;
    expect(Array.from(kept)).toEqual([data.items.index(free[0])]);
    expect(Array.from(split.heldItems)).not.toContain(data.items.index(free[1]));
  });
});

describe('simulateImplicit', () => {
  const train = synthetic(7);
  const perUser = (r: RatingRows) => {
    const m = new Map<number, number>();
    for (const u of r.userIds) m.set(u, (m.get(u) ?? 0) + 1);
    return m;
  };

  it('turns round(n/2) of each user’s ratings into watches, with likes only from ratings ≥ 4.5', () => {
    const { kept, implicit, converted } = simulateImplicit(train, 'watches', { seed: 23 });
    const all = perUser(train);
    const k = perUser(kept);
    for (const [u, n] of all) expect(n - (k.get(u) ?? 0)).toBe(Math.round(n / 2));
    expect(kept.ratings.length + converted).toBe(train.ratings.length);
    const value = new Map(Array.from(train.userIds, (u, x) => [`${u}:${train.movieIds[x]}`, train.ratings[x]]));
    const keptKeys = new Set(Array.from(kept.userIds, (u, x) => `${u}:${kept.movieIds[x]}`));
    let likes = 0;
    let watches = 0;
    for (let x = 0; x < implicit!.userIds.length; x++) {
      const key = `${implicit!.userIds[x]}:${implicit!.movieIds[x]}`;
      expect(keptKeys.has(key)).toBe(false);
      if (implicit!.kinds[x] === LIKE) {
        likes++;
        expect(value.get(key)).toBeGreaterThanOrEqual(4.5);
      } else watches++;
    }
    expect(watches).toBe(converted);
    const expectedLikes = Array.from(implicit!.kinds).filter(
      (_, x) => implicit!.kinds[x] === WATCH && value.get(`${implicit!.userIds[x]}:${implicit!.movieIds[x]}`)! >= 4.5,
    ).length;
    expect(likes).toBe(expectedLikes);
    expect(likes).toBeGreaterThan(0);
  });

  it('is seeded: the same seed gives the same half whatever the row order, another seed another half', () => {
    const a = simulateImplicit(train, 'watches', { seed: 23 });
    const order = Array.from(train.userIds.keys()).reverse();
    const shuffled: RatingRows = {
      userIds: Int32Array.from(order, (x) => train.userIds[x]),
      movieIds: Int32Array.from(order, (x) => train.movieIds[x]),
      ratings: Float32Array.from(order, (x) => train.ratings[x]),
    };
    const keys = (r: RatingRows) => Array.from(r.userIds, (u, x) => `${u}:${r.movieIds[x]}`).sort();
    expect(keys(simulateImplicit(shuffled, 'watches', { seed: 23 }).kept)).toEqual(keys(a.kept));
    expect(keys(simulateImplicit(train, 'watches', { seed: 24 }).kept)).not.toEqual(keys(a.kept));
  });

  it("'drop' removes the same half and gives no implicit rows; 'none' is the identity", () => {
    const w = simulateImplicit(train, 'watches', { seed: 23 });
    const d = simulateImplicit(train, 'drop', { seed: 23 });
    expect(d.implicit).toBeNull();
    expect(Array.from(d.kept.movieIds)).toEqual(Array.from(w.kept.movieIds));
    expect(simulateImplicit(train, 'none', { seed: 23 }).kept).toBe(train);
  });
});
