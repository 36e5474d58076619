import 'server-only';
import { join } from 'node:path';
import { loadCatalogue } from '@/lib/recommender/io/catalogue';
import { loadRatingsFile } from '@/lib/recommender/io/ratings-file';
import type { ImportIssue } from '@/lib/recommender/io/issues';
import { writeCatalogue, type CatalogueWriteSummary } from '../data/catalogue';
import { SMALL_DIR } from './data-source';

export interface ImportProgress {
  phase: string;
  done: number;
  total: number;
}

export interface ImportReport extends CatalogueWriteSummary {
  dataDir: string;
  issues: ImportIssue[];
  issueCount: number;
  seconds: number;
}

/**
 * Loads MovieLens + TMDB files from `dataDir` and writes them in one transaction: a failure leaves the previous
 * catalogue untouched. Malformed rows are skipped and reported by file and line.
 */
export async function importCatalogue(
  dataDir: string,
  onProgress: (p: ImportProgress) => void = () => {},
): Promise<ImportReport> {
  const t0 = performance.now();
  onProgress({ phase: 'reading files', done: 0, total: 1 });
  // One name per genre in the app: TMDB's genres (for movies MovieLens lists none for) in MovieLens's vocabulary.
  const catalogue = loadCatalogue(dataDir, { tmdbGenres: 'movielens' });
  const ratings = loadRatingsFile(join(dataDir, SMALL_DIR, 'ratings.csv'));
  onProgress({ phase: 'reading files', done: 1, total: 1 });
  const summary = await writeCatalogue(
    catalogue.movies,
    {
      movielensUserIds: ratings.userIds,
      movieIds: ratings.movieIds,
      ratings: ratings.ratings,
      timestamps: ratings.timestamps,
    },
    catalogue.tags,
    (phase, done, total) => onProgress({ phase, done, total }),
  );
  return {
    ...summary,
    dataDir,
    issues: [...catalogue.issues, ...ratings.issues].slice(0, 200),
    issueCount: catalogue.issueCount + ratings.issueCount,
    seconds: (performance.now() - t0) / 1000,
  };
}
