import { z } from 'zod';
import { idSchema, optionalQueryText } from './common';

/** A movie id: a positive int32 (lib/validation/common.ts), from a form, JSON or a URL segment. */
export const MovieId = idSchema('Unknown movie.');

/** Half stars from 0.5 to 5. */
export const RatingValue = z.coerce
  .number({ error: 'Pick a rating between 0.5 and 5 stars.' })
  .min(0.5, 'Pick a rating between 0.5 and 5 stars.')
  .max(5, 'Pick a rating between 0.5 and 5 stars.')
  .refine((v) => Number.isInteger(v * 2), 'Ratings go in half stars (0.5, 1, 1.5 … 5).');

export const RateMovieInput = z.object({ movieId: MovieId, value: RatingValue });
export type RateMovieInput = z.infer<typeof RateMovieInput>;

export const MovieRefInput = z.object({ movieId: MovieId });
export type MovieRefInput = z.infer<typeof MovieRefInput>;

/** An optional whole number from a query string: empty or invalid → undefined (filters never fail a page). */
const optionalInt = (min: number, max: number) =>
  z
    .preprocess((v) => (v === '' || v === null ? undefined : v), z.coerce.number().int().min(min).max(max).optional())
    .catch(undefined);

export const BROWSE_SORTS = ['popular', 'top', 'newest', 'oldest', 'title', 'foryou'] as const;
export type BrowseSort = (typeof BROWSE_SORTS)[number];

export const BrowseQuery = z.object({
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
  genre: optionalQueryText(40),
  q: optionalQueryText(100),
  /** First year of a decade (1990 → 1990–1999); yearFrom/yearTo narrow or replace it. */
  decade: optionalInt(1870, 2030),
  yearFrom: optionalInt(1870, 2100),
  yearTo: optionalInt(1870, 2100),
  runtimeMin: optionalInt(1, 1000),
  runtimeMax: optionalInt(1, 1000),
  /** ISO 639-1 code of the original language. */
  language: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z]{2,3}$/)
    .optional()
    .catch(undefined),
  minRatings: optionalInt(0, 1_000_000),
  /** A person id (cast or director). */
  person: optionalInt(1, 2_147_483_647),
  /** A typed actor or director name (the person field): looked up when no `person` id comes with it. */
  personName: optionalQueryText(100),
  /** A TMDB keyword, matched whole and case-insensitively ("time travel"). */
  keyword: optionalQueryText(100),
  sort: z.enum(BROWSE_SORTS).catch('popular'),
});
export type BrowseQuery = z.infer<typeof BrowseQuery>;

/** The year range a Browse query asks for (decade, then explicit years, which win), earliest first. */
export function browseYears(q: Pick<BrowseQuery, 'decade' | 'yearFrom' | 'yearTo'>): { from?: number; to?: number } {
  let from = q.yearFrom ?? (q.decade !== undefined ? q.decade - (q.decade % 10) : undefined);
  let to = q.yearTo ?? (q.decade !== undefined ? q.decade - (q.decade % 10) + 9 : undefined);
  if (from !== undefined && to !== undefined && from > to) [from, to] = [to, from];
  return { from, to };
}

// What pages and client components show of a movie (plain JSON-safe data; built in lib/server/data/movies.ts).

export interface MovieCard {
  id: number;
  title: string;
  year: number | null;
  posterPath: string | null;
  genres: string[];
  ratingMean: number | null;
  ratingCount: number;
}

export interface MovieDetail extends MovieCard {
  /** TMDB's original title when it differs from `title` (null otherwise). */
  originalTitle: string | null;
  /** Other titles the catalogue gives (often the original-language one), formatted: "La Cité des enfants perdus". */
  alsoKnownAs: string[];
  overview: string | null;
  runtime: number | null;
  releaseDate: string | null;
  originalLanguage: string | null;
  voteAverage: number | null;
  voteCount: number | null;
  tmdbId: number | null;
  imdbId: string | null;
  directors: { id: number; name: string }[];
  cast: { id: number; name: string; character: string | null }[];
  keywords: string[];
  tags: string[];
}
