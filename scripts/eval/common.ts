/**
 * Shared plumbing of the hybrid's measurement scripts (scripts/bench/score.ts, scripts/eval/hybrid-extras.ts):
 * data locations, the served hybrid fitted on a rating file with the catalogue's content, the per-user "current
 * ratings" view, percentiles and the result file (commit, machine, date).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { buildContentDocs } from '../../lib/recommender/algorithms/content-docs';
import type { ContentDoc } from '../../lib/recommender/algorithms/content-tfidf';
import { HybridParamsSchema, type HybridParams } from '../../lib/recommender/hybrid/params';
import { loadCatalogue } from '../../lib/recommender/io/catalogue';
import type { RatingsData } from '../../lib/recommender/io/ratings-file';
import { fitServedHybrid, type ServedHybrid } from '../../lib/recommender/serving/recommender';
import type { RatingMatrix } from '../../lib/recommender/core/types';

export const DATA_DIR = resolve(process.env.DATA_DIR ?? join('..', 'shared', 'data'));
export const BENCH_DIR = resolve(process.env.BENCH_DIR ?? join('..', 'shared', 'bench'));

export function logger(tag: string): (msg: string) => void {
  return (msg) => process.stderr.write(`[${tag}] ${msg}\n`);
}

/** `--params` JSON → validated hybrid params (defaults = the served model). */
export function parseHybridParams(json: string | undefined): HybridParams {
  return HybridParamsSchema.parse(json ? JSON.parse(json) : {});
}

/** The catalogue (movies, tags) and its content documents. */
export function catalogueDocs(): { catalogue: ReturnType<typeof loadCatalogue>; docs: ContentDoc[] } {
  const catalogue = loadCatalogue(DATA_DIR);
  return { catalogue, docs: buildContentDocs(catalogue.movies, catalogue.tags) };
}

/** Fits the served hybrid (ranking blend only, or both blends) on `data` with the file's timestamps; returns it and the fit time. */
export function fitServedRanking(
  data: RatingMatrix,
  rows: RatingsData,
  docs: ContentDoc[],
  params: HybridParams,
  log: (m: string) => void,
  tasks: readonly ('ranking' | 'rating')[] = ['ranking'],
): { model: ServedHybrid; fitSeconds: number } {
  const t0 = performance.now();
  const model = fitServedHybrid(data, { ...params, contentDocs: docs, timeRows: rows, tasks, log });
  return { model, fitSeconds: (performance.now() - t0) / 1000 };
}

/** q-quantile of an ascending array (nearest rank below). */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

/**
 * Adds peak RSS, commit, machine and date to `doc`, prints it on stdout and (unless `save` is false) writes it as
 * `<dir>/<date>-<suffix>.json`.
 */
export function finishResult(
  doc: Record<string, unknown>,
  started: Date,
  dir: string,
  suffix: string,
  save: boolean,
  log: (m: string) => void,
): void {
  const cpuList = cpus();
  Object.assign(doc, {
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    commit: gitCommit(),
    machine: {
      cpu: cpuList[0]?.model ?? 'unknown',
      cores: cpuList.length,
      ramGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    date: started.toISOString(),
  });
  const json = JSON.stringify(doc, null, 2);
  if (save) {
    const out = resolve(dir);
    mkdirSync(out, { recursive: true });
    const file = join(out, `${started.toISOString().replace(/[:.]/g, '-')}-${suffix}.json`);
    writeFileSync(file, json + '\n');
    log(`saved ${relative(process.cwd(), file)}`);
  }
  process.stdout.write(json + '\n');
}
