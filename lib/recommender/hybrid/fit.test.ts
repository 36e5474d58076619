import { describe, expect, it } from 'vitest';
import { biasesRecommender } from '../algorithms/biases';
import { evaluateRanking, evaluateRating } from '../eval/evaluate';
import { carveBlendValidation, temporalSplit, type RatingRows } from '../core/holdout';
import { fitHybrid, hybridRecommender } from './fit';
import { isColdUser, recommendForGenres, recommendHybrid, scoreHybridUser, weightsFor } from './score';
import { pairedDifference } from './rank-blend';
import { supportOf, writeSupportTerms } from './rating-blend';
import { HybridConfigSchema, type HybridBase, type HybridConfigInput, type HybridModel } from './types';
import { HybridParamsSchema } from './params';
import { genreWorld } from '../testing/hybrid-test-data';
import { itemKnnRecommender } from '../algorithms/item-knn';
import { popularityRecommender } from '../algorithms/popularity';
import { buildRatingMatrix, createVocabulary } from '../core/sparse';
import type { Recommender } from '../core/types';

const R = (r: unknown) => r as Recommender<unknown, unknown>;
const world = genreWorld(90, 48, 11, 0.7);

// Per-user temporal 80/20 split of the world (the ranking protocol in miniature).
const { train, test } = temporalSplit(
  { userIds: world.userIds, movieIds: world.movieIds, ratings: world.ratings, timestamps: world.timestamps },
  0.2,
);

const rankingBases: HybridBase[] = [
  { name: 'item-knn', recommender: R(itemKnnRecommender), config: { k: 20, metric: 'cosine', shrinkage: 0 } },
  { name: 'popularity', recommender: R(popularityRecommender), config: {}, group: 'popular' },
];
const ratingBases: HybridBase[] = [
  { name: 'biases', recommender: R(biasesRecommender), config: {} },
  { name: 'item-knn', recommender: R(itemKnnRecommender), config: { k: 20 } },
];
const config: HybridConfigInput = {
  seed: 3,
  rankingBases,
  ratingBases,
  content: { docs: world.docs, minDf: 1 },
  timeRows: train,
};

/** A fit of a hand-written config, parsed as every caller must (the defaults live in the schema). */
const fit = (data: Parameters<typeof fitHybrid>[0], c: HybridConfigInput) =>
  fitHybrid(data, HybridConfigSchema.parse(c));

function weightsOf(m: HybridModel): number[][] {
  return [Array.from(m.warm!.w), Array.from(m.cold?.w ?? []), Array.from(m.ratingWeights ?? [])];
}

describe('carveBlendValidation', () => {
  it('holds out the latest 20% of each user from train only and truncates every 5th user to 5 ratings', () => {
    const data = buildRatingMatrix({ userIds: train.userIds, itemIds: train.movieIds, ratings: train.ratings });
    const ts = new Map<string, number>();
    for (let r = 0; r < train.userIds.length; r++)
      ts.set(`${train.userIds[r]}:${train.movieIds[r]}`, train.timestamps![r]);
    const split = carveBlendValidation(data, {
      share: 0.2,
      seed: 1,
      timestamps: alignedTimes(data, ts),
      coldEvery: 5,
      coldKeep: 5,
    });
    const key = (u: number, i: number) => `${data.users.ids[u]}:${data.items.ids[i]}`;
    let coldUsers = 0;
    for (let u = 0; u < data.users.size; u++) {
      const n = data.byUser.indptr[u + 1] - data.byUser.indptr[u];
      const held: number[] = [];
      for (let t = 0; t < split.heldUsers.length; t++) if (split.heldUsers[t] === u) held.push(split.heldItems[t]);
      expect(held.length).toBe(Math.round(n * 0.2));
      const fitItems = Array.from(
        split.fit.byUser.indices.subarray(split.fit.byUser.indptr[u], split.fit.byUser.indptr[u + 1]),
      );
      // Held-out rows are train rows, later than every fitting row of the user.
      const maxFit = Math.max(...fitItems.map((i) => ts.get(key(u, i))!));
      for (const i of held) expect(ts.get(key(u, i))!).toBeGreaterThanOrEqual(maxFit);
      if (split.coldSimulated[u]) {
        coldUsers++;
        expect(fitItems).toHaveLength(5);
      } else expect(fitItems.length + held.length).toBe(n);
    }
    expect(coldUsers).toBeGreaterThan(10);
  });
});

