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

export const BrowseQuery = z.object({
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
  genre: optionalQueryText(40),
  q: optionalQueryText(100),
  sort: z.enum(['popular', 'top', 'newest', 'title']).catch('popular'),
});
export type BrowseQuery = z.infer<typeof BrowseQuery>;

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
