// Pure planning of a catalogue reload (no I/O): which live movie each incoming movie updates, and what changes.
import { createHash } from 'node:crypto';
import type { CatalogueMovie } from '@/lib/recommender/io/catalogue';
import type { ImportIssue } from '@/lib/recommender/io/issues';

/** A live movie's identity and the fingerprint its last reload wrote (null: loaded before fingerprints existed). */
export interface LiveMovieKey {
  id: number;
  tmdbId: number | null;
  imdbId: string | null;
  hash: string | null;
}

export type PlanAction = 'add' | 'update' | 'same';

/** An incoming movie with the live id it is written to (its own MovieLens id unless matched by tmdbId / imdbId). */
export interface PlannedMovie extends CatalogueMovie {
  targetId: number;
  action: PlanAction;
  hash: string;
}

export interface PlanCounts {
  added: number;
  updated: number;
  unchanged: number;
  /** Live movies the files do not list: kept, since members' ratings and lists point at them. */
  notInFiles: number;
  /** Incoming movies written to a live movie with another MovieLens id (matched by tmdbId or imdbId). */
  matchedByLink: number;
}

export interface CataloguePlan {
  movies: PlannedMovie[];
  counts: PlanCounts;
  /** Rows dropped by planning (a movieId listed twice). */
  issues: ImportIssue[];
}

interface TagLike {
  userId: number;
  movieId: number;
  tag: string;
  timestamp: number;
}

/** A stable digest of everything a reload writes for one movie, its imported tags included. */
export function movieFingerprint(m: CatalogueMovie, tags: readonly TagLike[] = []): string {
  const t = tags
    .map((x) => [x.userId, x.tag, x.timestamp] as const)
    .sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[2] - b[2]));
  const body = JSON.stringify([
    m.tmdbId,
    m.imdbId,
    m.title,
    m.originalTitle,
    m.year,
    m.overview,
    m.runtime === null ? null : Math.round(m.runtime),
    m.releaseDate,
    m.originalLanguage,
    m.popularity,
    m.voteAverage,
    m.voteCount,
    m.posterPath,
    [...new Set(m.genres)],
    [...new Set(m.keywords)],
    [...new Set(m.directors)],
    m.cast.map((c) => [c.name, c.order, c.character ?? null]),
    t,
  ]);
  return createHash('sha1').update(body).digest('hex');
}

/**
 * Matches incoming movies to live ones: by MovieLens id first, then (for the rest) by tmdbId, then by imdbId, each
 * live movie claimed at most once; unmatched movies are added under their own id. A matched movie whose fingerprint
 * equals the live one is left alone. O(n + live).
 */
export function planCatalogue(
  incoming: readonly CatalogueMovie[],
  live: readonly LiveMovieKey[],
  tags: readonly TagLike[] = [],
  /** Precomputed fingerprints of `incoming` (same order), e.g. from the reader thread. */
  hashes?: readonly string[],
): CataloguePlan {
  const issues: ImportIssue[] = [];
  const seen = new Set<number>();
  const movies: CatalogueMovie[] = [];
  const hashOf = new Map<CatalogueMovie, string>();
  incoming.forEach((m, i) => {
    if (hashes) hashOf.set(m, hashes[i]);
  });
  for (const m of incoming) {
    if (seen.has(m.movieId)) {
      issues.push({
        file: 'movies.csv',
        line: 0,
        message: `movieId ${m.movieId} is listed twice; the first row was kept`,
      });
      continue;
    }
    seen.add(m.movieId);
    movies.push(m);
  }
  const tagsByMovie = new Map<number, TagLike[]>();
  for (const t of tags) {
    const list = tagsByMovie.get(t.movieId);
    if (list) list.push(t);
    else tagsByMovie.set(t.movieId, [t]);
  }
  const liveById = new Map(live.map((l) => [l.id, l]));
  const claimed = new Set<number>();
  const target = new Map<number, LiveMovieKey>();
  for (const m of movies) {
    const l = liveById.get(m.movieId);
    if (l) {
      target.set(m.movieId, l);
      claimed.add(l.id);
    }
  }
  const byTmdb = new Map<number, LiveMovieKey>();
  const byImdb = new Map<string, LiveMovieKey>();
  for (const l of live) {
    if (claimed.has(l.id)) continue;
    if (l.tmdbId !== null && !byTmdb.has(l.tmdbId)) byTmdb.set(l.tmdbId, l);
    if (l.imdbId !== null && !byImdb.has(l.imdbId)) byImdb.set(l.imdbId, l);
  }
  let matchedByLink = 0;
  for (const m of movies) {
    if (target.has(m.movieId)) continue;
    const candidates = [
      m.tmdbId !== null ? byTmdb.get(m.tmdbId) : undefined,
      m.imdbId !== null ? byImdb.get(m.imdbId) : undefined,
    ];
    const l = candidates.find((c) => c && !claimed.has(c.id));
    // The new row's own id must not be a live movie claimed by another row (it is not: ids matched first).
    if (l) {
      target.set(m.movieId, l);
      claimed.add(l.id);
      matchedByLink++;
    }
  }
  const counts: PlanCounts = { added: 0, updated: 0, unchanged: 0, notInFiles: 0, matchedByLink };
  const planned: PlannedMovie[] = movies.map((m) => {
    const hash = hashOf.get(m) ?? movieFingerprint(m, tagsByMovie.get(m.movieId));
    const l = target.get(m.movieId);
    const action: PlanAction = !l ? 'add' : l.hash === hash ? 'same' : 'update';
    counts[action === 'add' ? 'added' : action === 'update' ? 'updated' : 'unchanged']++;
    return { ...m, targetId: l ? l.id : m.movieId, action, hash };
  });
  counts.notInFiles = live.length - claimed.size;
  return { movies: planned, counts, issues };
}
