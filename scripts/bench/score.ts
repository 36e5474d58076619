/**
 * Serving-latency benchmark of the served hybrid: trains it (registry defaults) on all ml-latest-small ratings with
 * the whole catalogue (9,742 movies) as the item vocabulary, then times, for every user, the engine work of one For
 * You request as the app does it (lib/server/services/for-you.ts): live fold-in of the user's current ratings into
 * every feature column, the blend, the top 20 and each pick's explanation (top contributor) and predicted rating.
 * In memory, no database, one reused scratch (one per worker in the app).
 *
 *   npm run bench:score [-- --params '{"rankingBases":[...]}' --k 20 --out results/bench --no-save]
 *
 * Prints one JSON document on stdout (progress on stderr) and saves it under results/bench/.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadRatingsFile } from '../../lib/recommender/io/ratings-file';
import {
  createServingScratch,
  explainPage,
  predictRating,
  ratingContext,
  scoreUser,
  topN,
} from '../../lib/recommender/serving';
import { userRow } from '../../lib/recommender/serving/recommender';
import { buildRatingMatrix, createVocabulary } from '../../lib/recommender/core/sparse';
import {
  DATA_DIR,
  catalogueDocs,
  finishResult,
  fitServedRanking,
  logger,
  parseHybridParams,
  percentile,
} from '../eval/common';

const log = logger('bench:score');

function summary(ms: number[]): Record<string, number> {
  const sorted = Float64Array.from(ms).sort();
  const mean = ms.reduce((s, x) => s + x, 0) / Math.max(1, ms.length);
  return {
    users: ms.length,
    mean,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? 0,
  };
}

function main(): void {
  const { values } = parseArgs({
    options: {
      params: { type: 'string' },
      k: { type: 'string', default: '20' },
      out: { type: 'string' },
      'no-save': { type: 'boolean', default: false },
    },
  });
  const k = Number(values.k);
  const params = parseHybridParams(values.params);
  const started = new Date();

  const { catalogue, docs } = catalogueDocs();
  const ratings = loadRatingsFile(join(DATA_DIR, 'movielens', 'ml-latest-small', 'ratings.csv'));
  const items = createVocabulary(Int32Array.from(catalogue.movies, (m) => m.movieId));
  const data = buildRatingMatrix(
    { userIds: ratings.userIds, itemIds: ratings.movieIds, ratings: ratings.ratings },
    { items, scale: [0.5, 5] },
  );
  log(`${data.users.size} users × ${data.items.size} catalogue items, ${data.byUser.values.length} ratings`);
  // Both blends: a For You page shows a predicted rating per item.
  const { model: served, fitSeconds } = fitServedRanking(data, ratings, docs, params, log, ['ranking', 'rating']);
  log(`fitted in ${fitSeconds.toFixed(1)} s`);
  const model = served.serving;

  // The app's engine calls for one request (for-you.ts buildForYouFeed), on one reused scratch and score buffer.
  const scratch = createServingScratch(model);
  const scores = new Float32Array(model.itemIds.length);
  const forYou = (u: number) => {
    const user = userRow(data, u, served.times);
    scoreUser(model, user, scores, scratch);
    const page = topN(scores, user.itemIdx, k);
    const ctx = ratingContext(model, user);
    const reasons = explainPage(model, user, scratch, page);
    return page.map((i, x) => ({ itemIdx: i, reason: reasons[x], predicted: predictRating(model, ctx, i) }));
  };
  // Scoring alone: every feature column from the current ratings, the blend and the top k (no explanations or
  // predicted ratings).
  const scoreOnly = (u: number) => {
    const user = userRow(data, u, served.times);
    scoreUser(model, user, scores, scratch);
    return topN(scores, user.itemIdx, k);
  };
  for (let u = 0; u < Math.min(50, data.users.size); u++) forYou(u); // warm-up (JIT)
  const all: number[] = [];
  const heavy: number[] = [];
  // CPU time of each request too: on a shared machine wall time includes waiting for a core.
  const cpuAll: number[] = [];
  const cpuHeavy: number[] = [];
  let checksum = 0;
  const cpu0 = process.cpuUsage();
  for (let u = 0; u < data.users.size; u++) {
    const c = process.cpuUsage();
    const a = performance.now();
    const list = forYou(u);
    const ms = performance.now() - a;
    const dc = process.cpuUsage(c);
    const cpuMs = (dc.user + dc.system) / 1000;
    all.push(ms);
    cpuAll.push(cpuMs);
    if (data.byUser.indptr[u + 1] - data.byUser.indptr[u] >= 1000) {
      heavy.push(ms);
      cpuHeavy.push(cpuMs);
    }
    checksum += list[0]?.itemIdx ?? 0;
  }
  const cpu = process.cpuUsage(cpu0);
  const scoreCpu: number[] = [];
  const scoreCpuHeavy: number[] = [];
  for (let u = 0; u < data.users.size; u++) {
    const c = process.cpuUsage();
    checksum += scoreOnly(u)[0] ?? 0;
    const dc = process.cpuUsage(c);
    scoreCpu.push((dc.user + dc.system) / 1000);
    if (data.byUser.indptr[u + 1] - data.byUser.indptr[u] >= 1000) scoreCpuHeavy.push((dc.user + dc.system) / 1000);
  }
  const doc: Record<string, unknown> = {
    benchmark:
      'for-you engine work per request (fold-in + features + blend + top-k + explanations + predicted ratings), one user over the full catalogue, in memory',
    dataset: 'ml-latest-small (all ratings) + catalogue',
    nUsers: data.users.size,
    nItems: data.items.size,
    k,
    params,
    fitSeconds,
    ms: summary(all),
    heavyUsersMs: summary(heavy),
    cpuMs: summary(cpuAll),
    heavyUsersCpuMs: summary(cpuHeavy),
    scoringOnlyCpuMs: summary(scoreCpu),
    scoringOnlyHeavyUsersCpuMs: summary(scoreCpuHeavy),
    loadAverage1m: loadavg()[0],
    cpuSecondsScoring: (cpu.user + cpu.system) / 1e6,
    checksum,
  };
  const w = summary(all);
  const cpuS = summary(cpuAll);
  log(
    `wall mean ${w.mean.toFixed(2)} ms, p95 ${w.p95.toFixed(2)} ms; CPU mean ${cpuS.mean.toFixed(2)} ms, p95 ${cpuS.p95.toFixed(2)} ms; users with ≥ 1000 ratings CPU p95 ${summary(cpuHeavy).p95.toFixed(2)} ms`,
  );
  const so = summary(scoreCpu);
  log(
    `scoring only: CPU mean ${so.mean.toFixed(2)} ms, p95 ${so.p95.toFixed(2)} ms; users with ≥ 1000 ratings p95 ${summary(scoreCpuHeavy).p95.toFixed(2)} ms`,
  );
  finishResult(doc, started, values.out ?? join('results', 'bench'), 'score', !values['no-save'], log);
}

main();
