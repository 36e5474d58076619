/**
 * Proof that an engine refactor changed nothing (issue #20): one JSON document holding
 * - the served model trained on ml-latest-small (all ratings + the demo catalogue's content, as the nightly job does):
 *   a SHA-256 of the whole model, of each top-level field and of its serialised form (meta + blobs);
 * - for every one of the 610 ml-latest-small users: the full score vector's SHA-256, the top-20 served order
 *   (as movie ids), the predicted rating and the top contribution of each pick, and an MMR (λ = 0.8) re-rank;
 * - the served model trained on synthetic ML-1M-shaped data (lib/recommender/eval/synth.ts, seed 1): the same digests;
 * - the eval CLI's metrics (`npm run eval`, no timings) for every registered algorithm on the ml-latest-small
 *   rating and ranking splits (an algorithm that refuses a task is recorded with its error line).
 *
 *   npx tsx --conditions=react-server scripts/eval/refactor-digest.ts --out results/refactor/before.json
 *   npx tsx scripts/eval/refactor-digest.ts --only small,ml1m --out /tmp/x.json
 *   npx tsx scripts/eval/refactor-digest.ts --compare results/refactor/before.json results/refactor/after.json
 *
 * Timings are recorded under `seconds` and ignored by --compare.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadCatalogue } from '../../lib/recommender/io/catalogue';
import { loadRatingsFile } from '../../lib/recommender/io/ratings-file';
import { buildRatingMatrix, createVocabulary } from '../../lib/recommender/core/sparse';
import { buildContentDocs } from '../../lib/recommender/algorithms/content-docs';
import {
  contentCosine,
  createServingScratch,
  DEFAULT_SERVING,
  explainPage,
  predictRating,
  ratingContext,
  scoreUser,
  servedOrder,
  topN,
  trainServingModelSync,
  userRow,
  type ServingModel,
} from '../../lib/recommender/serving';
import { mmrRerank } from '../../lib/recommender/serving/mmr';
import { serializeModel } from '../../lib/recommender/core/serialize';
import { generateSynthetic, SYNTH_SHAPES } from '../../lib/recommender/eval/synth';
import { alignTimestamps } from '../../lib/recommender/hybrid/features';
import { REGISTRY } from '../../lib/recommender/eval/registry';
import { SLOT_WINDOW } from '../../lib/recommender/serving/coverage-floor';
import { modelDigest } from '../../lib/recommender/testing/model-digest.test-helpers';

const DATA_DIR = resolve(process.env.DATA_DIR ?? join('..', 'shared', 'data'));
const EVAL_CLI = resolve(process.env.EVAL_CLI ?? 'scripts/eval/eval.ts');
const POOL = 300;

function log(msg: string): void {
  process.stderr.write(`[refactor-digest ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

function sha(bytes: ArrayBufferView | string): string {
  const h = createHash('sha256');
  h.update(typeof bytes === 'string' ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return h.digest('hex');
}

/** Whole-model, per-field and serialised digests of a served model. */
function servedDigest(model: ServingModel): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(model)) fields[k] = modelDigest(v);
  const { meta, blobs } = serializeModel(model);
  const blobShas = blobs.map((b) => `${b.name} ${b.dtype}[${b.length}] ${sha(b.data)}`);
  return { whole: modelDigest(model), fields, serialised: { meta: sha(JSON.stringify(meta)), blobs: blobShas } };
}

function metricsOf(result: { metrics: Record<string, number>; coverageFloor?: unknown }): unknown {
  return { metrics: result.metrics, coverageFloor: result.coverageFloor ?? null };
}

async function small(): Promise<Record<string, unknown>> {
  const r = loadRatingsFile(join(DATA_DIR, 'movielens', 'ml-latest-small', 'ratings.csv'));
  const { movies, tags } = loadCatalogue(DATA_DIR);
  // As lib/server/services/model-training.ts: every catalogue movie is an item, rated or not.
  const movieIds = new Int32Array(r.movieIds.length + movies.length);
  movieIds.set(r.movieIds);
  movies.forEach((m, x) => (movieIds[r.movieIds.length + x] = m.movieId));
  const items = createVocabulary(movieIds);
  const data = buildRatingMatrix(
    { userIds: r.userIds, itemIds: r.movieIds, ratings: r.ratings },
    { scale: [0.5, 5], items },
  );
  const docs = buildContentDocs(movies, tags);
  const timeRows = { userIds: r.userIds, movieIds: r.movieIds, timestamps: r.timestamps };
  log(`ml-latest-small: ${data.users.size} users, ${data.items.size} items; training the served model`);
  const trained = trainServingModelSync(data, docs, { ...DEFAULT_SERVING, timeRows });
  const model = trained.model;
  const times = alignTimestamps(data, r.userIds, r.movieIds, r.timestamps);
  const scratch = createServingScratch(model);
  const scores = new Float32Array(model.itemIds.length);
  const cosine = contentCosine(model);
  const users: Record<string, unknown> = {};
  for (let u = 0; u < data.users.size; u++) {
    const user = userRow(data, u, times);
    scoreUser(model, user, scores, scratch);
    const pool = topN(scores, [...user.itemIdx], POOL).filter((i) => Number.isFinite(scores[i]));
    const ordered = servedOrder(model, user.itemIdx.length, pool).slice(0, 20);
    const ctx = ratingContext(model, user);
    const contributions = explainPage(model, user, scratch, ordered);
    const picks = model.discoverySlots ? Math.max(20, SLOT_WINDOW) : 20;
    const mmr = servedOrder(
      model,
      user.itemIdx.length,
      mmrRerank(
        pool.map((i) => ({ itemIdx: i, score: scores[i] })),
        picks,
        0.8,
        cosine,
      ).map((s) => s.itemIdx),
    ).slice(0, 20);
    users[String(data.users.ids[u])] = {
      scores: sha(scores),
      top20: ordered.map((i) => model.itemIds[i]),
      predicted: ordered.map((i) => predictRating(model, ctx, i)),
      reasons: contributions.map((c) => [c.base, c.source, c.fromItemIdx >= 0 ? model.itemIds[c.fromItemIdx] : null]),
      mmr: mmr.map((i) => model.itemIds[i]),
    };
  }
  return { train: metricsOf(trained), model: servedDigest(model), users };
}

