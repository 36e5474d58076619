import { describe, expect, it } from 'vitest';
import { csrFromDense, buildRatingMatrix, createVocabulary } from '../core/sparse';
import { attachImplicit, LIKE, WATCH } from '../core/interactions';
import { mmrRerank } from './mmr';
import {
  contentCosine,
  contentNeighbours,
  createServingScratch,
  explainPage,
  foldInAls,
  foldInMf,
  predictRating,
  scoreUser,
  servingFeatureColumns,
  sparsifyEase,
  topContribution,
  topN,
  NEW_MEMBER_BLEND_FROM,
  trainedOn,
  trainServingModel,
  trainServingModelSync,
  warmServing,
  alsView,
  type ServingModel,
} from '.';
import { recalculateUser } from '../algorithms/implicit-als';
import { createHybridScratch, hybridFeatureColumns } from '../hybrid/score';
import { fitHybrid } from '../hybrid/fit';
import { standardize } from '../hybrid/features';
import { HybridParamsSchema, hybridConfigFrom } from '../hybrid/params';
import { genreWorld } from '../testing/hybrid-test-data';
import { servedHybridRecommender, userRow } from './recommender';
import { runRecommenderContract } from '../testing/contract.test-helpers';
import { alignTimestamps } from '../hybrid/features';
import type { EaseModel } from '../algorithms/ease';
import type { ContentDoc } from '../algorithms/content-tfidf';

/** Two taste groups: items 0..9 "alpha", 10..19 "beta"; even users love alpha, odd users love beta. */
function planted(nUsers = 60) {
  const u: number[] = [];
  const i: number[] = [];
  const r: number[] = [];
  for (let user = 0; user < nUsers; user++) {
    for (let j = 0; j < 12; j++) {
      const item = (user * 7 + j * 3) % 20;
      const likes = item < 10 === (user % 2 === 0);
      u.push(user + 1);
      i.push(item + 100);
      r.push(likes ? 4.5 + (j % 2) * 0.5 : 1 + (j % 3) * 0.5);
    }
  }
  const data = buildRatingMatrix(
    { userIds: Int32Array.from(u), itemIds: Int32Array.from(i), ratings: Float32Array.from(r) },
    { scale: [0.5, 5] },
  );
  const docs: ContentDoc[] = Array.from({ length: 20 }, (_, x) => ({
    itemId: x + 100,
    fields: { g: [x < 10 ? 'Alpha' : 'Beta'], d: [x < 10 ? `Director ${x % 3}` : `Other ${x % 3}`] },
  }));
  return { data, docs };
}

/** Cheap bases for tests (small ALS). */
const FAST = HybridParamsSchema.parse({ baseParams: { 'implicit-als': { factors: 8, iterations: 6 } } });

// The registry's `hybrid` (the served model) passes the contract every algorithm passes.
runRecommenderContract('served hybrid', servedHybridRecommender, FAST);

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
    expect(Array.from(t.sims.subarray(t.indptr[0], t.indptr[1]))).toEqual([
      expect.closeTo(0.8, 6),
      expect.closeTo(0.6, 6),
    ]);
    expect(Array.from(t.indices.subarray(t.indptr[1], t.indptr[2]))).toEqual([0]);
  });
});

describe('topN', () => {
  it('returns the highest scores in order and skips excluded items', () => {
    expect(topN(Float32Array.of(0.1, 0.9, 0.5, 0.7), [1], 2)).toEqual([3, 2]);
  });
});

