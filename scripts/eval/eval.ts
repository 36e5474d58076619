/**
 * Offline evaluation CLI (protocol: ../shared/bench/PROTOCOL.md). Prints exactly one JSON
 * document on stdout, logs to stderr, and saves the document under results/eval/.
 *
 *   npm run eval -- --help
 *   npm run eval -- --data ml-100k-folds --algo item-knn
 *   npm run eval -- --train a.csv --test b.csv --task ranking --algo popularity --params '{"mode":"count"}'
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { carveTuningSplit, type RatingRows } from '../../lib/recommender/core/holdout';
import {
  coldStartSlice,
  evaluateRanking,
  evaluateRating,
  relevantByUser,
  summariseFolds,
  trainMatrix,
} from '../../lib/recommender/eval/evaluate';
import { createRng } from '../../lib/recommender/core/rng';
import {
  DEFAULT_IMPLICIT_WEIGHTS,
  type ImplicitSimulation,
  type ImplicitRows,
  type ImplicitWeights,
  simulateImplicit,
} from '../../lib/recommender/core/interactions';
import { loadRatingsFile } from '../../lib/recommender/io/ratings-file';
import { loadCatalogue } from '../../lib/recommender/io/catalogue';
import { loadMl100kItems } from '../../lib/recommender/io/movielens';
import type { ContentDoc } from '../../lib/recommender/algorithms/content-tfidf';
import { buildContentDocs } from '../../lib/recommender/algorithms/content-docs';
import { CONTEXT_ALGOS, ml100kContentDocs } from '../../lib/recommender/hybrid/params';
import { DEFAULT_ALGO, describeParams, REGISTRY, resolveAlgorithm } from '../../lib/recommender/eval/registry';

const DATA_DIR = resolve(process.env.DATA_DIR ?? join('..', 'shared', 'data'));
const BENCH_DIR = resolve(process.env.BENCH_DIR ?? join('..', 'shared', 'bench'));

const HELP = `npm run eval -- [options]

Data (one of):
  --data ml-100k-folds             the five official ml-100k folds (u1..u5 base/test); metrics = mean over folds
  --data ml-latest-small-rating    ${relative(process.cwd(), join(BENCH_DIR, 'splits/ml-latest-small/rating'))}/{train,test}.csv (task rating)
  --data ml-latest-small-ranking   ${relative(process.cwd(), join(BENCH_DIR, 'splits/ml-latest-small/ranking'))}/{train,test}.csv (task ranking)
  --train FILE --test FILE         any file in the split format (userId,movieId,rating,timestamp; or ml-100k tab format)

Options:
  --task rating|ranking   rating: RMSE/MAE over every test row; ranking: Recall@10/20, NDCG@10, Precision@10, Coverage@10
  --algo NAME             algorithm (default ${DEFAULT_ALGO}); see the list below
  --params JSON           hyper-parameters, e.g. '{"k":40}' (validated; unknown keys are errors)
  --cold-start            ranking only: the protocol's cold-start slice, reported next to popularity
  --validation            tune, don't test: evaluate on a split carved from train only (ranking: latest 20%
                          per user; rating: random 10%, seed 7); the test file is not read
  --implicit-sim MODE     issue #23 simulation on the train rows (after any --validation carve): a seeded half
                          (round(n/2)) of each user's train ratings loses its value. none (default): all ratings;
                          drop: that half is removed; watches: that half becomes bare watches, those rated ≥ 4.5
                          also likes, entering the implicit models only (ALS, EASE, RP3beta) with --implicit-weights
  --implicit-weights JSON value a watch / like / watchlist add enters the implicit models with (rating scale),
                          default ${JSON.stringify(DEFAULT_IMPLICIT_WEIGHTS)}
  --implicit-seed N       seed of the simulation's half (default 23)
  --scale LO,HI           rating scale for clipping (default: ml-100k 1,5; otherwise 0.5,5)
  --dataset NAME          name recorded in the output for --train/--test runs (default "custom")
  --out DIR               where the JSON document is saved (default results/eval)
  --no-save               do not save the document
  --help                  this text

Environment: DATA_DIR (default ../shared/data), BENCH_DIR (default ../shared/bench).

Algorithms and parameters:
${Object.entries(REGISTRY)
  .map(
    ([name, e]) =>
      `  ${name}${name === DEFAULT_ALGO ? ' (default)' : ''}: ${e.description}\n${describeParams(e)
        .map((l) => `      ${l}`)
        .join('\n')}`,
  )
  .join('\n')}
`;

function log(msg: string): void {
  process.stderr.write(`[eval] ${msg}\n`);
}

function load(path: string): RatingRows {
  const r = loadRatingsFile(path);
  if (r.issueCount > 0) {
    log(
      `${path}: skipped ${r.issueCount} malformed rows; first: ${r.issues
        .slice(0, 3)
        .map((i) => `line ${i.line}: ${i.message}`)
        .join('; ')}`,
    );
  }
  return r;
}

/** The issue #23 simulation applied to train rows (the identity for 'none'). */
interface ImplicitRun {
  mode: ImplicitSimulation;
  weights: ImplicitWeights;
  seed: number;
}

