import { z } from 'zod';
import { textSchema } from './common';

export const MAX_FAVOURITE_GENRES = 6;

/** The onboarding form: up to six favourite genres (none is allowed: "skip"). */
export const FavouriteGenresInput = z.object({
  genres: z
    .array(textSchema(40, 'A genre').pipe(z.string().min(1)))
    .max(MAX_FAVOURITE_GENRES, `Pick at most ${MAX_FAVOURITE_GENRES} genres.`)
    .transform((g) => [...new Set(g)]),
});
export type FavouriteGenresInput = z.infer<typeof FavouriteGenresInput>;