describe('sparsifyEase', () => {
  it('keeps the k largest |B_ji| of each row over item indices and marks the modelled items', () => {
    // 3 modelled items at item indices 4, 0, 2 (of 5); B rows over positions.
    const model: EaseModel = {
      kind: 'ease',
      nItems: 5,
      n: 3,
      itemIdxs: Int32Array.of(4, 0, 2),
      position: Int32Array.of(1, -1, 2, -1, 0),
      weights: Float32Array.of(0, 0.2, -0.5, 0.1, 0, 0.05, -0.3, 0.4, 0),
      threshold: 3.5,
      lambda: 1,
    };
    const { table, modelled } = sparsifyEase(model, 1);
    expect(Array.from(modelled)).toEqual([1, 0, 1, 0, 1]);
    const row = (i: number) => Array.from(table.indices.subarray(table.indptr[i], table.indptr[i + 1]));
    expect(row(4)).toEqual([2]); // |−0.5| > |0.2|
    expect(row(0)).toEqual([4]); // |0.1| > |0.05|
    expect(row(2)).toEqual([0]); // |0.4| > |−0.3|
    expect(row(1)).toEqual([]);
    expect(table.sims[table.indptr[4]]).toBeCloseTo(-0.5, 6);
  });
});

describe('foldInAls', () => {
  it('solves the same least-squares system as recalculateUser for heavy users (conjugate gradients)', () => {
    const w = genreWorld(60, 400, 7, 0.9);
    const data = buildRatingMatrix(
      { userIds: w.userIds, itemIds: w.movieIds, ratings: w.ratings },
      { scale: [0.5, 5] },
    );
    const { model } = trainServingModelSync(data, w.docs, { params: FAST, tasks: ['ranking'] });
    // 61 and 300 positives: above the Cholesky/CG switch.
    for (const n of [61, 300]) {
      const itemIdx = Int32Array.from({ length: n }, (_, t) => t);
      const values = new Float32Array(n).fill(4.5);
      const cg = foldInAls(model, { itemIdx, values });
      const exact = recalculateUser(alsView(model), itemIdx, values);
      for (let f = 0; f < model.k; f++) expect(cg[f]).toBeCloseTo(exact[f], 4);
    }
  });
});

