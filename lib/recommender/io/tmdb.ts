import { join } from 'node:path';
import { emptyToNull, numberOrNull, readCsv } from './csv';
import { IssueLog, type ImportIssue } from './issues';
import { parsePythonLiteral, type PyValue } from './python-literal';

export interface CastMember {
  name: string;
  /** Billing order, 0 = top billed. */
  order: number;
  character?: string;
}

/** One movie's TMDB content (Kaggle "The Movies Dataset" layout). Empty cells are null / []. */
export interface TmdbMovie {
  tmdbId: number;
  title: string | null;
  /** The title in the original language, as TMDB writes it ("La Cité des enfants perdus"). */
  originalTitle: string | null;
  overview: string | null;
  genres: string[];
  /** Minutes. */
  runtime: number | null;
  /** YYYY-MM-DD. */
  releaseDate: string | null;
  originalLanguage: string | null;
  popularity: number | null;
  voteAverage: number | null;
  voteCount: number | null;
  posterPath: string | null;
  cast: CastMember[];
  directors: string[];
  keywords: string[];
}

export interface TmdbData {
  movies: Map<number, TmdbMovie>;
  issues: ImportIssue[];
  issueCount: number;
}

type PyDict = { [key: string]: PyValue };

function isDict(v: PyValue): v is PyDict {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Parses a Python-literal list cell into its dict entries; empty cell → []; errors are logged. */
function dictList(cell: string | undefined, file: string, line: number, column: string, log: IssueLog): PyDict[] {
  const text = emptyToNull(cell);
  if (text === null) return [];
  try {
    const v = parsePythonLiteral(text);
    if (!Array.isArray(v)) {
      log.add(file, line, `${column}: expected a list`);
      return [];
    }
    return v.filter(isDict);
  } catch (err) {
    log.add(file, line, `${column}: ${(err as Error).message}`);
    return [];
  }
}

function names(list: PyDict[]): string[] {
  const out: string[] = [];
  for (const d of list) if (typeof d.name === 'string' && d.name.trim() !== '') out.push(d.name.trim());
  return out;
}

function finiteOrNull(s: string | undefined, file: string, line: number, column: string, log: IssueLog): number | null {
  const n = numberOrNull(s);
  if (n === null) return null;
  if (!Number.isFinite(n)) {
    log.add(file, line, `${column}: not a number ${JSON.stringify(s)}`);
    return null;
  }
  return n;
}

/**
 * Loads `movies_metadata.csv`, `credits.csv` and `keywords.csv` from `dir` (csv-parse for the CSV
 * layer, {@link parsePythonLiteral} for list cells). Keyed by TMDB id; credits/keywords without a
 * metadata row still create an entry. Bad ids and unparsable cells are reported by line.
 */
export function loadTmdb(dir: string, opts: { maxIssues?: number } = {}): TmdbData {
  const log = new IssueLog(opts.maxIssues);
  const movies = new Map<number, TmdbMovie>();
  const blank = (tmdbId: number): TmdbMovie => ({
    tmdbId,
    title: null,
    originalTitle: null,
    overview: null,
    genres: [],
    runtime: null,
    releaseDate: null,
    originalLanguage: null,
    popularity: null,
    voteAverage: null,
    voteCount: null,
    posterPath: null,
    cast: [],
    directors: [],
    keywords: [],
  });
  const idOf = (raw: string | undefined, file: string, line: number): number | null => {
    const n = numberOrNull(raw);
    if (n === null || !Number.isInteger(n) || n <= 0) {
      log.add(file, line, `bad id ${JSON.stringify(raw ?? '')}`);
      return null;
    }
    return n;
  };
  const entry = (id: number) => {
    let m = movies.get(id);
    if (!m) {
      m = blank(id);
      movies.set(id, m);
    }
    return m;
  };

  const F1 = 'movies_metadata.csv';
  for (const { line, record: r } of readCsv(join(dir, F1))) {
    const id = idOf(r.id, F1, line);
    if (id === null) continue;
    const m = entry(id);
    m.title = emptyToNull(r.title);
    m.originalTitle = emptyToNull(r.original_title);
    m.overview = emptyToNull(r.overview);
    m.genres = names(dictList(r.genres, F1, line, 'genres', log));
    m.runtime = finiteOrNull(r.runtime, F1, line, 'runtime', log);
    const date = emptyToNull(r.release_date);
    if (date !== null && !/^\d{4}-\d{2}-\d{2}$/.test(date))
      log.add(F1, line, `release_date: not YYYY-MM-DD ${JSON.stringify(date)}`);
    m.releaseDate = date !== null && /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : null;
    m.originalLanguage = emptyToNull(r.original_language);
    m.popularity = finiteOrNull(r.popularity, F1, line, 'popularity', log);
    m.voteAverage = finiteOrNull(r.vote_average, F1, line, 'vote_average', log);
    m.voteCount = finiteOrNull(r.vote_count, F1, line, 'vote_count', log);
    m.posterPath = emptyToNull(r.poster_path);
  }

  const F2 = 'credits.csv';
  for (const { line, record: r } of readCsv(join(dir, F2))) {
    const id = idOf(r.id, F2, line);
    if (id === null) continue;
    const m = entry(id);
    const cast = dictList(r.cast, F2, line, 'cast', log);
    m.cast = cast
      .filter((d) => typeof d.name === 'string' && d.name.trim() !== '')
      .map((d, k) => {
        const c: CastMember = { name: (d.name as string).trim(), order: typeof d.order === 'number' ? d.order : k };
        if (typeof d.character === 'string' && d.character !== '') c.character = d.character;
        return c;
      })
      .sort((a, b) => a.order - b.order);
    m.directors = names(dictList(r.crew, F2, line, 'crew', log).filter((d) => d.job === 'Director'));
  }

  const F3 = 'keywords.csv';
  for (const { line, record: r } of readCsv(join(dir, F3))) {
    const id = idOf(r.id, F3, line);
    if (id === null) continue;
    entry(id).keywords = names(dictList(r.keywords, F3, line, 'keywords', log));
  }
  return { movies, issues: log.issues, issueCount: log.count };
}
