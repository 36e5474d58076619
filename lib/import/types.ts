/** Client-safe types shared by the history parsers, the matcher, the import service and the preview page. */

export type ImportSource = 'letterboxd' | 'imdb' | 'movielens';
export type ImportKind = 'rating' | 'watch' | 'watchlist' | 'like' | 'list';

/** One film mention read from a file: what it is (kind), which film (title, year, ids) and its data. */
export interface ImportRow {
  file: string;
  /** 1-based line where the record starts in its file. */
  line: number;
  kind: ImportKind;
  title: string;
  year: number | null;
  /** IMDb numeric id (tt0114709 → 114709). */
  imdbId?: number;
  tmdbId?: number;
  /** A catalogue (MovieLens) id read from the file: MovieLens.org's movie_id or a Reel movie URL. */
  movieId?: number;
  /** Half stars 0.5–5. */
  rating?: number;
  /** YYYY-MM-DD: rated, watched, added or liked on. */
  date?: string;
  rewatch?: boolean;
  /** Index into ParsedImport.lists for kind 'list'. */
  list?: number;
  /** 1-based position in the list. */
  position?: number;
  note?: string;
}

export interface ImportList {
  name: string;
  description: string;
  file: string;
}

export interface MalformedRow {
  file: string;
  /** 1-based line; 0 for a problem with the whole file. */
  line: number;
  reason: string;
}

export interface ParsedImport {
  source: ImportSource;
  rows: ImportRow[];
  lists: ImportList[];
  malformed: MalformedRow[];
  /** Problems that lose nothing (extra columns, a non-UTF-8 file read as Windows-1252, ignored files). */
  warnings: string[];
}

/** Upload limits: beyond them the member gets a message saying which limit and what to do. */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
export const MAX_UNZIPPED_BYTES = 80 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 200_000;