describe('trainServingModel', () => {
  it('learns a blend that puts a folded-in user’s taste first, and stays deterministic', async () => {
    const { data, docs } = planted();
    const a = await trainServingModel(data, docs, { params: FAST });
    const b = await trainServingModel(data, docs, { params: FAST });
    expect(Array.from(a.model.itemFactors)).toEqual(Array.from(b.model.itemFactors));
    expect(Array.from(a.model.warm)).toEqual(Array.from(b.model.warm));
    expect(a.metrics['ndcg@10']).toBeGreaterThan(0);
    const idx = (id: number) => data.items.index(id)!;
    const user = {
      itemIdx: Int32Array.of(idx(100), idx(101), idx(102), idx(110)),
      values: Float32Array.of(5, 5, 4.5, 1),
    };
    const scores = new Float32Array(data.items.size);
    scoreUser(a.model, user, scores);
    const top = topN(scores, user.itemIdx, 5).map((i) => data.items.ids[i]);
    expect(top.filter((id) => id < 110).length).toBeGreaterThanOrEqual(4);
  });

  it('reacts to a rating made a second ago: the next scores follow the new taste (live fold-in)', async () => {
    const { data, docs } = planted();
    const { model } = await trainServingModel(data, docs, { params: FAST });
    const idx = (id: number) => data.items.index(id)!;
    const alphaFan = {
      itemIdx: Int32Array.of(idx(100), idx(101), idx(102), idx(103), idx(104), idx(105)),
      values: Float32Array.of(5, 5, 5, 5, 4.5, 5),
    };
    const scores = new Float32Array(data.items.size);
    scoreUser(model, alphaFan, scores);
    const before = topN(scores, alphaFan.itemIdx, 3).map((i) => data.items.ids[i]);
    expect(before.every((id) => id < 110)).toBe(true);
    // The same person now loves six beta movies and pans the alpha ones.
    const changed = {
      itemIdx: Int32Array.of(...alphaFan.itemIdx, idx(110), idx(111), idx(112), idx(113), idx(114), idx(115)),
      values: Float32Array.of(1, 1, 1, 1, 1, 1, 5, 5, 5, 5, 5, 5),
    };
    scoreUser(model, changed, scores);
    const after = topN(scores, changed.itemIdx, 3).map((i) => data.items.ids[i]);
    expect(after.every((id) => id >= 110)).toBe(true);
  });

  it.each([
    ['binary EASE positives', {}, 'item-knn'],
    ['graded EASE positives', { ease: { minWeight: 0.4, lambda: 100 } }, 'item-knn'],
    ['RP3beta as the neighbour-sum base', { rp3beta: { k: 30 } }, 'rp3beta'],
  ])(
    'computes exactly the hybrid’s feature columns from the stored tables (ALS aside, EASE unsparsified): %s',
    (_, baseParams, neighbourBase) => {
      const w = genreWorld(50, 40, 3);
      const data = buildRatingMatrix(
        { userIds: w.userIds, itemIds: w.movieIds, ratings: w.ratings },
        { scale: [0.5, 5] },
      );
      const params = HybridParamsSchema.parse({
        rankingBases: ['ease', neighbourBase, 'popularity'],
        easeNeighbours: 1000,
        baseParams,
      });
      const timeRows = { userIds: w.userIds, movieIds: w.movieIds, timestamps: w.timestamps };
      const { model } = trainServingModelSync(data, w.docs, { params, timeRows, tasks: ['ranking'] });
      expect(model.easeMinWeight).toBe('ease' in baseParams ? 0.4 : undefined);
      expect(model.knnRankThreshold).toBe(neighbourBase === 'rp3beta' ? 3.5 : undefined);
      const h = fitHybrid(data, hybridConfigFrom(params, { contentDocs: w.docs, timeRows, tasks: ['ranking'] }));
      const times = alignTimestamps(data, w.userIds, w.movieIds, w.timestamps);
      const hs = createHybridScratch(h, data.items.size);
      const ss = createServingScratch(model);
      for (const u of [0, 7, 21]) {
        hybridFeatureColumns(h, data, u, hs);
        servingFeatureColumns(model, userRow(data, u, times), ss);
        for (let f = 0; f < model.rankFeatures.length; f++) {
          if (model.rankFeatures[f] === 'exposure') continue; // the hybrid's scoring helper leaves exposure to the fit
          for (let i = 0; i < data.items.size; i++) expect(ss.cols[f][i]).toBeCloseTo(hs.cols[f][i], 4);
        }
      }
    },
  );

  it('gives MMR the same content cosines in batch as pair by pair, so the same picks', () => {
    const w = genreWorld(50, 40, 3);
    const data = buildRatingMatrix(
      { userIds: w.userIds, itemIds: w.movieIds, ratings: w.ratings },
      { scale: [0.5, 5] },
    );
    const params = HybridParamsSchema.parse({ rankingBases: ['ease', 'item-knn', 'popularity'] });
    const { model } = trainServingModelSync(data, w.docs, { params, tasks: ['ranking'] });
    const cos = contentCosine(model);
    const n = data.items.size;
    const all = Int32Array.from({ length: n }, (_, i) => i);
    const out = new Float64Array(n);
    let nonZero = 0;
    for (let b = 0; b < n; b++) {
      cos.many!(b, all, n, out);
      for (let a = 0; a < n; a++) {
        expect(out[a]).toBe(cos(a, b)); // bit for bit
        if (out[a] !== 0 && a !== b) nonZero++;
      }
    }
    expect(nonZero).toBeGreaterThan(0);
    const pool = Array.from({ length: n }, (_, i) => ({ itemIdx: i, score: Math.sin(i * 1.7) }));
    const pairwise: typeof cos = (a, b) => cos(a, b);
    for (const lambda of [0, 0.3, 0.8]) {
      expect(mmrRerank(pool, 25, lambda, cos)).toEqual(mmrRerank(pool, 25, lambda, pairwise));
    }
  });

  it.each([
    ['EASE, item-kNN', 'item-knn'],
    ['EASE, RP3beta', 'rp3beta'],
  ])(
    'computes the same columns with watches and likes (implicit part, confidences, implicitContent): %s',
    (_, neighbourBase) => {
      const w = genreWorld(50, 40, 3);
      // Every third rating of each user becomes a bare watch; those rated ≥ 4.5 also a like.
      const keep: number[] = [];
      const conv: number[] = [];
      w.userIds.forEach((_u, x) => (x % 3 === 0 ? conv : keep).push(x));
      const ratings = buildRatingMatrix(
        {
          userIds: Int32Array.from(keep, (x) => w.userIds[x]),
          itemIds: Int32Array.from(keep, (x) => w.movieIds[x]),
          ratings: Float32Array.from(keep, (x) => w.ratings[x]),
        },
        { scale: [0.5, 5], users: createVocabulary(w.userIds), items: createVocabulary(w.movieIds) },
      );
      const rows = conv.flatMap((x) =>
        w.ratings[x] >= 4.5
          ? [
              [x, WATCH],
              [x, LIKE],
            ]
          : [[x, WATCH]],
      );
      const data = attachImplicit(
        ratings,
        {
          userIds: Int32Array.from(rows, ([x]) => w.userIds[x]),
          movieIds: Int32Array.from(rows, ([x]) => w.movieIds[x]),
          kinds: Uint8Array.from(rows, ([, k]) => k),
          timestamps: Float64Array.from(rows, ([x]) => w.timestamps[x]),
        },
        { watch: 0.5, like: 2, watchlist: 0 },
      );
      expect(data.implicit!.byUser.indices.length).toBe(conv.length);
      const params = HybridParamsSchema.parse({
        rankingBases: ['ease', neighbourBase, 'implicit-als', 'popularity'],
        easeNeighbours: 1000,
      });
      const timeRows = {
        userIds: Int32Array.from(keep, (x) => w.userIds[x]),
        movieIds: Int32Array.from(keep, (x) => w.movieIds[x]),
        timestamps: Float64Array.from(keep, (x) => w.timestamps[x]),
      };
      const { model } = trainServingModelSync(data, w.docs, { params, timeRows, tasks: ['ranking'] });
      expect(model.rankFeatures.at(-1)).toBe('implicitContent');
      const h = fitHybrid(data, hybridConfigFrom(params, { contentDocs: w.docs, timeRows, tasks: ['ranking'] }));
      const times = alignTimestamps(data, timeRows.userIds, timeRows.movieIds, timeRows.timestamps);
      const hs = createHybridScratch(h, data.items.size);
      const ss = createServingScratch(model);
      for (const u of [0, 7, 21]) {
        const user = userRow(data, u, times);
        expect(user.implicit!.itemIdx.length).toBeGreaterThan(0);
        hybridFeatureColumns(h, data, u, hs);
        servingFeatureColumns(model, user, ss);
        for (let f = 0; f < model.rankFeatures.length; f++) {
          // Exposure is left to the fit; ALS is folded in at serving time (a re-solve, not the fitted row).
          if (model.rankFeatures[f] === 'exposure' || model.rankFeatures[f] === 'implicit-als') continue;
          for (let i = 0; i < data.items.size; i++) expect(ss.cols[f][i]).toBeCloseTo(hs.cols[f][i], 4);
        }
        const implicitCol = ss.cols[model.rankFeatures.length - 1];
        expect(Math.max(...implicitCol) - Math.min(...implicitCol)).toBeGreaterThan(0.5);
        // A watched or liked movie is never a candidate: masked in every column, and out of the served top list.
        const scores = new Float32Array(data.items.size);
        scoreUser(model, user, scores);
        const top = servedHybridRecommender.recommend(
          { serving: model, times, cache: { scratch: null, ratingUser: -2, rating: null } },
          data,
          u,
          20,
        );
        for (const i of user.implicit!.itemIdx) expect(top.map((x) => x.itemIdx)).not.toContain(i);
      }
    },
  );

  it('scores content as the cosine to the rating-weighted profile, for short (tracked) and long (scanned) histories', () => {
    const w = genreWorld(50, 40, 3);
    const data = buildRatingMatrix(
      { userIds: w.userIds, itemIds: w.movieIds, ratings: w.ratings },
      { scale: [0.5, 5] },
    );
    const params = HybridParamsSchema.parse({ rankingBases: ['ease', 'item-knn', 'popularity'] });
    const { model } = trainServingModelSync(data, w.docs, { params, tasks: ['ranking'] });
    const cos = contentCosine(model);
    const ss = createServingScratch(model);
    const nb = model.rankBaseKinds.length;
    const n = data.items.size;
    // One rating (few entries: tracked features) and 30 ratings (entries ≥ nCols/4: every feature scanned).
    const long = Array.from({ length: 30 }, (_, t) => t);
    const X = model.contentVectors;
    const entries = (items: number[]) => items.reduce((acc, j) => acc + X.indptr[j + 1] - X.indptr[j], 0);
    expect(entries([3])).toBeLessThan(X.nCols / 4);
    expect(entries(long)).toBeGreaterThanOrEqual(X.nCols / 4);
    for (const items of [[3], long]) {
      const user = {
        itemIdx: Int32Array.from(items),
        values: Float32Array.from(items, (j) => (j % 3 === 0 ? 5 : j % 3 === 1 ? 1 : 3.5)),
      };
      servingFeatureColumns(model, user, ss);
      // By hand: p = Σ_t w_t v_t with w_t = r_t − μ' (shrunk mean); p·v_i = Σ_t w_t cos(t, i), ‖p‖² = Σ_t Σ_s w_t w_s cos(t, s).
      let sum = 0;
      for (const v of user.values) sum += v;
      const mean = (sum + model.contentMeanShrinkage * model.globalMean) / (items.length + model.contentMeanShrinkage);
      const wt = Array.from(user.values, (v) => v - mean);
      let n2 = 0;
      for (let a = 0; a < items.length; a++)
        for (let b = 0; b < items.length; b++) n2 += wt[a] * wt[b] * cos(items[a], items[b]);
      const want = Float32Array.from(
        { length: n },
        (_, i) => items.reduce((acc, j, t) => acc + wt[t] * cos(j, i), 0) / Math.sqrt(n2),
      );
      const mask = new Uint8Array(n);
      for (const j of items) mask[j] = 1;
      standardize(want, mask);
      for (let i = 0; i < n; i++) expect(ss.cols[nb][i]).toBeCloseTo(want[i], 4);
    }
  });

  it('gives a one-rating user picks from the rated movie’s content group', async () => {
    const { data, docs } = planted();
    const { model } = await trainServingModel(data, docs, { params: FAST });
    const user = { itemIdx: Int32Array.of(data.items.index(113)!), values: Float32Array.of(5) };
    const scores = new Float32Array(data.items.size);
    scoreUser(model, user, scores);
    const top = topN(scores, user.itemIdx, 5).map((i) => data.items.ids[i]);
    expect(top.filter((id) => id >= 110).length).toBeGreaterThanOrEqual(3);
  });
});

