/**
 * Serving-latency benchmark: fits the hybrid (registry defaults) on all ml-latest-small ratings with
 * the whole catalogue (9,742 movies) as the item vocabulary, then times one user's For You list
 * (all feature columns, the blend and the top-k) for every user, in memory, no database.
 *
 *   npm run bench:score [-- --params '{"rankingBases":[...]}' --k 20 --out results/bench]
 *
 * Prints one JSON document on stdout (progress on stderr) and saves it under results/bench/.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { recommendFromScores } from '../lib/recommender/content-tfidf';
import { createHybridScratch, fitHybrid, scoreHybridUser, sourceOf, weightsFor } from '../lib/recommender/hybrid';
import { buildContentDocs } from '../lib/recommender/hybrid-content-docs';
import { HybridParamsSchema, hybridConfigFrom } from '../lib/recommender/hybrid-registry';
import { loadCatalogue } from '../lib/recommender/io/catalogue';
import { loadRatingsFile } from '../lib/recommender/io/ratings-file';
import { buildRatingMatrix, createVocabulary } from '../lib/recommender/sparse';

const DATA_DIR = resolve(process.env.DATA_DIR ?? join('..', 'shared', 'data'));

function log(msg: string): void {
  process.stderr.write(`[bench:score] ${msg}\n`);
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
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
  const params = HybridParamsSchema.parse(values.params ? JSON.parse(values.params) : {});
  const started = new Date();

  const catalogue = loadCatalogue(DATA_DIR);
  const ratings = loadRatingsFile(join(DATA_DIR, 'movielens', 'ml-latest-small', 'ratings.csv'));
  const items = createVocabulary(Int32Array.from(catalogue.movies, (m) => m.movieId));
  const data = buildRatingMatrix({ userIds: ratings.userIds, itemIds: ratings.movieIds, ratings: ratings.ratings }, { items, scale: [0.5, 5] });
  log(`${data.users.size} users × ${data.items.size} catalogue items, ${data.byUser.values.length} ratings`);
  const docs = buildContentDocs(catalogue.movies, catalogue.tags);
  const t0 = performance.now();
  const model = fitHybrid(data, hybridConfigFrom(params, { contentDocs: docs, timeRows: ratings, tasks: ['ranking'], log }));
  const fitSeconds = (performance.now() - t0) / 1000;
  log(`fitted in ${fitSeconds.toFixed(1)} s`);

  // The serving path: one scratch and one score buffer per worker, reused across requests.
  const scratch = createHybridScratch(model, data.items.size);
  const scores = new Float32Array(data.items.size);
  const forYou = (u: number) => {
    scoreHybridUser(model, data, u, scores, scratch);
    const w = weightsFor(model, u);
    return recommendFromScores(scores, data, u, k).map((p) => ({ ...p, source: sourceOf(model, w, scratch, p.itemIdx) }));
  };
  for (let u = 0; u < Math.min(50, data.users.size); u++) forYou(u); // warm-up (JIT)
  const times = new Float64Array(data.users.size);
  let checksum = 0;
  for (let u = 0; u < data.users.size; u++) {
    const a = performance.now();
    const list = forYou(u);
    times[u] = performance.now() - a;
    checksum += list[0]?.itemIdx ?? 0;
  }
  const sorted = times.slice().sort();
  const mean = times.reduce((s, x) => s + x, 0) / times.length;
  const cpuList = cpus();
  const doc = {
    benchmark: 'for-you scoring, one user over the full catalogue (in memory)',
    dataset: 'ml-latest-small (all ratings) + catalogue',
    nUsers: data.users.size,
    nItems: data.items.size,
    k,
    params,
    fitSeconds,
    ms: { mean, p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99), max: sorted[sorted.length - 1] },
    checksum,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    commit: gitCommit(),
    machine: { cpu: cpuList[0]?.model ?? 'unknown', cores: cpuList.length, ramGb: Math.round(totalmem() / 2 ** 30), node: process.version },
    date: started.toISOString(),
  };
  const json = JSON.stringify(doc, null, 2);
  if (!values['no-save']) {
    const dir = resolve(values.out ?? join('results', 'bench'));
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${started.toISOString().replace(/[:.]/g, '-')}-score.json`);
    writeFileSync(file, json + '\n');
    log(`saved ${relative(process.cwd(), file)}`);
  }
  process.stdout.write(json + '\n');
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return null;
  }
}

main();