function alignedTimes(data: ReturnType<typeof buildRatingMatrix>, ts: Map<string, number>): Float64Array {
  const out = new Float64Array(data.byUser.values.length);
  for (let u = 0; u < data.users.size; u++) {
    for (let p = data.byUser.indptr[u]; p < data.byUser.indptr[u + 1]; p++)
      out[p] = ts.get(`${data.users.ids[u]}:${data.items.ids[data.byUser.indices[p]]}`)!;
  }
  return out;
}

describe('fitHybrid', () => {
  it('never sees test rows: a poisoned test split leaves the learned blends unchanged', () => {
    const fitted: HybridModel[] = [];
    const spy: Recommender<HybridConfigInput, HybridModel> = {
      ...hybridRecommender,
      fit: (d, c) => {
        const m = fit(d, c);
        fitted.push(m);
        return m;
      },
    };
    // Poison: flip every test rating and make every user love item 1 in test.
    const poisoned: RatingRows = {
      userIds: Int32Array.from([...test.userIds, ...Array.from({ length: 90 }, (_, k) => k + 1)]),
      movieIds: Int32Array.from([...test.movieIds, ...Array(90).fill(1)]),
      ratings: Float32Array.from([...Array.from(test.ratings, (r) => 6 - r), ...Array(90).fill(5)]),
    };
    const clean = evaluateRanking(spy, config, train, test);
    const dirty = evaluateRanking(spy, config, train, poisoned);
    const cleanRating = evaluateRating(spy, config, train, test, [1, 5]);
    const dirtyRating = evaluateRating(spy, config, train, poisoned, [1, 5]);
    expect(dirty.metrics['ndcg@10']).not.toBe(clean.metrics['ndcg@10']); // the poison is visible to evaluation…
    expect(dirtyRating.metrics.rmse).not.toBe(cleanRating.metrics.rmse);
    for (const m of fitted.slice(1)) expect(weightsOf(m)).toEqual(weightsOf(fitted[0])); // …but not to training
    // Sensitivity check: had the poisoned rows leaked into the fit, the blend would differ.
    const leaked = fit(
      buildRatingMatrix({
        userIds: Int32Array.from([...train.userIds, ...poisoned.userIds]),
        itemIds: Int32Array.from([...train.movieIds, ...poisoned.movieIds]),
        ratings: Float32Array.from([...train.ratings, ...poisoned.ratings]),
      }),
      { ...config, timeRows: undefined },
    );
    expect(weightsOf(leaked)).not.toEqual(weightsOf(fitted[0]));
  });

  it('is deterministic for a seed', () => {
    const data = buildRatingMatrix({ userIds: train.userIds, itemIds: train.movieIds, ratings: train.ratings });
    expect(weightsOf(fit(data, config))).toEqual(weightsOf(fit(data, config)));
  });
});

/** The rows with users 1 … k cut to their first 3 ratings, as a rating matrix. */
function withColdUsers(
  rows: { userIds: Int32Array; movieIds: Int32Array; ratings: Float32Array },
  k: number,
  opts: Parameters<typeof buildRatingMatrix>[1] = {},
) {
  const keep: number[] = [];
  const seen = new Map<number, number>();
  for (let r = 0; r < rows.userIds.length; r++) {
    const u = rows.userIds[r];
    const c = seen.get(u) ?? 0;
    seen.set(u, c + 1);
    if (u > k || c < 3) keep.push(r);
  }
  return buildRatingMatrix(
    {
      userIds: Int32Array.from(keep, (r) => rows.userIds[r]),
      itemIds: Int32Array.from(keep, (r) => rows.movieIds[r]),
      ratings: Float32Array.from(keep, (r) => rows.ratings[r]),
    },
    opts,
  );
}

