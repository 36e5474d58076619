/**
 * Engine speed benchmark: fit times and peak memory of the factor models (and item-kNN) on the real
 * data sets and on synthetic ML-1M / ML-25M shaped data. Each case runs in its own child process so
 * its peak RSS is its own. Writes results/bench/engine-<date>.json; progress goes to stderr.
 *
 *   npm run bench:engine                       # every case
 *   npm run bench:engine -- --only als-small-1t,ease-small-2000
 *   npm run bench:engine -- --skip 25m         # skip cases whose name contains "25m"
 *   npm run bench:engine -- --only peer-biased-mf-u1,peer-als-ranking-1t --repeat 7   # medians of 7 processes
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
import { loadRatingsFile } from '../../lib/recommender/io/ratings-file';
import { buildRatingMatrix } from '../../lib/recommender/core/sparse';
import { generateSynthetic, SYNTH_SHAPES } from '../../lib/recommender/eval/synth';
import { BiasedMfConfig, fitBiasedMf } from '../../lib/recommender/algorithms/biased-mf';
import { SvdppConfig, fitSvdpp } from '../../lib/recommender/algorithms/svdpp';
import { ImplicitAlsConfig, fitImplicitAls, recalculateUser } from '../../lib/recommender/algorithms/implicit-als';
import { EaseConfig, fitEase } from '../../lib/recommender/algorithms/ease';
import { fitItemKnn } from '../../lib/recommender/algorithms/item-knn';
import { waitForAlsWorkers } from '../../lib/recommender/kernels/als-pool';
import type { RatingMatrix } from '../../lib/recommender/core/types';

const DATA_DIR = resolve(process.env.DATA_DIR ?? join('..', 'shared', 'data'));
const BENCH_DIR = resolve(process.env.BENCH_DIR ?? join('..', 'shared', 'bench'));

interface CaseResult {
  name: string;
  description: string;
  /** Wall seconds of the fit alone (data loading excluded); several runs → each listed. */
  fitSeconds: number[];
  /** CPU seconds (user + system, all threads of this process) over the whole case, loading included. */
  cpuSeconds?: number;
  /** CPU seconds of each fit (all threads): on a shared machine, the closest to a quiet-machine time. */
  fitCpuSeconds?: number[];
  loadSeconds: number;
  peakRssMb: number;
  target?: string;
  extra?: Record<string, unknown>;
}

function log(msg: string): void {
  process.stderr.write(`[bench-engine] ${msg}\n`);
}

function timedLoad<T>(fn: () => T): [T, number] {
  return timed(fn, false);
}

/** CPU seconds (all threads of this process) spent inside `timed` fits, in call order. */
const fitCpu: number[] = [];

function timed<T>(fn: () => T, isFit = true): [T, number] {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out = fn();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  if (isFit) fitCpu.push((c.user + c.system) / 1e6);
  return [out, wall];
}

function loadMatrix(path: string, scale: readonly [number, number]): RatingMatrix {
  const r = loadRatingsFile(path);
  return buildRatingMatrix({ userIds: r.userIds, itemIds: r.movieIds, ratings: r.ratings }, { scale });
}

/**
 * Synthetic MovieLens-shaped ratings from helper A's generator (lib/recommender/eval/synth.ts: Zipf item
 * popularity, log-normal user activity, planted tastes plus noise, half stars), collected straight
 * into typed arrays instead of a CSV file (loading is not what this bench times).
 */
function synthetic(shape: keyof typeof SYNTH_SHAPES, seed: number): RatingMatrix {
  const { users, items, ratings: n } = SYNTH_SHAPES[shape];
  const userIds = new Int32Array(n);
  const itemIds = new Int32Array(n);
  const ratings = new Float32Array(n);
  let w = 0;
  generateSynthetic({ users, items, ratings: n, seed }, (u, m, r) => {
    userIds[w] = u;
    itemIds[w] = m;
    ratings[w] = r;
    w++;
  });
  return buildRatingMatrix(
    { userIds: userIds.subarray(0, w), itemIds: itemIds.subarray(0, w), ratings: ratings.subarray(0, w) },
    { scale: [0.5, 5] },
  );
}

