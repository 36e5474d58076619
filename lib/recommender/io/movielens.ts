import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { emptyToNull, numberOrNull, readCsv } from './csv';
import { IssueLog, type ImportIssue } from './issues';

/** A movie from MovieLens movies.csv / u.item. */
export interface MovieLensMovie {
  movieId: number;
  /** Title without the trailing `(Year)`. */
  title: string;
  year: number | null;
  genres: string[];
}

export interface MovieLensLink {
  movieId: number;
  /** IMDb id digits as in links.csv (leading zeros kept), e.g. "0114709". */
  imdbId: string | null;
  tmdbId: number | null;
}

export interface MovieLensTag {
  userId: number;
  movieId: number;
  tag: string;
  timestamp: number;
}

export interface MovieLensMovies {
  movies: MovieLensMovie[];
  links: Map<number, MovieLensLink>;
  tags: MovieLensTag[];
  issues: ImportIssue[];
  issueCount: number;
}

const TITLE_YEAR = /^(.*?)\s*\((\d{4})(?:\s*[–-]\s*(?:\d{4})?)?\)\s*$/;

/** `Toy Story (1995)` → { title: 'Toy Story', year: 1995 }; titles without a year keep their text. */
export function splitTitleYear(raw: string): { title: string; year: number | null } {
  const t = raw.trim();
  const m = TITLE_YEAR.exec(t);
  if (!m || m[1] === '') return { title: t, year: null };
  return { title: m[1], year: Number(m[2]) };
}

function positiveInt(s: string | undefined): number | null {
  const n = numberOrNull(s);
  return n !== null && Number.isInteger(n) && n > 0 ? n : null;
}

/**
 * Loads ml-latest-small movies.csv, links.csv and tags.csv (tags and links optional) from `dir`.
 * `(no genres listed)` becomes []. Rows with a bad movieId are skipped and reported.
 */
export function loadMovieLensMovies(dir: string, opts: { maxIssues?: number } = {}): MovieLensMovies {
  const log = new IssueLog(opts.maxIssues);
  const movies: MovieLensMovie[] = [];
  for (const { line, record } of readCsv(join(dir, 'movies.csv'))) {
    const movieId = positiveInt(record.movieId);
    if (movieId === null) {
      log.add('movies.csv', line, `bad movieId ${JSON.stringify(record.movieId)}`);
      continue;
    }
    const { title, year } = splitTitleYear(record.title ?? '');
    if (title === '') log.add('movies.csv', line, `movie ${movieId} has an empty title`);
    const g = (record.genres ?? '').trim();
    const genres =
      g === '' || g === '(no genres listed)'
        ? []
        : g
            .split('|')
            .map((x) => x.trim())
            .filter(Boolean);
    movies.push({ movieId, title, year, genres });
  }

  const links = new Map<number, MovieLensLink>();
  const linksPath = join(dir, 'links.csv');
  for (const { line, record } of safeRead(linksPath)) {
    const movieId = positiveInt(record.movieId);
    if (movieId === null) {
      log.add('links.csv', line, `bad movieId ${JSON.stringify(record.movieId)}`);
      continue;
    }
    const tmdbRaw = emptyToNull(record.tmdbId);
    const tmdbId = positiveInt(record.tmdbId);
    if (tmdbRaw !== null && tmdbId === null) log.add('links.csv', line, `bad tmdbId ${JSON.stringify(tmdbRaw)}`);
    links.set(movieId, { movieId, imdbId: emptyToNull(record.imdbId), tmdbId });
  }

  const tags: MovieLensTag[] = [];
  for (const { line, record } of safeRead(join(dir, 'tags.csv'))) {
    const userId = positiveInt(record.userId);
    const movieId = positiveInt(record.movieId);
    const tag = emptyToNull(record.tag);
    const timestamp = numberOrNull(record.timestamp);
    if (userId === null || movieId === null || tag === null) {
      log.add('tags.csv', line, 'tag row needs userId, movieId and tag');
      continue;
    }
    tags.push({ userId, movieId, tag, timestamp: timestamp !== null && Number.isFinite(timestamp) ? timestamp : 0 });
  }
  return { movies, links, tags, issues: log.issues, issueCount: log.count };
}

function safeRead(path: string) {
  try {
    return readCsv(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** An ml-100k movie (u.item). */
export interface Ml100kItem extends MovieLensMovie {
  /** `01-Jan-1995` as in the file, or null. */
  releaseDate: string | null;
  imdbUrl: string | null;
}

/**
 * Loads ml-100k `u.item` (`|`-separated, latin-1) with genres named in `u.genre` order
 * (the 19 trailing 0/1 flags). Malformed rows are skipped and reported.
 */
export function loadMl100kItems(dir: string): {
  movies: Ml100kItem[];
  genreNames: string[];
  issues: ImportIssue[];
  issueCount: number;
} {
  const log = new IssueLog();
  const genreNames: string[] = [];
  const genreText = new TextDecoder('latin1').decode(readFileSync(join(dir, 'u.genre')));
  for (const line of genreText.split('\n')) {
    const [name, idx] = line.trim().split('|');
    if (name && idx !== undefined) genreNames[Number(idx)] = name;
  }
  const text = new TextDecoder('latin1').decode(readFileSync(join(dir, 'u.item')));
  const movies: Ml100kItem[] = [];
  const lines = text.split('\n');
  for (let k = 0; k < lines.length; k++) {
    const raw = lines[k].replace(/\r$/, '');
    if (raw === '') continue;
    const f = raw.split('|');
    if (f.length !== 5 + genreNames.length) {
      log.add('u.item', k + 1, `expected ${5 + genreNames.length} fields, found ${f.length}`);
      continue;
    }
    const movieId = positiveInt(f[0]);
    if (movieId === null) {
      log.add('u.item', k + 1, `bad movie id ${JSON.stringify(f[0])}`);
      continue;
    }
    const { title, year } = splitTitleYear(f[1]);
    const genres: string[] = [];
    for (let g = 0; g < genreNames.length; g++) if (f[5 + g] === '1') genres.push(genreNames[g]);
    movies.push({ movieId, title, year, genres, releaseDate: emptyToNull(f[2]), imdbUrl: emptyToNull(f[4]) });
  }
  return { movies, genreNames, issues: log.issues, issueCount: log.count };
}