describe('cold start', () => {
  // Users 1–3 keep only 3 ratings; items 49–51 are new catalogue entries nobody rated.
  const itemVocab = createVocabulary(Int32Array.from({ length: 51 }, (_, k) => k + 1));
  const data = withColdUsers(train, 3, { items: itemVocab });
  const docs = [...world.docs];
  for (const m of [49, 50, 51]) docs.push({ itemId: m, fields: { ...world.docs[m - 49].fields } }); // same content as items 1, 2, 3
  const model = fit(data, { ...config, content: { docs, minDf: 1 }, timeRows: undefined });

  it('serves users with ≤ 5 ratings and unknown users from the cold blend', () => {
    const cold = data.users.index(2)!;
    const warm = data.users.index(10)!;
    expect(isColdUser(model, cold)).toBe(true);
    expect(isColdUser(model, -1)).toBe(true);
    expect(isColdUser(model, warm)).toBe(false);
    expect(weightsFor(model, cold)).toBe(model.cold!.w);
    expect(weightsFor(model, warm)).toBe(model.warm!.w);
    expect(Array.from(model.cold!.w)).not.toEqual(Array.from(model.warm!.w));
    // Users without ratings get the anonymous blend: only non-personal features carry weight.
    expect(weightsFor(model, -1)).toBe(model.anon!.w);
    model.rankFeatures.forEach((name, f) => {
      if (['item-knn', 'content', 'coldItem×content'].includes(name)) expect(model.anon!.w[f]).toBe(0);
    });
  });

  it('tags picks for an unknown user as popular and keeps them popular', () => {
    const picks = recommendHybrid(model, data, -1, 5);
    expect(picks).toHaveLength(5);
    for (const p of picks) expect(p.source).toBe('popular');
    // Every pick has at least the median item popularity.
    const counts = Array.from(model.itemCount).sort((a, b) => a - b);
    for (const p of picks) expect(model.itemCount[p.itemIdx]).toBeGreaterThanOrEqual(counts[counts.length >> 1]);
  });

  it('ranks a never-rated item of the loved genre above never-rated items of other genres', () => {
    // User 10 loves genre (10 − 1) % 3 = 0 (Action); item 49 has item 1's (Action) content.
    expect(world.tasteOf(10)).toBe(0);
    const u = data.users.index(10)!;
    const scores = new Float32Array(data.items.size);
    scoreHybridUser(model, data, u, scores);
    const [a, b, c] = [49, 50, 51].map((m) => scores[data.items.index(m)!]);
    expect(a).toBeGreaterThan(b);
    expect(a).toBeGreaterThan(c);
  });

  it('gives a new user who picked a favourite genre movies of that genre', () => {
    const picks = recommendForGenres(model, data, ['Comedy'], 6);
    expect(picks).toHaveLength(6);
    for (const p of picks) expect(world.genreOf(data.items.ids[p.itemIdx])).toBe(1);
  });
});

describe('rating blend support terms and the coverage rule', () => {
  it('writes m_u, m_u·p, m_i, m_i·p after the given position', () => {
    // Predictions 4 and 3 at positions 1..2; user with 3 ratings (m_u = 1/2), item with 8 (m_i = 1/3).
    const out = new Float64Array(9);
    out[0] = 1;
    out[1] = 4;
    out[2] = 3;
    expect(writeSupportTerms(out, 3, 2, 3, 8)).toBe(9);
    const want = [0.5, 2, 1.5, 1 / 3, 4 / 3, 1];
    want.forEach((v, k) => expect(out[3 + k]).toBeCloseTo(v, 12));
    expect(supportOf(0)).toBe(1);
  });

  it('computes the paired difference and its standard error', () => {
    // Differences 1, 2, 3: mean 2, sample sd 1, SE 1/√3.
    const d = pairedDifference(Float64Array.of(0, 0, 0), Float64Array.of(1, 2, 3));
    expect(d.mean).toBeCloseTo(2, 12);
    expect(d.se).toBeCloseTo(1 / Math.sqrt(3), 12);
  });
});