const ML100K = (f: number, kind: 'base' | 'test'): string => join(DATA_DIR, 'movielens', 'ml-100k', `u${f}.${kind}`);
const ML_SMALL = (): string => join(DATA_DIR, 'movielens', 'ml-latest-small', 'ratings.csv');
const RANKING_TRAIN = (): string => join(BENCH_DIR, 'splits', 'ml-latest-small', 'ranking', 'train.csv');

type CaseFn = () => Promise<Omit<CaseResult, 'name' | 'peakRssMb'>>;

async function alsCase(
  data: RatingMatrix,
  threads: number,
  loadSeconds: number,
  description: string,
  target: string,
  extra: Record<string, unknown> = {},
  overrides: Partial<ImplicitAlsConfig> = {},
): ReturnType<CaseFn> {
  const config = ImplicitAlsConfig.parse({ factors: 64, iterations: 15, threads, ...overrides });
  let startup = 0;
  if (threads > 1) [, startup] = await timedAsync(() => waitForAlsWorkers(threads - 1));
  const [, t] = timed(() => fitImplicitAls(data, config));
  return {
    description,
    fitSeconds: [t],
    loadSeconds,
    target,
    extra: {
      ...extra,
      config,
      workerStartupSeconds: startup,
      nnz: data.byUser.indptr[data.byUser.nRows],
      nUsers: data.users.size,
      nItems: data.items.size,
    },
  };
}

