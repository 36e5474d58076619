import { describe, expect, it } from 'vitest';
import { fitEase, easeRecommender, EaseConfig } from '../algorithms/ease';
import { implicitAlsRecommender, ImplicitAlsConfig } from '../algorithms/implicit-als';
import { type ImplicitRows, LIKE, mergeImplicit, simulateImplicit, WATCH } from './interactions';
import type { RatingRows } from './holdout';
import { buildRatingMatrix } from './sparse';

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

describe('mergeImplicit', () => {
  it('returns the ratings themselves when there are no implicit rows, so a ratings-only fit is unchanged', () => {
    const r = synthetic();
    expect(mergeImplicit(r, null)).toBe(r);
    expect(mergeImplicit(r, implicitRows([]))).toBe(r);
    expect(mergeImplicit(r, implicitRows([[1, 99, WATCH]]), { watch: 0, like: 0 })).toBe(r);
  });

  it('gives a like its own weight, above a bare watch, and lets a rating win over both', () => {
    const r = rows([[1, 10, 2]]);
    const m = mergeImplicit(
      r,
      implicitRows([
        [1, 10, LIKE],
        [1, 20, WATCH],
        [1, 30, WATCH],
        [1, 30, LIKE],
      ]),
      { watch: 3.5, like: 5 },
    );
    const got = new Map(Array.from(m.movieIds, (id, x) => [id, m.ratings[x]]));
    expect(got.get(10)).toBe(2); // the rating, not the like
    expect(got.get(20)).toBe(3.5);
    expect(got.get(30)).toBe(5); // watched and liked → one row with the like's weight
    expect(m.ratings.length).toBe(3);
  });

  it('a like raises the item’s implicit ALS confidence: the liked item scores higher for the member than without it', () => {
    const base = synthetic(3);
    // Member 1 likes movie 30, which they have not rated.
    const without = base;
    const keep = Array.from(base.userIds.keys()).filter((x) => !(base.userIds[x] === 1 && base.movieIds[x] === 30));
    const pick = (r: RatingRows): RatingRows => ({
      userIds: Int32Array.from(keep, (x) => r.userIds[x]),
      movieIds: Int32Array.from(keep, (x) => r.movieIds[x]),
      ratings: Float32Array.from(keep, (x) => r.ratings[x]),
    });
    const plain = pick(without);
    const liked = mergeImplicit(plain, implicitRows([[1, 30, LIKE]]), { watch: 3.5, like: 5 });
    const cfg = ImplicitAlsConfig.parse({ factors: 8, iterations: 10, reg: 0.1, seed: 5 });
    const score = (r: RatingRows) => {
      const data = toMatrix(r);
      const model = implicitAlsRecommender.fit(data, cfg);
      const out = new Float32Array(data.items.size);
      implicitAlsRecommender.scoreItems(model, data, data.users.index(1)!, out);
      return out[data.items.index(30)!];
    };
    expect(score(liked)).toBeGreaterThan(score(plain));
  });

  it('a watch weighted below the positive threshold is seen (excluded) but not an EASE positive; at the threshold it is', () => {
    const plain = synthetic(4);
    const cfg = EaseConfig.parse({ lambda: 10 });
    const below = toMatrix(
      mergeImplicit(
        plain,
        implicitRows([
          [1, 999, WATCH],
          [2, 999, WATCH],
          [3, 999, WATCH],
        ]),
        { watch: 3, like: 5 },
      ),
    );
    const at = toMatrix(
      mergeImplicit(
        plain,
        implicitRows([
          [1, 999, WATCH],
          [2, 999, WATCH],
          [3, 999, WATCH],
        ]),
        { watch: 3.5, like: 5 },
      ),
    );
    expect(fitEase(below, cfg).itemIdxs).not.toContain(below.items.index(999));
    expect(fitEase(at, cfg).itemIdxs).toContain(at.items.index(999));
    const u1 = below.users.index(1)!;
    expect(easeRecommender.recommend(fitEase(below, cfg), below, u1, 50).map((x) => x.itemIdx)).not.toContain(
      below.items.index(999),
    );
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