describe('feature selection switches', () => {
  const data = buildRatingMatrix({ userIds: train.userIds, itemIds: train.movieIds, ratings: train.ratings });

  it('keeps the weights of switched-off ranking features at 0 in every blend', () => {
    const off = ['content', 'coldItem×content', 'popBefore', 'popAfter'];
    const m = fit(data, { ...config, rankFeaturesOff: off, coverageWeightPath: [0.5, 1] });
    for (const r of [m.warm, m.cold, m.anon]) {
      if (!r) continue;
      m.rankFeatures.forEach((name, f) => {
        if (off.includes(name)) expect(r.w[f]).toBe(0);
      });
    }
    expect(m.warm!.w.some((v) => v !== 0)).toBe(true);
  });

  it('accepts only known ranking feature names as params, and ignores an absent base', () => {
    expect(() => HybridParamsSchema.parse({ rankFeaturesOff: ['no-such-feature'] })).toThrow();
    expect(HybridParamsSchema.parse({ rankFeaturesOff: ['recent', 'ease'] }).rankFeaturesOff).toEqual([
      'recent',
      'ease',
    ]);
    // implicit-als is not a base of this config: switching it off changes nothing.
    expect(weightsOf(fit(data, { ...config, rankFeaturesOff: ['implicit-als'] }))).toEqual(
      weightsOf(fit(data, config)),
    );
  });

  it('gives the cold blend its own switched-off features (default: the warm ones); the warm blend is unchanged', () => {
    const warmOff = ['content', 'coldItem×content'];
    const coldOff = ['item-knn', 'popBefore', 'popAfter'];
    const base = fit(data, { ...config, tasks: ['ranking'], rankFeaturesOff: warmOff });
    const own = fit(data, { ...config, tasks: ['ranking'], rankFeaturesOff: warmOff, coldRankFeaturesOff: coldOff });
    expect(base.cold && own.cold).toBeTruthy();
    expect(Array.from(own.warm!.w)).toEqual(Array.from(base.warm!.w));
    expect(Array.from(own.anon?.w ?? [])).toEqual(Array.from(base.anon?.w ?? []));
    own.rankFeatures.forEach((name, f) => {
      if (coldOff.includes(name)) expect(own.cold!.w[f]).toBe(0);
      if (warmOff.includes(name)) expect(base.cold!.w[f]).toBe(0);
    });
    // The cold blend may now use content, which the warm set switches off.
    const fContent = own.rankFeatures.indexOf('content');
    expect(own.cold!.w[fContent]).not.toBe(0);
    // An explicit cold set equal to the warm set is the default.
    const same = fit(data, { ...config, tasks: ['ranking'], rankFeaturesOff: warmOff, coldRankFeaturesOff: warmOff });
    expect(weightsOf(same)).toEqual(weightsOf(base));
    expect(() => HybridParamsSchema.parse({ coldRankFeaturesOff: ['no-such-feature'] })).toThrow();
    expect(HybridParamsSchema.parse({ coldRankFeaturesOff: [] }).coldRankFeaturesOff).toEqual([]);
  });

  it('leaves content out of the rating blend with ratingContent false', () => {
    const m = fit(data, { ...config, tasks: ['rating'], ratingContent: false });
    expect(m.ratingFeatures.some((n) => n.includes('content'))).toBe(false);
    expect(m.ratingWeights).toHaveLength(m.ratingFeatures.length);
    const p = hybridRecommender.predict(m, data, 0, 0);
    expect(Number.isFinite(p)).toBe(true);
    const withContent = fit(data, { ...config, tasks: ['rating'] });
    expect(withContent.ratingFeatures).toContain('content');
  });
});

describe('rating blend cold-user terms', () => {
  // ≈ 23 ratings per user (all warm), 200 items with a long tail (many cold items); users 1 … k keep their first 3.
  const big = genreWorld(120, 200, 5, 0.9);
  const cfg: HybridConfigInput = {
    seed: 3,
    rankingBases: [],
    ratingBases,
    content: { docs: big.docs, minDf: 1 },
    tasks: ['rating'],
  };
  const columns = (m: HybridModel, prefix: string) =>
    m.ratingFeatures.flatMap((name, f) => (name.startsWith(prefix) ? [f] : []));

  it('are off when fewer than minColdBlendUsers cold users are among the rows that learn them (the app’s demo accounts)', () => {
    const data = withColdUsers(big, 12);
    const thin = fit(data, { ...cfg, minColdBlendUsers: 30 });
    expect(columns(thin, 'coldUser×')).toHaveLength(2); // × the first base, × content
    for (const f of columns(thin, 'coldUser×')) expect(thin.ratingWeights![f]).toBe(0);
    // The item terms are not thin here and stay learned.
    expect(columns(thin, 'coldItem×').some((f) => thin.ratingWeights![f] !== 0)).toBe(true);
    // Without the bound the same rows give the user terms weights.
    const learned = fit(data, { ...cfg, minColdBlendUsers: 0 });
    expect(columns(learned, 'coldUser×').some((f) => learned.ratingWeights![f] !== 0)).toBe(true);
  });
});
