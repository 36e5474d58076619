/**
 * Engine speed benchmark: fit times and peak memory of the factor models (and item-kNN) on the real
 * data sets and on synthetic ML-1M / ML-25M shaped data. Each case runs in its own child process so
 * its peak RSS is its own. Writes results/bench/engine-<date>.json; progress goes to stderr.
 *
 *   npm run bench:engine                       # every case
 *   npm run bench:engine -- --only als-small-1t,ease-small-2000
 *   npm run bench:engine -- --skip 25m         # skip cases whose name contains "25m"
 *
 * Env: DATA_DIR (default ../shared/data), BENCH_DIR (default ../shared/bench).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { loadRatingsFile } from '../lib/recommender/io/ratings-file';
import { buildRatingMatrix } from '../lib/recommender/sparse';
import { createRng } from '../lib/recommender/rng';
import { BiasedMfConfig, fitBiasedMf } from '../lib/recommender/biased-mf';
import { SvdppConfig, fitSvdpp } from '../lib/recommender/svdpp';
import { ImplicitAlsConfig, fitImplicitAls } from '../lib/recommender/implicit-als';
import { EaseConfig, fitEase } from '../lib/recommender/ease';
import { fitItemKnn } from '../lib/recommender/item-knn';
import { waitForAlsWorkers } from '../lib/recommender/workers/als-pool';
import type { RatingMatrix } from '../lib/recommender/types';

const DATA_DIR = resolve(process.env.DATA_DIR ?? join('..', 'shared', 'data'));
const BENCH_DIR = resolve(process.env.BENCH_DIR ?? join('..', 'shared', 'bench'));

interface CaseResult {
  name: string;
  description: string;
  /** Wall seconds of the fit alone (data loading excluded); several runs → each listed. */
  fitSeconds: number[];
  /** CPU seconds (user + system, all threads of this process) over the whole case, loading included. */
  cpuSeconds?: number;
  loadSeconds: number;
  peakRssMb: number;
  target?: string;
  extra?: Record<string, unknown>;
}

function log(msg: string): void {
  process.stderr.write(`[bench-engine] ${msg}\n`);
}

function timed<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const out = fn();
  return [out, (performance.now() - t0) / 1000];
}

function loadMatrix(path: string, scale: readonly [number, number]): RatingMatrix {
  const r = loadRatingsFile(path);
  return buildRatingMatrix({ userIds: r.userIds, itemIds: r.movieIds, ratings: r.ratings }, { scale });
}

/**
 * Synthetic MovieLens-shaped ratings, generated in memory: Zipf-like item popularity (exponent 1),
 * log-normal user activity (σ = 1, ≥ 20 ratings, scaled to the requested total), planted rank-8
 * tastes plus N(0, 0.5²) noise around 3.5, rounded to half stars in [0.5, 5]. Seeded.
 * (Stands in for helper A's `npm run synth` when it is not available.)
 */
function synthetic(nUsers: number, nItems: number, nRatings: number, seed: number): RatingMatrix {
  const rng = createRng(seed);
  const cdf = new Float64Array(nItems);
  let acc = 0;
  for (let i = 0; i < nItems; i++) cdf[i] = acc += 1 / (i + 10);
  for (let i = 0; i < nItems; i++) cdf[i] /= acc;
  const activity = new Float64Array(nUsers);
  let total = 0;
  for (let u = 0; u < nUsers; u++) total += activity[u] = Math.exp(rng.normal());
  const counts = new Int32Array(nUsers);
  let assigned = 0;
  for (let u = 0; u < nUsers; u++) {
    counts[u] = Math.min(nItems >> 1, Math.max(20, Math.round((activity[u] / total) * nRatings)));
    assigned += counts[u];
  }
  // Nudge to the exact total, one rating at a time over the users that can move.
  for (let u = 0; assigned !== nRatings; u = (u + 1) % nUsers) {
    if (assigned < nRatings && counts[u] < nItems >> 1) {
      counts[u]++;
      assigned++;
    } else if (assigned > nRatings && counts[u] > 20) {
      counts[u]--;
      assigned--;
    }
  }
  const rank = 8;
  const U = new Float32Array(nUsers * rank);
  const V = new Float32Array(nItems * rank);
  for (let p = 0; p < U.length; p++) U[p] = rng.normal() * 0.45;
  for (let p = 0; p < V.length; p++) V[p] = rng.normal() * 0.45;
  const userIds = new Int32Array(nRatings);
  const itemIds = new Int32Array(nRatings);
  const ratings = new Float32Array(nRatings);
  const stamp = new Int32Array(nItems).fill(-1);
  let w = 0;
  for (let u = 0; u < nUsers; u++) {
    for (let c = 0; c < counts[u]; ) {
      const x = rng.next();
      let lo = 0;
      let hi = nItems - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cdf[mid] < x) lo = mid + 1;
        else hi = mid;
      }
      if (stamp[lo] === u) continue;
      stamp[lo] = u;
      let s = 3.5 + rng.normal() * 0.5;
      for (let f = 0; f < rank; f++) s += U[u * rank + f] * V[lo * rank + f];
      userIds[w] = u + 1;
      itemIds[w] = lo + 1;
      ratings[w] = Math.min(5, Math.max(0.5, Math.round(s * 2) / 2));
      w++;
      c++;
    }
  }
  return buildRatingMatrix({ userIds, itemIds, ratings }, { scale: [0.5, 5] });
}

