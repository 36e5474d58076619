import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ImportIssue } from './issues';
import { loadMovieLensMovies, type MovieLensTag } from './movielens';
import { loadTmdb, type TmdbMovie } from './tmdb';

/** One catalogue movie: MovieLens identity joined with TMDB content (null/[] where TMDB has nothing). */
export interface CatalogueMovie extends Omit<TmdbMovie, 'tmdbId' | 'title' | 'genres'> {
  movieId: number;
  title: string;
  year: number | null;
  /** MovieLens genres; TMDB's when MovieLens lists none (their published names, or MovieLens's: `tmdbGenres`). */
  genres: string[];
  imdbId: string | null;
  tmdbId: number | null;
}

export interface Catalogue {
  movies: CatalogueMovie[];
  tags: MovieLensTag[];
  /** First issues of every file group (`maxIssues` each, default 100); `issueCount` counts all. */
  issues: ImportIssue[];
  issueCount: number;
}

/**
 * TMDB genre names with a MovieLens equivalent. The app's catalogue import stores a movie's genres in MovieLens's
 * vocabulary, so one genre has one name (no "Sci-Fi" and "Science Fiction" side by side in the genre picker); TMDB
 * genres without an equivalent (History, TV Movie, Foreign) keep their names. {@link loadCatalogue} keeps the files'
 * names unless asked (`tmdbGenres: 'movielens'`), so the offline evaluations read the data sets as published.
 */
export const TMDB_TO_MOVIELENS_GENRE: Readonly<Record<string, string>> = {
  'Science Fiction': 'Sci-Fi',
  Family: 'Children',
  Music: 'Musical',
};

/** TMDB genres in MovieLens's vocabulary (order kept, duplicates dropped). */
export function movieLensGenres(tmdbGenres: readonly string[]): string[] {
  return [...new Set(tmdbGenres.map((g) => TMDB_TO_MOVIELENS_GENRE[g] ?? g))];
}

/**
 * Loads the demo catalogue: `<dataDir>/movielens/ml-latest-small/{movies,links,tags}.csv` joined
 * by tmdbId with `<dataDir>/tmdb/{movies_metadata,credits,keywords}.csv`. Synchronous (≈ 1 s for
 * the 9,742 movies). Movies without a TMDB row, or when the tmdb folder is missing, still load.
 */
export function loadCatalogue(
  dataDir: string,
  opts: { tmdbGenres?: 'as-published' | 'movielens'; maxIssues?: number } = {},
): Catalogue {
  const ml = loadMovieLensMovies(join(dataDir, 'movielens', 'ml-latest-small'), { maxIssues: opts.maxIssues });
  const tmdbDir = join(dataDir, 'tmdb');
  const tmdb = existsSync(join(tmdbDir, 'movies_metadata.csv'))
    ? loadTmdb(tmdbDir, { maxIssues: opts.maxIssues })
    : { movies: new Map(), issues: [], issueCount: 0 };
  const movies: CatalogueMovie[] = ml.movies.map((m) => {
    const link = ml.links.get(m.movieId);
    const t = link?.tmdbId != null ? tmdb.movies.get(link.tmdbId) : undefined;
    return {
      movieId: m.movieId,
      title: m.title,
      year: m.year,
      genres:
        m.genres.length > 0
          ? m.genres
          : opts.tmdbGenres === 'movielens'
            ? movieLensGenres(t?.genres ?? [])
            : (t?.genres ?? []),
      imdbId: link?.imdbId ?? null,
      tmdbId: link?.tmdbId ?? null,
      originalTitle: t?.originalTitle ?? null,
      overview: t?.overview ?? null,
      runtime: t?.runtime ?? null,
      releaseDate: t?.releaseDate ?? null,
      originalLanguage: t?.originalLanguage ?? null,
      popularity: t?.popularity ?? null,
      voteAverage: t?.voteAverage ?? null,
      voteCount: t?.voteCount ?? null,
      posterPath: t?.posterPath ?? null,
      cast: t ? t.cast.map((c: TmdbMovie['cast'][number]) => ({ ...c })) : [],
      directors: t ? [...t.directors] : [],
      keywords: t ? [...t.keywords] : [],
    };
  });
  return {
    movies,
    tags: ml.tags,
    issues: [...ml.issues, ...tmdb.issues],
    issueCount: ml.issueCount + tmdb.issueCount,
  };
}