async function ml1m(): Promise<Record<string, unknown>> {
  const { users, items, ratings: n } = SYNTH_SHAPES['ml-1m'];
  const userIds = new Int32Array(n);
  const itemIds = new Int32Array(n);
  const ratings = new Float32Array(n);
  const timestamps = new Float64Array(n);
  let w = 0;
  generateSynthetic({ users, items, ratings: n, seed: 1 }, (u, m, x, t) => {
    userIds[w] = u;
    itemIds[w] = m;
    ratings[w] = x;
    timestamps[w++] = t;
  });
  const rows = {
    userIds: userIds.subarray(0, w),
    movieIds: itemIds.subarray(0, w),
    timestamps: timestamps.subarray(0, w),
  };
  const data = buildRatingMatrix(
    { userIds: rows.userIds, itemIds: rows.movieIds, ratings: ratings.subarray(0, w) },
    { scale: [0.5, 5] },
  );
  log(
    `ml-1m shape: ${data.users.size} users, ${data.items.size} items, ${w} ratings; training the served model (no content)`,
  );
  const trained = trainServingModelSync(data, null, { ...DEFAULT_SERVING, timeRows: rows });
  return { train: metricsOf(trained), model: servedDigest(trained.model) };
}

/** The eval CLI's document minus what varies run to run (timings, memory, commit, machine, date). */
function evalRuns(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const volatile = new Set([
    'fitSeconds',
    'predictSeconds',
    'peakRssMb',
    'cpuSeconds',
    'commit',
    'dirty',
    'machine',
    'date',
  ]);
  for (const data of ['ml-latest-small-rating', 'ml-latest-small-ranking']) {
    for (const algo of Object.keys(REGISTRY)) {
      const t0 = performance.now();
      const p = spawnSync(
        process.execPath,
        ['--import', 'tsx', EVAL_CLI, '--data', data, '--algo', algo, '--no-save'],
        {
          encoding: 'utf8',
          maxBuffer: 64 * 2 ** 20,
          env: { ...process.env, NODE_OPTIONS: '' },
        },
      );
      const key = `${data} ${algo}`;
      if (p.status !== 0) {
        const lines = p.stderr.trim().split('\n');
        out[key] = { exit: p.status, error: lines.find((l) => l.includes('error:')) ?? lines.at(-1) };
      } else {
        const doc = JSON.parse(p.stdout) as Record<string, unknown>;
        for (const k of volatile) delete doc[k];
        if (Array.isArray(doc.folds))
          for (const f of doc.folds as Record<string, unknown>[]) for (const k of volatile) delete f[k];
        out[key] = doc;
      }
      log(`${key}: exit ${p.status} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
  }
  return out;
}

/** Paths where two digest documents differ (timings under `seconds` ignored). */
function diff(a: unknown, b: unknown, path: string, out: string[]): void {
  if (out.length > 200) return;
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b) || (a === null) !== (b === null)) {
    out.push(`${path}: ${JSON.stringify(a)?.slice(0, 120)} ≠ ${JSON.stringify(b)?.slice(0, 120)}`);
    return;
  }
  if (a !== null && typeof a === 'object') {
    const ka = Object.keys(a as object);
    const kb = Object.keys(b as object);
    for (const k of new Set([...ka, ...kb])) {
      if (path === '' && (k === 'seconds' || k === 'commit' || k === 'date' || k === 'note')) continue;
      diff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}/${k}`, out);
    }
    return;
  }
  if (!Object.is(a, b)) out.push(`${path}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { only: { type: 'string' }, out: { type: 'string' }, compare: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  if (values.compare) {
    const [a, b] = positionals.map((p) => JSON.parse(readFileSync(p, 'utf8')) as unknown);
    const out: string[] = [];
    diff(a, b, '', out);
    process.stdout.write(
      out.length === 0 ? 'identical (timings aside)\n' : `${out.length} difference(s):\n${out.join('\n')}\n`,
    );
    process.exit(out.length === 0 ? 0 : 1);
  }
  const only = new Set((values.only ?? 'small,ml1m,eval').split(','));
  const git = spawnSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
  const doc: Record<string, unknown> = { commit: git, date: new Date().toISOString(), seconds: {} };
  const seconds = doc.seconds as Record<string, number>;
  const phases: [string, () => Promise<unknown> | unknown][] = [
    ['small', small],
    ['ml1m', ml1m],
    ['eval', evalRuns],
  ];
  for (const [name, fn] of phases) {
    if (!only.has(name)) continue;
    const t0 = performance.now();
    doc[name] = await fn();
    seconds[name] = (performance.now() - t0) / 1000;
    log(`${name} done in ${seconds[name].toFixed(1)} s`);
    if (values.out) {
      mkdirSync(dirname(resolve(values.out)), { recursive: true });
      writeFileSync(values.out, JSON.stringify(doc, null, 1) + '\n');
    }
  }
  if (!values.out) process.stdout.write(JSON.stringify(doc, null, 1) + '\n');
  process.exit(0); // worker pools keep the event loop alive
}

await main();
