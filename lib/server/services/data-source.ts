import 'server-only';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { env } from '@/lib/env';

export const SMALL_DIR = join('movielens', 'ml-latest-small');

/** True when `dir` holds the ml-latest-small files the importer needs. */
export function hasMovieLensSmall(dir: string): boolean {
  return ['movies.csv', 'ratings.csv', 'links.csv'].every((f) => existsSync(join(dir, SMALL_DIR, f)));
}

/** Where downloaded data goes (git-ignored). */
export const DOWNLOAD_DIR = resolve('.data', 'datasets');

/**
 * The data folder to import from: DATA_DIR when set, else ../shared/data when it exists, else a previously
 * downloaded copy under .data/datasets; null when none has the files.
 */
export function resolveDataDir(): string | null {
  const candidates = env.DATA_DIR ? [resolve(env.DATA_DIR)] : [resolve('..', 'shared', 'data'), DOWNLOAD_DIR];
  return candidates.find(hasMovieLensSmall) ?? null;
}