function medianLength(indptr: Int32Array): number {
  const lens = Array.from({ length: indptr.length - 1 }, (_, u) => indptr[u + 1] - indptr[u]).sort((a, b) => a - b);
  return lens[lens.length >> 1];
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
      const [data, tl] = timedLoad(() => loadMatrix(ML100K(f, 'base'), [1, 5]));
      loadSeconds += tl;
      times.push(timed(() => fitBiasedMf(data, BiasedMfConfig.parse({})))[1]);
    }
    return {
      description: 'biased MF, default config, fit on each ml-100k u{1..5}.base',
      fitSeconds: times,
      loadSeconds,
      target: '≤ 0.4 s per fold',
      extra: { config: BiasedMfConfig.parse({}) },
    };
  },
  async 'svdpp-ml100k'() {
    const times: number[] = [];
    let loadSeconds = 0;
    for (let f = 1; f <= 5; f++) {
      const [data, tl] = timedLoad(() => loadMatrix(ML100K(f, 'base'), [1, 5]));
      loadSeconds += tl;
      times.push(timed(() => fitSvdpp(data, SvdppConfig.parse({})))[1]);
    }
    return {
      description: 'SVD++, default config, fit on each ml-100k u{1..5}.base',
      fitSeconds: times,
      loadSeconds,
      target: '≤ 5 s per fold',
      extra: { config: SvdppConfig.parse({}) },
    };
  },
  async 'als-small-1t'() {
    const [data, tl] = timedLoad(() => loadMatrix(ML_SMALL(), [0.5, 5]));
    return alsCase(
      data,
      1,
      tl,
      'implicit ALS 64 factors × 15 iterations, ratings ≥ 3.5, ml-latest-small ratings.csv, 1 thread',
      '≤ 0.7 s',
    );
  },
  async 'als-small-2t'() {
    const [data, tl] = timedLoad(() => loadMatrix(ML_SMALL(), [0.5, 5]));
    return alsCase(
      data,
      2,
      tl,
      'implicit ALS 64 × 15, ml-latest-small, 2 threads (worker started before timing)',
      '≤ 0.7 s',
    );
  },
  async 'als-ranking-1t'() {
    const [data, tl] = timedLoad(() => loadMatrix(RANKING_TRAIN(), [0.5, 5]));
    return alsCase(
      data,
      1,
      tl,
      'implicit ALS 64 × 15, ratings ≥ 3.5, the protocol ranking train split of ml-latest-small, 1 thread',
      '≤ 0.7 s',
    );
  },
  async 'als-ranking-2t'() {
    const [data, tl] = timedLoad(() => loadMatrix(RANKING_TRAIN(), [0.5, 5]));
    return alsCase(
      data,
      2,
      tl,
      'implicit ALS 64 × 15, ranking train split, 2 threads (worker started before timing)',
      '≤ 0.7 s',
    );
  },
  // Equal work with the peer libraries (issue #25; peers' figures measured on this machine kind, 2026-12-07): one fit
  // per process, so JIT warm-up is included as a first fit in a fresh Python process includes its imports' warm state.
  async 'peer-biased-mf-u1'() {
    const [data, tl] = timedLoad(() => loadMatrix(ML100K(1, 'base'), [1, 5]));
    const config = BiasedMfConfig.parse({ factors: 100, epochs: 20 });
    const [, t] = timed(() => fitBiasedMf(data, config));
    return {
      description: 'biased MF 100 factors × 20 epochs (Surprise SVD defaults’ size) on ml-100k u1.base, one fit',
      fitSeconds: [t],
      loadSeconds: tl,
      target: '≤ 1.0 × Surprise SVD 0.54 s',
      extra: { config },
    };
  },
  async 'peer-als-ranking-1t'() {
    const [data, tl] = timedLoad(() => loadMatrix(RANKING_TRAIN(), [0.5, 5]));
    return alsCase(
      data,
      1,
      tl,
      'implicit ALS 64 × 15, c = 1 on every rating (alpha 0, threshold 0: all ratings positive), ranking train split, 1 thread',
      '≤ 1.5 × implicit 0.52 s = 0.78 s',
      {},
      { alpha: 0, threshold: 0 },
    );
  },
  async 'peer-als-ranking-2t'() {
    const [data, tl] = timedLoad(() => loadMatrix(RANKING_TRAIN(), [0.5, 5]));
    return alsCase(
      data,
      2,
      tl,
      'implicit ALS 64 × 15, c = 1 on every rating, ranking train split, 2 threads (worker started before timing)',
      '—',
      {},
      { alpha: 0, threshold: 0 },
    );
  },
  async 'als-fold-in-small'() {
    const [data, tl] = timedLoad(() => loadMatrix(ML_SMALL(), [0.5, 5]));
    const model = fitImplicitAls(data, ImplicitAlsConfig.parse({}));
    const { indptr, indices, values } = data.byUser;
    const times: number[] = [];
    for (let rep = 0; rep < 2; rep++) {
      // Second pass is the steady state (JIT warm); the first is kept to show the cold cost.
      const [, t] = timed(() => {
        for (let u = 0; u < data.users.size; u++)
          recalculateUser(model, indices.subarray(indptr[u], indptr[u + 1]), values.subarray(indptr[u], indptr[u + 1]));
      });
      times.push(t);
    }
    return {
      description: `implicit ALS recalculateUser (exact fold-in, 64 factors) for each of the ${data.users.size} ml-latest-small users, whole history (median ${medianLength(indptr)} ratings); two passes`,
      fitSeconds: times,
      loadSeconds: tl,
      extra: { msPerUserSteadyState: (times[1] / data.users.size) * 1000 },
    };
  },
  async 'item-knn-small'() {
    const [data, tl] = timedLoad(() => loadMatrix(ML_SMALL(), [0.5, 5]));
    const [, t] = timed(() => fitItemKnn(data));
    return {
      description:
        "item-kNN fit (helper A's item-knn.ts: biases + all item–item pearson_baseline similarities), ml-latest-small",
      fitSeconds: [t],
      loadSeconds: tl,
      target: '≤ 2 s',
    };
  },
  ...Object.fromEntries(
    [1000, 2000, 3000, 4000].map((n) => [
      `ease-small-${n}`,
      async () => {
        const [data, tl] = timedLoad(() => loadMatrix(RANKING_TRAIN(), [0.5, 5]));
        const config = EaseConfig.parse({ maxItems: n });
        const [model, t] = timed(() => fitEase(data, config));
        return {
          description: `EASE λ=200 on the ml-latest-small ranking train split, bounded to the ${n} most-rated items`,
          fitSeconds: [t],
          loadSeconds: tl,
          extra: { config, modelledItems: model.n },
        };
      },
    ]),
  ),
  async 'als-synth-1m-1t'() {
    const [data, tl] = timedLoad(() => synthetic('ml-1m', 1));
    return alsCase(
      data,
      1,
      tl,
      'implicit ALS 64 × 15 on synthetic ML-1M shape (6,040 × 3,706, 1,000,209 ratings), 1 thread',
      '≤ 20 s',
    );
  },
  async 'als-synth-1m-2t'() {
    const [data, tl] = timedLoad(() => synthetic('ml-1m', 1));
    return alsCase(data, 2, tl, 'implicit ALS 64 × 15 on synthetic ML-1M shape, 2 threads', '≤ 20 s');
  },
  async 'biased-mf-synth-1m'() {
    const [data, tl] = timedLoad(() => synthetic('ml-1m', 1));
    const [, t] = timed(() => fitBiasedMf(data, BiasedMfConfig.parse({})));
    return {
      description: 'biased MF default config on synthetic ML-1M shape',
      fitSeconds: [t],
      loadSeconds: tl,
      target: '≤ 30 s',
    };
  },
  async 'als-synth-25m-2t'() {
    const [data, tl] = timedLoad(() => synthetic('ml-25m', 1));
    return alsCase(
      data,
      2,
      tl,
      'implicit ALS 64 × 15 on synthetic ML-25M shape (162,541 × 59,047, 25,000,095 ratings), 2 threads',
      '≤ 300 s within 6 GB peak RSS',
    );
  },
};