/** Train/test rows of a split, or (with --validation) a carve of its train file; then the implicit simulation on train. */
function loadPair(
  s: Split,
  task: 'rating' | 'ranking',
  validation: boolean,
  sim?: ImplicitRun,
): { train: RatingRows; test: RatingRows; implicit?: { rows: ImplicitRows | null; weights: ImplicitWeights } } {
  const pair = validation ? carveTuningSplit(load(s.train), task) : { train: load(s.train), test: load(s.test) };
  if (!sim || sim.mode === 'none') return pair;
  const { kept, implicit, converted } = simulateImplicit(pair.train, sim.mode, { seed: sim.seed });
  log(
    `implicit-sim ${sim.mode}: ${converted} of ${pair.train.ratings.length} train ratings lose their value; ${kept.ratings.length} ratings and ${implicit?.userIds.length ?? 0} implicit rows (watches + likes) enter the fit`,
  );
  return { train: kept, test: pair.test, implicit: { rows: implicit, weights: sim.weights } };
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return null; // not a git checkout: recorded as null, never guessed
  }
}

function gitDirty(): boolean | null {
  try {
    return (
      execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim() !== ''
    );
  } catch {
    return null;
  }
}

interface Split {
  name: string;
  train: string;
  test: string;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      train: { type: 'string' },
      test: { type: 'string' },
      task: { type: 'string' },
      algo: { type: 'string' },
      params: { type: 'string' },
      data: { type: 'string' },
      'cold-start': { type: 'boolean', default: false },
      validation: { type: 'boolean', default: false },
      'implicit-sim': { type: 'string', default: 'none' },
      'implicit-weights': { type: 'string' },
      'implicit-seed': { type: 'string', default: '23' },
      scale: { type: 'string' },
      dataset: { type: 'string' },
      out: { type: 'string' },
      'no-save': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }

  let dataset: string;
  let splitName: string;
  let splits: Split[];
  let task = values.task;
  let scale: [number, number] = [0.5, 5];
  const ml100k = join(DATA_DIR, 'movielens', 'ml-100k');
  const small = join(BENCH_DIR, 'splits', 'ml-latest-small');
  switch (values.data) {
    case 'ml-100k-folds':
      dataset = 'ml-100k';
      splitName = 'folds';
      scale = [1, 5];
      splits = [1, 2, 3, 4, 5].map((f) => ({
        name: `u${f}`,
        train: join(ml100k, `u${f}.base`),
        test: join(ml100k, `u${f}.test`),
      }));
      task ??= 'rating';
      break;
    case 'ml-latest-small-rating':
    case 'ml-latest-small-ranking': {
      const which = values.data.endsWith('rating') ? 'rating' : 'ranking';
      dataset = 'ml-latest-small';
      splitName = which;
      splits = [{ name: which, train: join(small, which, 'train.csv'), test: join(small, which, 'test.csv') }];
      task ??= which;
      break;
    }
    case undefined:
      if (!values.train || !values.test)
        throw new UsageError('give --data NAME, or both --train FILE and --test FILE (see --help)');
      dataset = values.dataset ?? 'custom';
      splitName = `${relative(process.cwd(), resolve(values.train))} | ${relative(process.cwd(), resolve(values.test))}`;
      splits = [{ name: 'custom', train: resolve(values.train), test: resolve(values.test) }];
      if (/u\d\.base$|u[ab]\.base$/.test(values.train)) scale = [1, 5];
      break;
    default:
      throw new UsageError(
        `unknown --data ${values.data}; use ml-100k-folds, ml-latest-small-rating or ml-latest-small-ranking`,
      );
  }
  if (values.scale) {
    const [lo, hi] = values.scale.split(',').map(Number);
    if (!(lo < hi)) throw new UsageError(`bad --scale ${values.scale}; expected LO,HI`);
    scale = [lo, hi];
  }
  task ??= 'rating';
  if (task !== 'rating' && task !== 'ranking') throw new UsageError(`--task must be rating or ranking, not ${task}`);
  if (values['cold-start'] && task !== 'ranking') throw new UsageError('--cold-start needs --task ranking');

  const simMode = values['implicit-sim'];
  if (simMode !== 'none' && simMode !== 'drop' && simMode !== 'watches')
    throw new UsageError(`--implicit-sim must be none, drop or watches, not ${simMode}`);
  let weights: ImplicitWeights = { ...DEFAULT_IMPLICIT_WEIGHTS };
  if (values['implicit-weights']) {
    let w: Partial<ImplicitWeights>;
    try {
      w = JSON.parse(values['implicit-weights']) as Partial<ImplicitWeights>;
    } catch (err) {
      throw new UsageError(`--implicit-weights is not valid JSON: ${(err as Error).message}`);
    }
    weights = { ...weights, ...w };
    if (![weights.watch, weights.like, weights.watchlist].every(Number.isFinite))
      throw new UsageError('--implicit-weights needs numbers for watch, like and watchlist');
  }
  const simSeed = Number(values['implicit-seed']);
  if (!Number.isInteger(simSeed))
    throw new UsageError(`--implicit-seed must be an integer, not ${values['implicit-seed']}`);
  const sim: ImplicitRun = { mode: simMode, weights, seed: simSeed };
  if (simMode !== 'none' && values['cold-start'])
    throw new UsageError('--implicit-sim does not combine with --cold-start');

  const algo = values.algo ?? DEFAULT_ALGO;
  let rawParams: unknown = {};
  if (values.params) {
    try {
      rawParams = JSON.parse(values.params);
    } catch (err) {
      throw new UsageError(`--params is not valid JSON: ${(err as Error).message}`);
    }
  }
  let resolved: ReturnType<typeof resolveAlgorithm>;
  try {
    resolved = resolveAlgorithm(algo, rawParams);
  } catch (err) {
    throw new UsageError((err as Error).message); // unknown algorithm or invalid --params
  }
  const { entry, config } = resolved;
  // Content-aware algorithms get the catalogue content and the train timestamps attached per run
  // (ml-100k: u.item titles/genres; otherwise the ml-latest-small catalogue joined with TMDB).
  let contentDocs: ContentDoc[] | undefined;
  if (CONTEXT_ALGOS.has(algo)) {
    const t0 = performance.now();
    if (dataset === 'ml-100k' || scale[0] === 1) {
      contentDocs = ml100kContentDocs(loadMl100kItems(ml100k).movies);
    } else {
      const catalogue = loadCatalogue(DATA_DIR);
      contentDocs = buildContentDocs(catalogue.movies, catalogue.tags);
    }
    log(`content: ${contentDocs.length} documents in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const runConfig = (train: RatingRows): unknown =>
    CONTEXT_ALGOS.has(algo) ? { ...(config as object), contentDocs, timeRows: train, tasks: [task], log } : config;

  const started = new Date();
  log(`${dataset} ${splitName} task=${task} algo=${algo}${values['cold-start'] ? ' cold-start' : ''}`);
  if (values.validation) splitName += ' validation';
  const doc: Record<string, unknown> = {
    dataset,
    split: splitName,
    task,
    algo,
    params: config,
  };
  if (simMode !== 'none')
    doc.implicitSimulation = {
      mode: simMode,
      seed: simSeed,
      share: 0.5,
      likeAt: 4.5,
      ...(simMode === 'watches' ? { weights } : {}),
    };

  if (task === 'rating') {
    const folds = splits.map((s) => {
      const { train, test, implicit } = loadPair(s, 'rating', values.validation, sim);
      const r = evaluateRating(entry.recommender, runConfig(train), train, test, scale, {
        data: trainMatrix(train, scale, implicit),
      });
      log(
        `${s.name}: rmse=${r.metrics.rmse.toFixed(4)} mae=${r.metrics.mae.toFixed(4)} fit=${r.fitSeconds.toFixed(2)}s predict=${r.predictSeconds.toFixed(2)}s (${r.unknownRows} fallback rows)`,
      );
      return { fold: s.name, ...r };
    });
    const summary = summariseFolds(folds.map((f) => f.metrics));
    doc.metrics = summary.mean;
    doc.fitSeconds = mean(folds.map((f) => f.fitSeconds));
    doc.predictSeconds = mean(folds.map((f) => f.predictSeconds));
    if (folds.length > 1) {
      doc.std = summary.std;
      doc.folds = folds.map((f) => ({
        fold: f.fold,
        metrics: f.metrics,
        fitSeconds: f.fitSeconds,
        predictSeconds: f.predictSeconds,
        fallbackRows: f.unknownRows,
      }));
    } else doc.fallbackRows = folds[0].unknownRows;
    doc.scale = scale;
  } else if (!values['cold-start']) {
    const folds = splits.map((s) => {
      const { train, test, implicit } = loadPair(s, 'ranking', values.validation, sim);
      const data = trainMatrix(train, undefined, implicit);
      const cfg = runConfig(train);
      const t0 = performance.now();
      const model = entry.recommender.fit(data, cfg);
      const fitSeconds = (performance.now() - t0) / 1000;
      const r = { ...evaluateRanking(entry.recommender, cfg, train, test, { data, model }), fitSeconds };
      // The evaluated users' top-10 lists (same users and order as the metrics) for the coverage interval.
      const lists = [...relevantByUser(test).keys()].map((userId) =>
        entry.recommender
          .recommend(model, data, data.users.index(userId) ?? -1, 20)
          .slice(0, 10)
          .map((x: { itemIdx: number }) => x.itemIdx),
      );
      const coverageBootstrap = bootstrapCoverage(lists, data.items.size);
      log(
        `${s.name}: ndcg@10=${r.metrics['ndcg@10'].toFixed(4)} recall@20=${r.metrics['recall@20'].toFixed(4)} coverage@10=${r.metrics['coverage@10'].toFixed(4)} (bootstrap 90% ${coverageBootstrap.lo.toFixed(4)} … ${coverageBootstrap.hi.toFixed(4)}) fit=${r.fitSeconds.toFixed(2)}s`,
      );
      return { fold: s.name, ...r, coverageBootstrap };
    });
    const summary = summariseFolds(folds.map((f) => f.metrics as unknown as Record<string, number>));
    doc.metrics = summary.mean;
    doc.fitSeconds = mean(folds.map((f) => f.fitSeconds));
    doc.predictSeconds = mean(folds.map((f) => f.predictSeconds));
    if (folds.length > 1) {
      doc.std = summary.std;
      doc.folds = folds.map((f) => ({
        fold: f.fold,
        metrics: f.metrics,
        standardErrors: f.standardErrors,
        fitSeconds: f.fitSeconds,
        predictSeconds: f.predictSeconds,
        coverageBootstrap: f.coverageBootstrap,
      }));
    } else {
      doc.coverageBootstrap = folds[0].coverageBootstrap;
      doc.standardErrors = folds[0].standardErrors;
    }
  } else {
    if (splits.length !== 1)
      throw new UsageError('--cold-start runs on one train/test pair (e.g. --data ml-latest-small-ranking)');
    const { train, test } = loadPair(splits[0], 'ranking', values.validation);
    const slice = coldStartSlice(train, test);
    log(
      `cold-start: ${slice.coldUsers.size} users reduced to their 5 earliest train ratings (${train.ratings.length} → ${slice.train.ratings.length} train rows)`,
    );
    const r = evaluateRanking(entry.recommender, runConfig(slice.train), slice.train, test, {
      onlyUsers: slice.coldUsers,
    });
    const pop = resolveAlgorithm('popularity', {});
    const p = evaluateRanking(pop.entry.recommender, pop.config, slice.train, test, { onlyUsers: slice.coldUsers });
    doc.split = `${splitName} cold-start`;
    doc.metrics = {
      'ndcg@10': r.metrics['ndcg@10'],
      'recall@20': r.metrics['recall@20'],
      users: r.metrics.users,
      all: r.metrics,
    };
    doc.baseline = {
      algo: 'popularity',
      params: pop.config,
      metrics: { 'ndcg@10': p.metrics['ndcg@10'], 'recall@20': p.metrics['recall@20'], users: p.metrics.users },
    };
    doc.fitSeconds = r.fitSeconds;
    doc.predictSeconds = r.predictSeconds;
  }

  const cpuList = cpus();
  Object.assign(doc, {
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    // CPU seconds of the whole run (load + fit + predict): comparable even when the machine is busy.
    cpuSeconds: (() => {
      const c = process.cpuUsage();
      return (c.user + c.system) / 1e6;
    })(),
    commit: gitCommit(),
    dirty: gitDirty(),
    machine: {
      cpu: cpuList[0]?.model ?? 'unknown',
      cores: cpuList.length,
      ramGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      platform: process.platform,
    },
    date: started.toISOString(),
  });
  const json = JSON.stringify(doc, null, 2);
  if (!values['no-save']) {
    const dir = resolve(values.out ?? join('results', 'eval'));
    mkdirSync(dir, { recursive: true });
    const stamp = started.toISOString().replace(/[:.]/g, '-');
    const file = join(
      dir,
      `${stamp}-${dataset}-${task}${values['cold-start'] ? '-cold' : ''}${values.validation ? '-validation' : ''}${simMode !== 'none' ? `-implicit-${simMode}` : ''}-${basename(algo)}.json`,
    );
    writeFileSync(file, json + '\n');
    log(`saved ${relative(process.cwd(), file)}`);
  }
  process.stdout.write(json + '\n');
}

class UsageError extends Error {}

/** Seed, resamples and level of the coverage interval (docs/benchmarks/hybrid.md, second validation-only round). */
const BOOTSTRAP = { seed: 20251125, resamples: 200, level: 0.9 };

/**
 * User-bootstrap percentile interval of coverage@10: the evaluated users are resampled with replacement and the
 * union of their top-10 lists is recounted over the same item count. Quantiles by linear interpolation between
 * order statistics. A resample holds ≈ 63% distinct users, so the distribution sits below the point estimate.
 */
function bootstrapCoverage(
  lists: readonly (readonly number[])[],
  nItems: number,
): { point: number; lo: number; hi: number; mean: number; seed: number; resamples: number; level: number } {
  const seen = new Int32Array(Math.max(1, nItems)).fill(-1);
  const coverageOf = (pick: (k: number) => number, stamp: number): number => {
    let covered = 0;
    for (let k = 0; k < lists.length; k++) {
      for (const i of lists[pick(k)]) {
        if (i < 0 || i >= nItems || seen[i] === stamp) continue;
        seen[i] = stamp;
        covered++;
      }
    }
    return nItems > 0 ? covered / nItems : 0;
  };
  const point = coverageOf((k) => k, 0);
  if (lists.length === 0) return { point, lo: point, hi: point, mean: point, ...BOOTSTRAP };
  const rng = createRng(BOOTSTRAP.seed);
  const xs: number[] = [];
  for (let b = 1; b <= BOOTSTRAP.resamples; b++) xs.push(coverageOf(() => rng.int(lists.length), b));
  xs.sort((a, b) => a - b);
  const q = (p: number): number => {
    const h = (xs.length - 1) * p;
    const lo = Math.floor(h);
    return xs[lo] + (h - lo) * ((xs[Math.min(lo + 1, xs.length - 1)] ?? xs[lo]) - xs[lo]);
  };
  const tail = (1 - BOOTSTRAP.level) / 2;
  return { point, lo: q(tail), hi: q(1 - tail), mean: mean(xs), ...BOOTSTRAP };
}

function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

try {
  main();
} catch (err) {
  process.stderr.write(`[eval] error: ${err instanceof Error ? err.message : String(err)}\n`);
  if (!(err instanceof UsageError) && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
  process.exit(err instanceof UsageError ? 2 : 1);
}
