/**
 * Extra evaluations of the hybrid on the ml-latest-small ranking split (PROTOCOL.md metrics):
 *
 *   --part mmr         MMR re-ranking (content cosine) of the hybrid's top 50 for several λ:
 *                      accuracy, coverage@10 and intra-list diversity@10.
 *   --part cold-items  movies nobody rated in train: how well the content model (and the hybrid)
 *                      ranks them for users whose relevant test movies include such movies,
 *                      next to a seeded random ranking.
 *
 *   npx tsx scripts/eval/hybrid-extras.ts --part mmr [--params JSON] [--no-save]
 *
 * One JSON document on stdout (logs on stderr), also saved under results/eval/.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ContentTfidfConfigSchema,
  fitContentTfidf,
  recommendFromScores,
  scoreContentUser,
} from '../../lib/recommender/algorithms/content-tfidf';
import { topKIndices } from '../../lib/recommender/core/select-top';
import { relevantByUser, trainMatrix } from '../../lib/recommender/eval/evaluate';
import { loadRatingsFile } from '../../lib/recommender/io/ratings-file';
import { RankingAccumulator } from '../../lib/recommender/eval/metrics';
import { intraListDiversity, mmrRerank } from '../../lib/recommender/serving/mmr';
import { createRng } from '../../lib/recommender/core/rng';
import { contentCosine, createServingScratch, scoreUser, servedOrder } from '../../lib/recommender/serving';
import { userRow } from '../../lib/recommender/serving/recommender';
import { buildRatingMatrix, createVocabulary } from '../../lib/recommender/core/sparse';
import { BENCH_DIR, catalogueDocs, finishResult, fitServedRanking, logger, parseHybridParams } from './common';

const SPLIT = join(BENCH_DIR, 'splits', 'ml-latest-small', 'ranking');
const log = logger('extras');

function main(): void {
  const { values } = parseArgs({
    options: {
      part: { type: 'string' },
      params: { type: 'string' },
      lambdas: { type: 'string', default: '1,0.9,0.8,0.7,0.5,0.3' },
      'no-save': { type: 'boolean', default: false },
    },
  });
  const part = values.part;
  if (part !== 'mmr' && part !== 'cold-items') throw new Error('--part mmr|cold-items');
  const params = parseHybridParams(values.params);
  const started = new Date();
  const train = loadRatingsFile(join(SPLIT, 'train.csv'));
  const test = loadRatingsFile(join(SPLIT, 'test.csv'));
  const { catalogue, docs } = catalogueDocs();
  const doc: Record<string, unknown> = { dataset: 'ml-latest-small', split: 'ranking', part, params };

  if (part === 'mmr') {
    const data = trainMatrix(train);
    const { model: served, fitSeconds } = fitServedRanking(data, train, docs, params, log);
    doc.fitSeconds = fitSeconds;
    const model = served.serving;
    const sim = contentCosine(model);
    const scratch = createServingScratch(model);
    const scores = new Float32Array(data.items.size);
    // Top 50 per evaluated user once; every λ re-ranks the same pools.
    const pools: { u: number; nRatings: number; relevant: Set<number>; top: ReturnType<typeof recommendFromScores> }[] =
      [];
    for (const [userId, items] of relevantByUser(test)) {
      const u = data.users.index(userId) ?? -1;
      const relevant = new Set<number>();
      items.forEach((movieId, k) => relevant.add(data.items.index(movieId) ?? -1 - k));
      scoreUser(model, userRow(data, u, served.times), scores, scratch);
      const nRatings = u >= 0 ? data.byUser.indptr[u + 1] - data.byUser.indptr[u] : 0;
      pools.push({ u, nRatings, relevant, top: recommendFromScores(scores, data, u, 50) });
    }
    const rows = values
      .lambdas!.split(',')
      .map(Number)
      .map((lambda) => {
        const acc = new RankingAccumulator(data.items.size);
        let ild = 0;
        for (const p of pools) {
          // As For You serves it: the model's discovery slots (if any) re-order the first 20 of the MMR order.
          const list = servedOrder(
            model,
            p.nRatings,
            mmrRerank(p.top, 20, lambda, sim).map((x) => x.itemIdx),
          );
          acc.add(list, p.relevant);
          ild += intraListDiversity(list.slice(0, 10), sim);
        }
        const m = acc.result();
        log(
          `λ=${lambda}: ndcg@10=${m['ndcg@10'].toFixed(4)} recall@20=${m['recall@20'].toFixed(4)} coverage@10=${m['coverage@10'].toFixed(4)} ild@10=${(ild / pools.length).toFixed(4)}`,
        );
        return { lambda, metrics: { ...m, 'ild@10': ild / pools.length } };
      });
    doc.algo = 'served hybrid + MMR (content cosine) over the top 50';
    doc.rows = rows;
  } else {
    // Vocabulary = whole catalogue, so movies with no train rating exist as empty columns.
    const items = createVocabulary(Int32Array.from(catalogue.movies, (m) => m.movieId));
    const data = buildRatingMatrix(
      { userIds: train.userIds, itemIds: train.movieIds, ratings: train.ratings },
      { items },
    );
    const coldItems: number[] = [];
    for (let i = 0; i < data.items.size; i++)
      if (data.byItem.indptr[i + 1] === data.byItem.indptr[i]) coldItems.push(i);
    const isCold = new Uint8Array(data.items.size);
    for (const i of coldItems) isCold[i] = 1;
    const candidates = Int32Array.from(coldItems);
    // Evaluated: users with ≥ 1 relevant test movie that has no train rating.
    const evalUsers: { u: number; relevant: Set<number> }[] = [];
    for (const [userId, movieIds] of relevantByUser(test)) {
      const u = data.users.index(userId);
      if (u === undefined) continue;
      const relevant = new Set(movieIds.map((m) => data.items.index(m) ?? -1).filter((i) => i >= 0 && isCold[i]));
      if (relevant.size > 0) evalUsers.push({ u, relevant });
    }
    log(
      `${coldItems.length} catalogue movies without train ratings; ${evalUsers.length} users have relevant test movies among them`,
    );
    const content = fitContentTfidf(data, ContentTfidfConfigSchema.parse({ docs, fieldWeights: params.fieldWeights }));
    const { model: served, fitSeconds } = fitServedRanking(data, train, docs, params, log);
    doc.fitSeconds = fitSeconds;
    const scores = new Float32Array(data.items.size);
    const scratch = createServingScratch(served.serving);
    const rng = createRng(42);
    const accs = {
      content: new RankingAccumulator(coldItems.length),
      hybrid: new RankingAccumulator(coldItems.length),
      random: new RankingAccumulator(coldItems.length),
    };
    // Coverage is over the cold candidates: remap item indices to candidate positions.
    const pos = new Int32Array(data.items.size).fill(-1);
    coldItems.forEach((i, k) => (pos[i] = k));
    const asPos = (list: number[]) => list.map((i) => pos[i]);
    const relPos = (r: Set<number>) => new Set([...r].map((i) => pos[i]));
    for (const { u, relevant } of evalUsers) {
      scoreContentUser(content, data, u, scores);
      accs.content.add(
        asPos(recommendFromScores(scores, data, u, 20, { candidates }).map((x) => x.itemIdx)),
        relPos(relevant),
      );
      scoreUser(served.serving, userRow(data, u, served.times), scores, scratch);
      accs.hybrid.add(
        asPos(recommendFromScores(scores, data, u, 20, { candidates }).map((x) => x.itemIdx)),
        relPos(relevant),
      );
      const rand = Float32Array.from(coldItems, () => rng.next());
      accs.random.add(
        topKIndices(rand, 20).map((x) => x.itemIdx),
        relPos(relevant),
      );
    }
    doc.coldItems = coldItems.length;
    doc.algo = 'content vs served hybrid vs random, candidates = movies without train ratings';
    doc.rows = Object.entries(accs).map(([algo, acc]) => ({ algo, metrics: acc.result() }));
    for (const r of doc.rows as { algo: string; metrics: Record<string, number> }[]) {
      log(
        `${r.algo}: ndcg@10=${r.metrics['ndcg@10'].toFixed(4)} recall@20=${r.metrics['recall@20'].toFixed(4)} users=${r.metrics.users}`,
      );
    }
  }

  finishResult(
    doc,
    started,
    join('results', 'eval'),
    `ml-latest-small-ranking-${part}-hybrid`,
    !values['no-save'],
    log,
  );
}

main();