const ML100K = (f: number, kind: 'base' | 'test'): string => join(DATA_DIR, 'movielens', 'ml-100k', `u${f}.${kind}`);
const ML_SMALL = (): string => join(DATA_DIR, 'movielens', 'ml-latest-small', 'ratings.csv');
const RANKING_TRAIN = (): string => join(BENCH_DIR, 'splits', 'ml-latest-small', 'ranking', 'train.csv');

type CaseFn = () => Promise<Omit<CaseResult, 'name' | 'peakRssMb'>>;

async function alsCase(data: RatingMatrix, threads: number, loadSeconds: number, description: string, target: string, extra: Record<string, unknown> = {}): ReturnType<CaseFn> {
  const config = ImplicitAlsConfig.parse({ factors: 64, iterations: 15, threads });
  let startup = 0;
  if (threads > 1) [, startup] = await timedAsync(() => waitForAlsWorkers(threads - 1));
  const [, t] = timed(() => fitImplicitAls(data, config));
  return {
    description,
    fitSeconds: [t],
    loadSeconds,
    target,
    extra: { ...extra, config, workerStartupSeconds: startup, nnz: data.byUser.indptr[data.byUser.nRows], nUsers: data.users.size, nItems: data.items.size },
  };
}

async function timedAsync<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await fn();
  return [out, (performance.now() - t0) / 1000];
}

