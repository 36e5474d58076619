import 'server-only';
import { randomBytes } from 'node:crypto';
import { env } from '@/lib/env';
import type { ImportIssue } from '@/lib/recommender/io/issues';
import {
  dropStage,
  listLiveMovieKeys,
  listStages,
  rollbackStagedCatalogue,
  stageCatalogue,
  switchStagedCatalogue,
  type RatingRows,
  type SwitchOptions,
  type TagRow,
} from '../data/catalogue';
import { AppError } from '../errors';
import { planCatalogue, type CataloguePlan, type PlanCounts } from './catalogue-plan';
import type { CatalogueFiles } from './catalogue-read';
import { readCatalogueFilesInThread } from './catalogue-read-thread';

export interface ImportProgress {
  phase: string;
  done: number;
  total: number;
}

/** The files of one catalogue, read and checked. */
export interface ParsedCatalogue {
  plan: CataloguePlan;
  ratings: RatingRows | null;
  tags: TagRow[];
  /** Data rows read across every file (headers excluded). */
  rowsRead: number;
  /** Every rejected row, up to CATALOGUE_MAX_REJECT_ROWS (the report keeps the first {@link MAX_LISTED_ISSUES}). */
  issues: ImportIssue[];
  issueCount: number;
  files: string[];
}

/** Receives every rejected row listed (for the downloadable CSV) before the job's report is written. */
export type RejectsSink = (issues: ImportIssue[], total: number) => Promise<void>;

/** What a dry run shows, and what an apply reports (plus what it wrote). */
export interface CataloguePreview extends PlanCounts {
  dataDir: string;
  files: string[];
  /** Movies in the files. */
  movies: number;
  ratingRows: number;
  tagRows: number;
  rowsRead: number;
  /** Rows rejected or corrected (a field dropped), with file and line; `issues` lists the first ones. */
  rejected: number;
  rejectedShare: number;
  issues: ImportIssue[];
  /** Kept for the older report readers (seed log, admin table). */
  issueCount: number;
  seconds: number;
}

export interface ImportReport extends CataloguePreview {
  importedUsers: number;
  ratings: number;
  ratingsWritten: number;
  ratingsSkipped: number;
  tags: number;
  batches: number;
  longestTransactionMs: number;
}

export const DEFAULT_MAX_REJECT_SHARE = 0.01;
/** Rejected rows kept in a job's report (the page shows a few; the CSV has every one, from the sink). */
export const MAX_LISTED_ISSUES = 500;

export class RejectThresholdError extends AppError {
  constructor(rejected: number, rowsRead: number, maxShare: number) {
    super(
      'INVALID',
      `${rejected.toLocaleString('en')} of ${rowsRead.toLocaleString('en')} rows were rejected (${((rejected / Math.max(1, rowsRead)) * 100).toFixed(2)} %), ` +
        `more than the ${(maxShare * 100).toFixed(2)} % allowed: fix the files (download the rejected rows) or raise the threshold.`,
    );
    this.name = 'RejectThresholdError';
  }
}

/**
 * Reads a catalogue folder in the shipped layout (`movielens/ml-latest-small/{movies,links,tags,ratings}.csv`, ratings
 * and tags optional; `tmdb/{movies_metadata,credits,keywords}.csv` optional), in a worker thread, and plans it
 * against the live catalogue.
 */
export async function readCatalogue(
  dataDir: string,
  maxIssues = env.CATALOGUE_MAX_REJECT_ROWS,
): Promise<ParsedCatalogue> {
  let files: CatalogueFiles;
  try {
    files = await readCatalogueFilesInThread(dataDir, maxIssues);
  } catch (err) {
    if ((err as { code?: string }).code === 'NO_MOVIES')
      throw new AppError('INVALID', (err as Error).message, { cause: err });
    throw err;
  }
  const live = await listLiveMovieKeys();
  const plan = planCatalogue(files.movies, live, files.tags, files.hashes);
  const issues = files.issues.concat(plan.issues);
  return {
    plan,
    ratings: files.ratings,
    tags: files.tags,
    rowsRead: files.rowsRead,
    issues: issues.length > maxIssues ? issues.slice(0, maxIssues) : issues,
    issueCount: files.issueCount + plan.issues.length,
    files: files.files,
  };
}