async function runChild(name: string): Promise<void> {
  const fn = CASES[name];
  if (!fn) throw new Error(`unknown case ${name}; known: ${Object.keys(CASES).join(', ')}`);
  const cpu0 = process.cpuUsage();
  const r = await fn();
  const cpu = process.cpuUsage(cpu0);
  const out: CaseResult = {
    name,
    ...r,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    fitCpuSeconds: fitCpu,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
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
    options: {
      case: { type: 'string' },
      only: { type: 'string' },
      skip: { type: 'string' },
      out: { type: 'string' },
      /** Run every case this many times (each in its own process) and record the median fit. */
      repeat: { type: 'string', default: '1' },
    },
  });
  if (values.case) return runChild(values.case);
  const only = values.only?.split(',');
  const skip = values.skip?.split(',') ?? [];
  const names = Object.keys(CASES).filter((n) => (!only || only.includes(n)) && !skip.some((s) => n.includes(s)));
  const self = fileURLToPath(import.meta.url);
  const results: (CaseResult | { name: string; error: string })[] = [];
  const repeat = Math.max(1, Number(values.repeat));
  for (const name of names.flatMap((n) => Array.from({ length: repeat }, () => n))) {
    const loadAverageAtStart = loadavg();
    log(`${name} … (load average ${loadAverageAtStart.map((x) => x.toFixed(2)).join(' ')})`);
    const child = spawnSync(process.execPath, [...process.execArgv, self, '--case', name], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = child.stdout.trim().split('\n').pop() ?? '';
    try {
      const r = { ...(JSON.parse(line) as CaseResult), loadAverageAtStart, loadAverageAtEnd: loadavg() };
      results.push(r);
      log(
        `${name}: fit ${r.fitSeconds.map((s) => s.toFixed(2)).join(', ')} s wall, ${(r.fitCpuSeconds ?? []).map((s) => s.toFixed(2)).join(', ')} s CPU, peak RSS ${r.peakRssMb} MB`,
      );
    } catch {
      results.push({ name, error: `exit ${child.status}: ${line.slice(0, 500)}` });
      log(`${name} failed (exit ${child.status})`);
    }
  }
  const date = new Date().toISOString();
  const doc = {
    date,
    commit: commit(),
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      ramGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      loadAverageAtEnd: loadavg(),
    },
    results,
    /** Per case over the repeats: median wall and CPU seconds of the first fit of each process. */
    medians: Object.fromEntries(
      names.map((n) => {
        const runs = results.filter((r): r is CaseResult => r.name === n && 'fitSeconds' in r);
        const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
        return [
          n,
          {
            runs: runs.length,
            fitSeconds: med(runs.map((r) => r.fitSeconds[0])),
            fitCpuSeconds: med(runs.map((r) => r.fitCpuSeconds?.[0] ?? Number.NaN)),
            fitSecondsRange: [
              Math.min(...runs.map((r) => r.fitSeconds[0])),
              Math.max(...runs.map((r) => r.fitSeconds[0])),
            ],
          },
        ];
      }),
    ),
  };
  const dir = resolve(values.out ?? join('results', 'bench'));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `engine-${date.slice(0, 19).replace(/:/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  log(`wrote ${file}`);
  process.stdout.write(`${JSON.stringify(doc)}\n`);
}

void main();
