/**
 * What the discovery slots put in front of members (docs/benchmarks/hybrid.md, tenth round): fits the served hybrid
 * (ranking and rating) on the ml-latest-small ranking TRAIN split and, for every warm train user, compares the
 * predicted ratings of the items the slots lift into the top 10 with those they displace and those kept. Reads no
 * test row. Prints one JSON summary (logs on stderr), also saved under results/eval/.
 *
 *   npx tsx scripts/eval/audit-discovery-slots.ts [--params JSON] [--no-save]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { trainMatrix } from '../../lib/recommender/eval/evaluate';
import { loadRatingsFile } from '../../lib/recommender/io/ratings-file';
import {
  createServingScratch,
  predictRating,
  ratingContext,
  scoreUser,
  servedOrder,
  topN,
} from '../../lib/recommender/serving';
import { userRow } from '../../lib/recommender/serving/recommender';
import { BENCH_DIR, catalogueDocs, finishResult, fitServedRanking, logger, parseHybridParams } from './common';

const log = logger('audit');
const { values } = parseArgs({
  options: { params: { type: 'string' }, 'no-save': { type: 'boolean', default: false } },
});
const started = new Date();
const train = loadRatingsFile(join(BENCH_DIR, 'splits', 'ml-latest-small', 'ranking', 'train.csv'));
const { catalogue, docs } = catalogueDocs();
const title = new Map(catalogue.movies.map((m) => [m.movieId, m.title]));
const data = trainMatrix(train);
const { model: served } = fitServedRanking(data, train, docs, parseHybridParams(values.params), log, [
  'ranking',
  'rating',
]);
const model = served.serving;
const scratch = createServingScratch(model);
const scores = new Float32Array(data.items.size);

/** Predicted ratings of the top-10 items by their fate under the slots, and the users' own mean ratings. */
const groups = { lifted: [] as number[], displaced: [] as number[], kept: [] as number[] };
let liftedBelowUserMean = 0;
let users = 0;
const liftedTrainCounts: number[] = [];
const examples: string[] = [];
for (let u = 0; u < data.users.size; u++) {
  const row = userRow(data, u, served.times);
  const n = row.itemIdx.length;
  if (n <= model.coldUserThreshold) continue;
  users++;
  scoreUser(model, row, scores, scratch);
  const plain = topN(scores, row.itemIdx, 20);
  const shown = servedOrder(model, n, plain).slice(0, 10);
  const plainTop = new Set(plain.slice(0, 10));
  const shownTop = new Set(shown);
  const ctx = ratingContext(model, row);
  const mean = row.values.reduce((a, b) => a + b, 0) / n;
  for (const i of shown) {
    const r = predictRating(model, ctx, i);
    if (plainTop.has(i)) {
      groups.kept.push(r);
      continue;
    }
    groups.lifted.push(r);
    liftedTrainCounts.push(data.byItem.indptr[i + 1] - data.byItem.indptr[i]);
    if (r < mean) liftedBelowUserMean++;
    if (examples.length < 10 && u % 37 === 0) {
      examples.push(
        `user ${data.users.ids[u]} (${n} ratings, mean ${mean.toFixed(2)}): ${title.get(data.items.ids[i])}, predicted ${r.toFixed(2)}`,
      );
    }
  }
  for (const i of plainTop) if (!shownTop.has(i)) groups.displaced.push(predictRating(model, ctx, i));
}

const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / Math.max(1, a.length);
const share = (a: number[], below: number) => a.filter((r) => r < below).length / Math.max(1, a.length);
const summary = {
  split: 'ml-latest-small ranking train',
  discoverySlots: model.discoverySlots ?? 0,
  warmUsers: users,
  lifted: groups.lifted.length,
  meanPredicted: { lifted: mean(groups.lifted), displaced: mean(groups.displaced), kept: mean(groups.kept) },
  predictedBelow3: {
    lifted: share(groups.lifted, 3),
    displaced: share(groups.displaced, 3),
    kept: share(groups.kept, 3),
  },
  liftedBelowUserMean: liftedBelowUserMean / Math.max(1, groups.lifted.length),
  liftedMedianTrainRatings: [...liftedTrainCounts].sort((a, b) => a - b)[Math.floor(liftedTrainCounts.length / 2)] ?? 0,
  examples,
};
finishResult(
  summary,
  started,
  join('results', 'eval'),
  'ml-latest-small-ranking-train-slot-audit-hybrid',
  !values['no-save'],
  log,
);