describe('explanations and predictions', () => {
  /**
   * A 3-item model where only the item-kNN feature carries weight: item 2 is a top-k neighbour of item 0
   * (s = 0.9) and of item 1 (s = 0.3).
   */
  function tiny(): ServingModel {
    const empty = (n: number) => ({
      indptr: new Int32Array(n + 1),
      indices: new Int32Array(0),
      sims: new Float32Array(0),
    });
    const names = [
      'item-knn',
      'content',
      'pop',
      'coldItem',
      'coldItem×content',
      'popBefore',
      'popAfter',
      'exposure',
      'recent',
    ];
    const w = new Float32Array(names.length);
    w[0] = 1;
    return {
      itemIds: Int32Array.of(10, 11, 12),
      userIds: Int32Array.of(1),
      k: 0,
      itemFactors: new Float32Array(0),
      userFactors: new Float32Array(0),
      itemGram: new Float64Array(0),
      alsParams: Float32Array.of(1, 1, 3.5),
      ease: empty(3),
      easeModelled: new Uint8Array(3),
      easeThreshold: 3.5,
      // Forward lists (rating prediction): row 2 holds 0 (0.9) and 1 (0.3).
      knn: {
        indptr: Int32Array.of(0, 1, 2, 4),
        indices: Int32Array.of(2, 2, 0, 1),
        sims: Float32Array.of(0.9, 0.3, 0.9, 0.3),
      },
      // Reverse lists (ranking): row j = items whose top-k include j.
      knnReverse: { indptr: Int32Array.of(0, 1, 2, 2), indices: Int32Array.of(2, 2), sims: Float32Array.of(0.9, 0.3) },
      knnK: 40,
      knnMinK: 1,
      globalMean: 3,
      itemBias: Float32Array.of(0.5, -0.5, 0),
      userBiasReg: 15,
      baseItemBias: new Float32Array(3),
      baseUserBiasReg: 15,
      mfK: 0,
      mfItemFactors: new Float32Array(0),
      mfItemBias: new Float32Array(3),
      mfMean: 3,
      mfReg: Float32Array.of(0.1, 0.1),
      ukIndptr: new Int32Array(4),
      ukUsers: new Int32Array(0),
      ukResiduals: new Float32Array(0),
      ukItemBias: new Float32Array(3),
      ukMean: 3,
      ukParams: Float32Array.of(40, 1, 100, 15),
      contentVectors: { nCols: 0, indptr: new Int32Array(4), indices: new Int32Array(0), values: new Float32Array(0) },
      content: empty(3),
      contentMeanShrinkage: 2,
      contentPredictShrinkage: 1,
      contentPredictNeighbours: 40,
      popScore: new Float32Array(3),
      popZ: new Float32Array(3),
      itemCount: Int32Array.of(50, 50, 50),
      exposureZ: new Float32Array(3),
      time: null,
      rankFeatures: names,
      rankGroups: [
        'collaborative',
        'content',
        'popular',
        'content',
        'content',
        'popular',
        'popular',
        'popular',
        'collaborative',
      ],
      rankBaseKinds: ['item-knn'],
      warm: w,
      cold: w,
      anon: w,
      coldUserThreshold: 0,
      coldItemThreshold: 5,
      ratingFeatures: ['intercept', 'item-knn', 'coldUser×item-knn', 'coldItem×item-knn'],
      ratingBaseKinds: ['item-knn'],
      ratingWeights: Float32Array.of(0, 1, 0, 0),
      scale: [0.5, 5],
    };
  }

  it('names the rated movie that contributed most to the top feature as the reason', () => {
    const model = tiny();
    const user = { itemIdx: Int32Array.of(0, 1), values: Float32Array.of(5, 5) };
    const scratch = createServingScratch(model);
    scoreUser(model, user, new Float32Array(3), scratch);
    const c = topContribution(model, user, scratch, 2);
    expect(c.source).toBe('collaborative');
    expect(c.base).toBe('knn');
    expect(c.fromItemIdx).toBe(0); // s_20 = 0.9 beats s_21 = 0.3
  });

  it('names the rated movie with the largest w(r)·B term for EASE, weighting graded positives as the fit does', () => {
    // EASE rows: B_02 = 0.5, B_12 = 0.6. The user gives movie 0 five stars and movie 1 three and a half.
    const base = tiny();
    const ease = { indptr: Int32Array.of(0, 1, 2, 2), indices: Int32Array.of(2, 2), sims: Float32Array.of(0.5, 0.6) };
    const binary: ServingModel = {
      ...base,
      ease,
      easeModelled: Uint8Array.of(1, 1, 1),
      rankBaseKinds: ['ease'],
      rankFeatures: ['ease', ...base.rankFeatures.slice(1)],
    };
    const graded: ServingModel = { ...binary, easeMinWeight: 0.4, easeScaleMax: 5 };
    const user = { itemIdx: Int32Array.of(0, 1), values: Float32Array.of(5, 3.5) };
    const reason = (model: ServingModel) => {
      const scratch = createServingScratch(model);
      scoreUser(model, user, new Float32Array(3), scratch);
      return topContribution(model, user, scratch, 2);
    };
    // Binary: both are positives, 0.6 > 0.5. Graded: 3.5 stars weighs 0.4, so 0.4 · 0.6 = 0.24 < 1 · 0.5.
    expect(reason(binary)).toMatchObject({ source: 'collaborative', base: 'ease', fromItemIdx: 1 });
    expect(reason(graded)).toMatchObject({ source: 'collaborative', base: 'ease', fromItemIdx: 0 });
  });

  it('gives a member without ratings popularity as the reason for every pick, with no rated movie named', () => {
    const model = tiny();
    const user = { itemIdx: new Int32Array(0), values: new Float32Array(0) };
    const scratch = createServingScratch(model);
    scoreUser(model, user, new Float32Array(3), scratch);
    expect(explainPage(model, user, scratch, [0, 1, 2])).toEqual(
      [0, 1, 2].map(() => ({ source: 'popular', base: 'pop', fromItemIdx: -1 })),
    );
  });

  it('folds a user into biased MF by the ridge solve of the MF objective', () => {
    // k = 1, items 0 and 1 with q = +1 and −1, μ = 3, b_i = 0; ratings 4 and 2 → targets y = +1, −1.
    // Normal equations with z = [1, q]: (Σ z zᵀ + n·diag(λ_b, λ)) x = Σ y z → 2.2·I·x = [0, 2] → b_u = 0, p = 2/2.2.
    const model = {
      ...tiny(),
      mfK: 1,
      mfItemFactors: Float32Array.of(1, -1, 0.5),
      mfItemBias: new Float32Array(3),
      mfMean: 3,
      mfReg: Float32Array.of(0.1, 0.1),
    };
    const x = foldInMf(model, { itemIdx: Int32Array.of(0, 1), values: Float32Array.of(4, 2) });
    expect(x[0]).toBeCloseTo(0, 6); // λ is stored as float32
    expect(x[1]).toBeCloseTo(2 / 2.2, 6);
    // Served as the only rating base: μ + b_u + b_2 + p·q_2 = 3 + 0.5·2/2.2.
    const only = {
      ...model,
      ratingBaseKinds: ['biased-mf'],
      ratingFeatures: ['intercept', 'biased-mf', 'coldUser×biased-mf', 'coldItem×biased-mf'],
    };
    expect(predictRating(only, { itemIdx: Int32Array.of(0, 1), values: Float32Array.of(4, 2) }, 2)).toBeCloseTo(
      3 + 0.5 * (2 / 2.2),
      5,
    );
  });

  it('predicts the ridge blend of the folded-in item-kNN, clipped to the scale', () => {
    const model = tiny();
    // b_u = Σ(r − μ − b_j)/(15 + n) = ((5−3−0.5) + (5−3+0.5)) / 17 = 4/17.
    // residuals: item0 5 − (3 + 4/17) − 0.5, item1 5 − (3 + 4/17) + 0.5; pred = 3 + 4/17 + (0.9·r0 + 0.3·r1)/1.2.
    const user = { itemIdx: Int32Array.of(0, 1), values: Float32Array.of(5, 5) };
    const bu = 4 / 17;
    const r0 = 1.5 - bu;
    const r1 = 2.5 - bu;
    expect(predictRating(model, user, 2)).toBeCloseTo(3 + bu + (0.9 * r0 + 0.3 * r1) / 1.2, 5);
    model.itemBias[2] = 10;
    expect(predictRating(model, user, 2)).toBe(5);
  });

  it('adds the support terms when the model lists them (feature-weighted stacking on 1/√(1+n))', () => {
    const base = tiny();
    const user = { itemIdx: Int32Array.of(0, 1), values: Float32Array.of(5, 5) };
    const knn = predictRating(base, user, 2); // the item-kNN prediction p (weight 1 above)
    // Features after the cold terms: m_u, m_u·p, m_i, m_i·p with m_u = 1/√3 (2 ratings), m_i = 1/√(1 + n_2).
    const model = {
      ...base,
      ratingFeatures: [
        ...base.ratingFeatures,
        'userSupport',
        'userSupport×item-knn',
        'itemSupport',
        'itemSupport×item-knn',
      ],
      ratingWeights: Float32Array.of(0, 1, 0, 0, 0, -0.1, 0.2, 0),
    };
    const mu = 1 / Math.sqrt(3);
    const mi = 0.2 / Math.sqrt(1 + base.itemCount[2]);
    expect(knn).toBeLessThan(5);
    expect(predictRating(model, user, 2)).toBeCloseTo(knn - 0.1 * mu * knn + mi, 5);
    // A user with fewer ratings than any the blend learned on gets the support terms of that many (no extrapolation).
    const bounded = { ...model, ratingSupportMinUser: 10 };
    expect(predictRating(bounded, user, 2)).toBeCloseTo(knn - (0.1 * knn) / Math.sqrt(11) + mi, 5);
  });

  it('predicts for a member with at most coldUserThreshold ratings by the biases base alone', () => {
    // Blend: 0.5·biases + 0.5·item-kNN; the biases base is μ + b_u + b_i with b_u = Σ(r − μ − b_j)/(15 + n).
    const base = tiny();
    const model = {
      ...base,
      coldUserThreshold: 2,
      baseItemBias: Float32Array.of(0, 0, 0.4),
      ratingBaseKinds: ['biases', 'item-knn'],
      ratingFeatures: ['intercept', 'biases', 'item-knn', 'coldUser×biases', 'coldItem×biases'],
      ratingWeights: Float32Array.of(0, 0.5, 0.5, 0, 0),
    };
    const two = { itemIdx: Int32Array.of(0, 1), values: Float32Array.of(5, 5) };
    const biases = 3 + 4 / 17 + 0.4;
    expect(predictRating(model, two, 2)).toBeCloseTo(biases, 5);
    // With one more rating allowed to be "cold" no longer (threshold 1), the blend is served.
    const knn = predictRating(base, two, 2);
    expect(predictRating({ ...model, coldUserThreshold: 1 }, two, 2)).toBeCloseTo(0.5 * biases + 0.5 * knn, 5);
    // No ratings at all: μ + b_i.
    expect(predictRating(model, { itemIdx: new Int32Array(0), values: new Float32Array(0) }, 2)).toBeCloseTo(3.4, 5);
    // A member the model was not trained on keeps the biases base until NEW_MEMBER_BLEND_FROM ratings.
    const warm = { ...model, coldUserThreshold: 1 };
    expect(predictRating(warm, { ...two, newMember: true }, 2)).toBeCloseTo(biases, 5);
    expect(predictRating(warm, { ...two, newMember: false }, 2)).toBeCloseTo(0.5 * biases + 0.5 * knn, 5);
    expect(NEW_MEMBER_BLEND_FROM).toBeGreaterThan(2);
  });

  it('knows which members the model was trained on (sorted snapshot ids)', () => {
    const model = { userIds: Int32Array.of(2, 5, 9, 40) };
    expect([1, 2, 5, 6, 9, 40, 41].map((id) => trainedOn(model, id))).toEqual([
      false,
      true,
      true,
      false,
      true,
      true,
      false,
    ]);
    expect(trainedOn({ userIds: new Int32Array(0) }, 1)).toBe(false);
  });
});

describe('warmServing', () => {
  it('serves a made-up member once and leaves every later score and prediction unchanged', () => {
    const { data, docs } = planted();
    const cold = trainServingModelSync(data, docs, { params: FAST }).model;
    const warmed = trainServingModelSync(data, docs, { params: FAST }).model;
    warmServing(warmed);
    const user = userRow(data, 3, null);
    const a = new Float32Array(cold.itemIds.length);
    const b = new Float32Array(warmed.itemIds.length);
    scoreUser(cold, user, a);
    scoreUser(warmed, user, b);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(predictRating(warmed, user, 5)).toBe(predictRating(cold, user, 5));
  });
});
