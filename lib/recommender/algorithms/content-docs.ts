/**
 * Turns catalogue rows into {@link ContentDoc}s for the content model. Pure: the caller loads the
 * catalogue (io/catalogue.ts, io/movielens.ts) and passes the rows in.
 */
import type { ContentDoc } from './content-tfidf';

/** The catalogue fields the content model uses (a structural subset of io's CatalogueMovie). */
export interface ContentSource {
  movieId: number;
  year: number | null;
  genres: readonly string[];
  overview?: string | null;
  originalLanguage?: string | null;
  cast?: readonly { name: string; order: number }[];
  directors?: readonly string[];
  keywords?: readonly string[];
}

/** A MovieLens tag application (tags.csv row). */
export interface ContentTag {
  movieId: number;
  tag: string;
}

/**
 * Field namespaces: g genres, c top-billed cast, d directors, k TMDB keywords, t MovieLens user
 * tags, y decade, l original language, o overview terms (free text).
 */
export const CONTENT_FIELDS = ['g', 'c', 'd', 'k', 't', 'y', 'l', 'o'] as const;
export type ContentField = (typeof CONTENT_FIELDS)[number];

/** Field weights α_f used when none are tuned (picked on the validation split of ml-latest-small; see docs/benchmarks/hybrid.md). */
export const DEFAULT_CONTENT_FIELD_WEIGHTS: Readonly<Record<ContentField, number>> = {
  g: 1,
  c: 0.6,
  d: 0.6,
  k: 0.8,
  t: 0.6,
  y: 0.5,
  l: 0.3,
  o: 0.6,
};

export interface ContentDocOptions {
  /** Top-billed actors kept (by billing order). Default 3. */
  topCast?: number;
}

/**
 * One document per movie. Genres "(no genres listed)" are dropped; decade from `year`
 * ("1990s"); tags are matched by movieId and kept as categorical values (so "dark comedy" is one
 * feature, not two words). O(movies + tags).
 */
export function buildContentDocs(
  movies: readonly ContentSource[],
  tags: readonly ContentTag[] = [],
  opts: ContentDocOptions = {},
): ContentDoc[] {
  const topCast = opts.topCast ?? 3;
  const tagsByMovie = new Map<number, string[]>();
  for (const t of tags) {
    let list = tagsByMovie.get(t.movieId);
    if (list === undefined) tagsByMovie.set(t.movieId, (list = []));
    list.push(t.tag);
  }
  return movies.map((m) => {
    const fields: Record<string, readonly string[] | string> = {
      g: m.genres.filter((g) => g !== '(no genres listed)'),
    };
    if (m.cast && m.cast.length > 0) {
      fields.c = [...m.cast]
        .sort((a, b) => a.order - b.order)
        .slice(0, topCast)
        .map((c) => c.name);
    }
    if (m.directors && m.directors.length > 0) fields.d = m.directors;
    if (m.keywords && m.keywords.length > 0) fields.k = m.keywords;
    const mt = tagsByMovie.get(m.movieId);
    if (mt) fields.t = [...new Set(mt.map((t) => t.toLowerCase().trim()))];
    if (m.year !== null) fields.y = [`${Math.floor(m.year / 10) * 10}s`];
    if (m.originalLanguage) fields.l = [m.originalLanguage];
    if (m.overview) fields.o = m.overview;
    return { itemId: m.movieId, fields };
  });
}
