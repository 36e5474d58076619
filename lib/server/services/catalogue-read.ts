// Reads a catalogue folder: the CPU-heavy part of a dry run or reload (CSV parsing, fingerprints). Runs in a worker
// thread (catalogue-read-thread.ts) so the worker process, which also hosts the embedded database, keeps answering
// members' queries while a 62,000-movie catalogue is parsed. No database, no server-only imports.
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalogue, type CatalogueMovie } from '@/lib/recommender/io/catalogue';
import type { ImportIssue } from '@/lib/recommender/io/issues';
import type { MovieLensTag } from '@/lib/recommender/io/movielens';
import { loadRatingsFile } from '@/lib/recommender/io/ratings-file';
import { movieFingerprint } from './catalogue-plan';

export const ML_DIR = join('movielens', 'ml-latest-small');

export interface CatalogueFiles {
  movies: CatalogueMovie[];
  /** movieFingerprint of each movie (same order). */
  hashes: string[];
  tags: MovieLensTag[];
  ratings: {
    movielensUserIds: Int32Array;
    movieIds: Int32Array;
    ratings: Float32Array;
    timestamps: Float64Array;
  } | null;
  rowsRead: number;
  issues: ImportIssue[];
  issueCount: number;
  files: string[];
}

/** Data records of a CSV file (RFC 4180: newlines inside quotes do not count), header excluded; 0 when missing. */
export function countCsvRecords(path: string): number {
  if (!existsSync(path)) return 0;
  const fd = openSync(path, 'r');
  const buf = new Uint8Array(1 << 22);
  let records = 0;
  let inQuotes = false;
  let lineHasData = false;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      for (let i = 0; i < n; i++) {
        const c = buf[i];
        if (c === 34) inQuotes = !inQuotes;
        else if (c === 10 && !inQuotes) {
          if (lineHasData) records++;
          lineHasData = false;
          continue;
        } else if (c === 13) continue;
        lineHasData = true;
      }
    }
  } finally {
    closeSync(fd);
  }
  if (lineHasData) records++;
  return Math.max(0, records - 1);
}

/**
 * Throws a plain Error with `code: 'NO_MOVIES'` when movies.csv is missing. Every rejected row is listed, up to
 * `maxIssues` per file group (MovieLens files, TMDB files, ratings.csv); `issueCount` counts them all.
 */
export function readCatalogueFiles(dataDir: string, maxIssues = 100): CatalogueFiles {
  const ml = join(dataDir, ML_DIR);
  if (!existsSync(join(ml, 'movies.csv'))) {
    throw Object.assign(new Error('These files have no MovieLens movies.csv: it is the one file a catalogue needs.'), {
      code: 'NO_MOVIES',
    });
  }
  const files = [
    ...['movies.csv', 'links.csv', 'tags.csv', 'ratings.csv'].filter((f) => existsSync(join(ml, f))),
    ...['movies_metadata.csv', 'credits.csv', 'keywords.csv'].filter((f) => existsSync(join(dataDir, 'tmdb', f))),
  ];
  // One name per genre in the app: TMDB's genres (for movies MovieLens lists none for) in MovieLens's vocabulary.
  const catalogue = loadCatalogue(dataDir, { tmdbGenres: 'movielens', maxIssues });
  const ratingsPath = join(ml, 'ratings.csv');
  const ratingsFile = existsSync(ratingsPath) ? loadRatingsFile(ratingsPath, { maxIssues }) : null;
  let rowsRead = ratingsFile?.linesRead ?? 0;
  for (const f of ['movies.csv', 'links.csv', 'tags.csv']) rowsRead += countCsvRecords(join(ml, f));
  for (const f of ['movies_metadata.csv', 'credits.csv', 'keywords.csv'])
    rowsRead += countCsvRecords(join(dataDir, 'tmdb', f));
  const tagsByMovie = new Map<number, MovieLensTag[]>();
  for (const t of catalogue.tags) {
    const list = tagsByMovie.get(t.movieId);
    if (list) list.push(t);
    else tagsByMovie.set(t.movieId, [t]);
  }
  return {
    movies: catalogue.movies,
    hashes: catalogue.movies.map((m) => movieFingerprint(m, tagsByMovie.get(m.movieId))),
    tags: catalogue.tags,
    ratings: ratingsFile
      ? {
          movielensUserIds: ratingsFile.userIds,
          movieIds: ratingsFile.movieIds,
          ratings: ratingsFile.ratings,
          timestamps: ratingsFile.timestamps,
        }
      : null,
    rowsRead,
    issues: [...catalogue.issues, ...(ratingsFile?.issues ?? [])],
    issueCount: catalogue.issueCount + (ratingsFile?.issueCount ?? 0),
    files,
  };
}