function previewOf(dataDir: string, parsed: ParsedCatalogue, t0: number): CataloguePreview {
  return {
    ...parsed.plan.counts,
    dataDir,
    files: parsed.files,
    movies: parsed.plan.movies.length,
    ratingRows: parsed.ratings?.movieIds.length ?? 0,
    tagRows: parsed.tags.length,
    rowsRead: parsed.rowsRead,
    rejected: parsed.issueCount,
    rejectedShare: parsed.rowsRead ? parsed.issueCount / parsed.rowsRead : 0,
    issues: parsed.issues.slice(0, MAX_LISTED_ISSUES),
    issueCount: parsed.issueCount,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** The dry run: what a reload of `dataDir` would add, update, leave unchanged and reject. Writes nothing. */
export async function previewCatalogue(
  dataDir: string,
  onProgress: (p: ImportProgress) => void = () => {},
  opts: { onRejects?: RejectsSink } = {},
): Promise<CataloguePreview> {
  const t0 = performance.now();
  onProgress({ phase: 'reading files', done: 0, total: 1 });
  const parsed = await readCatalogue(dataDir);
  onProgress({ phase: 'reading files', done: 1, total: 1 });
  await opts.onRejects?.(parsed.issues, parsed.issueCount);
  return previewOf(dataDir, parsed, t0);
}

export interface ApplyOptions extends SwitchOptions {
  /** Stage key (lower-case letters, digits, _): one per reload, e.g. `i42`. Random when omitted. */
  key?: string;
  /** Refuse when more than this share of rows is rejected. Default 1 %. */
  maxRejectShare?: number;
  /** Every rejected row, also when the threshold refuses the reload. */
  onRejects?: RejectsSink;
}

/**
 * Reloads the catalogue from `dataDir`: reads and checks the files (refusing above the reject threshold), stages them
 * outside the members' tables, then switches them in short transactions. A failure or a cancel rolls the switch
 * back, so the previous catalogue is left as it was; a killed process is rolled back by
 * {@link recoverInterruptedReloads} at the next worker start.
 */
export async function applyCatalogue(
  dataDir: string,
  onProgress: (p: ImportProgress) => void = () => {},
  opts: ApplyOptions = {},
): Promise<ImportReport> {
  const t0 = performance.now();
  const key = opts.key ?? `r${randomBytes(6).toString('hex')}`;
  const progress = (phase: string, done: number, total: number) => onProgress({ phase, done, total });
  const stop = opts.shouldStop ?? (() => false);
  onProgress({ phase: 'reading files', done: 0, total: 1 });
  const parsed = await readCatalogue(dataDir);
  onProgress({ phase: 'reading files', done: 1, total: 1 });
  await opts.onRejects?.(parsed.issues, parsed.issueCount);
  const preview = previewOf(dataDir, parsed, t0);
  const maxShare = opts.maxRejectShare ?? DEFAULT_MAX_REJECT_SHARE;
  if (preview.rejectedShare > maxShare) throw new RejectThresholdError(preview.rejected, preview.rowsRead, maxShare);
  let switchStarted = false;
  try {
    await stageCatalogue(key, parsed.plan.movies, parsed.ratings, parsed.tags, progress, stop);
    switchStarted = true;
    const summary = await switchStagedCatalogue(key, progress, opts);
    await dropStage(key);
    const ratings = preview.ratingRows - summary.ratingsSkipped;
    return {
      ...preview,
      importedUsers: summary.importedUsers,
      ratings,
      ratingsWritten: summary.ratingsWritten,
      ratingsSkipped: summary.ratingsSkipped,
      tags: parsed.tags.length,
      batches: summary.batches,
      longestTransactionMs: Math.round(summary.longestTransactionMs),
      seconds: (performance.now() - t0) / 1000,
    };
  } catch (err) {
    if (switchStarted) {
      console.error(`[catalogue] reload ${key} stopped during the switch; restoring the previous catalogue`, err);
      await rollbackStagedCatalogue(key, progress);
    }
    await dropStage(key);
    throw err;
  }
}

/** Seeding and scripts: a reload that accepts any share of malformed rows (they are reported, not fatal). */
export function importCatalogue(
  dataDir: string,
  onProgress: (p: ImportProgress) => void = () => {},
): Promise<ImportReport> {
  return applyCatalogue(dataDir, onProgress, { maxRejectShare: 1 });
}

/** Rolls back and removes the stages a killed reload left; returns their keys. */
export async function recoverInterruptedReloads(log: (line: string) => void = console.log): Promise<string[]> {
  const stages = await listStages();
  for (const { key, switchStarted } of stages) {
    if (switchStarted) {
      log(`[catalogue] reload ${key} was interrupted during the switch: restoring the previous catalogue`);
      await rollbackStagedCatalogue(key);
    }
    await dropStage(key);
  }
  return stages.map((s) => s.key);
}
