/**
 * End-to-end: on the real ml-latest-small ranking split (PROTOCOL.md), the served hybrid (scored from its
 * serving tables with live fold-in, as the app does) beats every one of its single models under the protocol's
 * metrics. Cheap base configs keep it well under a minute.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentTfidfRecommender } from '../algorithms/content-tfidf';
import { easeRecommender } from '../algorithms/ease';
import { biasesRecommender } from '../algorithms/biases';
import { biasedMfRecommender } from '../algorithms/biased-mf';
import { evaluateRanking, evaluateRating, trainMatrix } from './evaluate';
import { itemKnnRecommender } from '../algorithms/item-knn';
import { HybridParamsSchema } from '../hybrid/params';
import { servedHybridRecommender } from '../serving/recommender';
import { buildContentDocs } from '../algorithms/content-docs';
import { implicitAlsRecommender } from '../algorithms/implicit-als';
import { loadCatalogue } from '../io/catalogue';
import { loadRatingsFile } from '../io/ratings-file';
import { popularityRecommender } from '../algorithms/popularity';
import type { Recommender } from '../core/types';

const BENCH_DIR = resolve(process.env.BENCH_DIR ?? join('..', 'shared', 'bench'));
const DATA_DIR = resolve(process.env.DATA_DIR ?? join('..', 'shared', 'data'));
const SPLIT = join(BENCH_DIR, 'splits', 'ml-latest-small', 'ranking');
const RATING_SPLIT = join(BENCH_DIR, 'splits', 'ml-latest-small', 'rating');
const R = (r: unknown) => r as Recommender<unknown, unknown>;

describe.runIf(existsSync(join(SPLIT, 'train.csv')))('hybrid on the ml-latest-small ranking split', () => {
  it('beats every single model it blends on NDCG@10 and Recall@20', () => {
    const train = loadRatingsFile(join(SPLIT, 'train.csv'));
    const test = loadRatingsFile(join(SPLIT, 'test.csv'));
    const catalogue = loadCatalogue(DATA_DIR);
    const docs = buildContentDocs(catalogue.movies, catalogue.tags);
    const data = trainMatrix(train);
    const singles: [string, Recommender<unknown, unknown>, unknown][] = [
      ['ease', R(easeRecommender), { maxItems: 1000 }],
      ['implicit-als', R(implicitAlsRecommender), { factors: 32, iterations: 8 }],
      ['popularity', R(popularityRecommender), {}],
      ['content', R(contentTfidfRecommender), { docs }],
    ];
    // The served hybrid (what `npm run eval` and the app use), with the same cheap bases.
    const params = HybridParamsSchema.parse({
      rankingBases: ['ease', 'implicit-als', 'popularity'],
      baseParams: { ease: { maxItems: 1000 }, 'implicit-als': { factors: 32, iterations: 8 } },
    });
    const hybrid = evaluateRanking(
      R(servedHybridRecommender),
      { ...params, contentDocs: docs, timeRows: train, tasks: ['ranking'] },
      train,
      test,
      { data },
    );
    for (const [name, rec, cfg] of singles) {
      const single = evaluateRanking(rec, cfg, train, test, { data });
      expect(hybrid.metrics['ndcg@10'], `NDCG@10 vs ${name}`).toBeGreaterThan(single.metrics['ndcg@10']);
      expect(hybrid.metrics['recall@20'], `Recall@20 vs ${name}`).toBeGreaterThan(single.metrics['recall@20']);
    }
    expect(hybrid.metrics.users).toBe(592);
  }, 120_000);
});

describe.runIf(existsSync(join(RATING_SPLIT, 'train.csv')))('hybrid on the ml-latest-small rating split', () => {
  it('predicts ratings better than each of its bases (RMSE)', () => {
    const train = loadRatingsFile(join(RATING_SPLIT, 'train.csv'));
    const test = loadRatingsFile(join(RATING_SPLIT, 'test.csv'));
    const scale = [0.5, 5] as const;
    const singles: [string, Recommender<unknown, unknown>, unknown][] = [
      ['biases', R(biasesRecommender), {}],
      ['item-knn', R(itemKnnRecommender), {}],
      ['biased-mf', R(biasedMfRecommender), { epochs: 10 }],
    ];
    // The served rating blend (biases, item-kNN, biased MF; no content documents here).
    const params = HybridParamsSchema.parse({
      ratingBases: ['biases', 'item-knn', 'biased-mf'],
      baseParams: { 'biased-mf': { epochs: 10 } },
    });
    const hybrid = evaluateRating(R(servedHybridRecommender), { ...params, tasks: ['rating'] }, train, test, scale);
    expect(hybrid.rows).toBe(test.ratings.length);
    for (const [name, rec, cfg] of singles) {
      const single = evaluateRating(rec, cfg, train, test, scale);
      expect(hybrid.metrics.rmse, `RMSE vs ${name}`).toBeLessThan(single.metrics.rmse);
    }
  }, 120_000);
});
