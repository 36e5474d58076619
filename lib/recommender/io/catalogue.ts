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
  /** MovieLens genres; TMDB's when MovieLens lists none. */
  genres: string[];
  imdbId: string | null;
  tmdbId: number | null;
}

export interface Catalogue {
  movies: CatalogueMovie[];
  tags: MovieLensTag[];
  /** First issues of every file (capped per file group); `issueCount` counts all. */
  issues: ImportIssue[];
  issueCount: number;
}

/**
 * Loads the demo catalogue: `<dataDir>/movielens/ml-latest-small/{movies,links,tags}.csv` joined
 * by tmdbId with `<dataDir>/tmdb/{movies_metadata,credits,keywords}.csv`. Synchronous (≈ 1 s for
 * the 9,742 movies). Movies without a TMDB row, or when the tmdb folder is missing, still load.
 */
export function loadCatalogue(dataDir: string): Catalogue {
  const ml = loadMovieLensMovies(join(dataDir, 'movielens', 'ml-latest-small'));
  const tmdbDir = join(dataDir, 'tmdb');
  const tmdb = existsSync(join(tmdbDir, 'movies_metadata.csv'))
    ? loadTmdb(tmdbDir)
    : { movies: new Map(), issues: [], issueCount: 0 };
  const movies: CatalogueMovie[] = ml.movies.map((m) => {
    const link = ml.links.get(m.movieId);
    const t = link?.tmdbId != null ? tmdb.movies.get(link.tmdbId) : undefined;
    return {
      movieId: m.movieId,
      title: m.title,
      year: m.year,
      genres: m.genres.length > 0 ? m.genres : (t?.genres ?? []),
      imdbId: link?.imdbId ?? null,
      tmdbId: link?.tmdbId ?? null,
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