const CASES: Record<string, CaseFn> = {
  async 'biased-mf-ml100k'() {
    const times: number[] = [];
    let loadSeconds = 0;
    for (let f = 1; f <= 5; f++) {
      const [data, tl] = timed(() => loadMatrix(ML100K(f, 'base'), [1, 5]));
      loadSeconds += tl;
      times.push(timed(() => fitBiasedMf(data, BiasedMfConfig.parse({})))[1]);
    }
    return { description: 'biased MF, default config, fit on each ml-100k u{1..5}.base', fitSeconds: times, loadSeconds, target: '≤ 0.4 s per fold', extra: { config: BiasedMfConfig.parse({}) } };
  },
  async 'svdpp-ml100k'() {
    const times: number[] = [];
    let loadSeconds = 0;
    for (let f = 1; f <= 5; f++) {
      const [data, tl] = timed(() => loadMatrix(ML100K(f, 'base'), [1, 5]));
      loadSeconds += tl;
      times.push(timed(() => fitSvdpp(data, SvdppConfig.parse({})))[1]);
    }
    return { description: 'SVD++, default config, fit on each ml-100k u{1..5}.base', fitSeconds: times, loadSeconds, target: '≤ 5 s per fold', extra: { config: SvdppConfig.parse({}) } };
  },
  async 'als-small-1t'() {
    const [data, tl] = timed(() => loadMatrix(ML_SMALL(), [0.5, 5]));
    return alsCase(data, 1, tl, 'implicit ALS 64 factors × 15 iterations, ratings ≥ 3.5, ml-latest-small ratings.csv, 1 thread', '≤ 0.7 s');
  },
  async 'als-small-2t'() {
    const [data, tl] = timed(() => loadMatrix(ML_SMALL(), [0.5, 5]));
    return alsCase(data, 2, tl, 'implicit ALS 64 × 15, ml-latest-small, 2 threads (worker started before timing)', '≤ 0.7 s');
  },
  async 'item-knn-small'() {
    const [data, tl] = timed(() => loadMatrix(ML_SMALL(), [0.5, 5]));
    const [, t] = timed(() => fitItemKnn(data));
    return { description: "item-kNN fit (helper A's item-knn.ts: biases + all item–item pearson_baseline similarities), ml-latest-small", fitSeconds: [t], loadSeconds: tl, target: '≤ 2 s' };
  },
  ...Object.fromEntries(
    [1000, 2000, 3000, 4000].map((n) => [
      `ease-small-${n}`,
      async () => {
        const [data, tl] = timed(() => loadMatrix(RANKING_TRAIN(), [0.5, 5]));
        const config = EaseConfig.parse({ maxItems: n });
        const [model, t] = timed(() => fitEase(data, config));
        return { description: `EASE λ=200 on the ml-latest-small ranking train split, bounded to the ${n} most-rated items`, fitSeconds: [t], loadSeconds: tl, extra: { config, modelledItems: model.n } };
      },
    ]),
  ),
  async 'als-synth-1m-1t'() {
    const [data, tl] = timed(() => synthetic(6040, 3706, 1_000_209, 1));
    return alsCase(data, 1, tl, 'implicit ALS 64 × 15 on synthetic ML-1M shape (6,040 × 3,706, 1,000,209 ratings), 1 thread', '≤ 20 s');
  },
  async 'als-synth-1m-2t'() {
    const [data, tl] = timed(() => synthetic(6040, 3706, 1_000_209, 1));
    return alsCase(data, 2, tl, 'implicit ALS 64 × 15 on synthetic ML-1M shape, 2 threads', '≤ 20 s');
  },
  async 'biased-mf-synth-1m'() {
    const [data, tl] = timed(() => synthetic(6040, 3706, 1_000_209, 1));
    const [, t] = timed(() => fitBiasedMf(data, BiasedMfConfig.parse({})));
    return { description: 'biased MF default config on synthetic ML-1M shape', fitSeconds: [t], loadSeconds: tl, target: '≤ 30 s' };
  },
  async 'als-synth-25m-2t'() {
    const [data, tl] = timed(() => synthetic(162_541, 59_047, 25_000_095, 1));
    return alsCase(data, 2, tl, 'implicit ALS 64 × 15 on synthetic ML-25M shape (162,541 × 59,047, 25,000,095 ratings), 2 threads', '≤ 300 s within 6 GB peak RSS');
  },
};

async function runChild(name: string): Promise<void> {
  const fn = CASES[name];
  if (!fn) throw new Error(`unknown case ${name}; known: ${Object.keys(CASES).join(', ')}`);
  const cpu0 = process.cpuUsage();
  const r = await fn();
  const cpu = process.cpuUsage(cpu0);
  const out: CaseResult = { name, ...r, cpuSeconds: (cpu.user + cpu.system) / 1e6, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  process.exit(0);
}

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { case: { type: 'string' }, only: { type: 'string' }, skip: { type: 'string' }, out: { type: 'string' } },
  });
  if (values.case) return runChild(values.case);
  const only = values.only?.split(',');
  const skip = values.skip?.split(',') ?? [];
  const names = Object.keys(CASES).filter((n) => (!only || only.includes(n)) && !skip.some((s) => n.includes(s)));
  const self = fileURLToPath(import.meta.url);
  const results: (CaseResult | { name: string; error: string })[] = [];
  for (const name of names) {
    log(`${name} … (load average ${loadavg().map((x) => x.toFixed(2)).join(' ')})`);
    const child = spawnSync(process.execPath, [...process.execArgv, self, '--case', name], { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] });
    const line = child.stdout.trim().split('\n').pop() ?? '';
    try {
      const r = JSON.parse(line) as CaseResult;
      results.push(r);
      log(`${name}: fit ${r.fitSeconds.map((s) => s.toFixed(2)).join(', ')} s, peak RSS ${r.peakRssMb} MB`);
    } catch {
      results.push({ name, error: `exit ${child.status}: ${line.slice(0, 500)}` });
      log(`${name} failed (exit ${child.status})`);
    }
  }
  const date = new Date().toISOString();
  const doc = {
    date,
    commit: commit(),
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, ramGb: Math.round(totalmem() / 2 ** 30), node: process.version, loadAverageAtEnd: loadavg() },
    results,
  };
  const dir = resolve(values.out ?? join('results', 'bench'));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `engine-${date.slice(0, 19).replace(/:/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  log(`wrote ${file}`);
  process.stdout.write(`${JSON.stringify(doc)}\n`);
}

void main();
