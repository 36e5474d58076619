'use server';

import { z } from 'zod';
import { MovieRefInput, RateMovieInput } from '@/lib/validation/movies';
import { action } from '@/lib/server/action';
import { deleteRating, upsertRating } from '@/lib/server/data/ratings';
import { addToWatchlist, removeFromWatchlist } from '@/lib/server/data/watchlist';
import { dismissMovie, undismissMovie } from '@/lib/server/data/dismissals';

const ToggleInput = MovieRefInput.extend({ on: z.boolean() });

export const rateMovieAction = action(
  RateMovieInput,
  async ({ movieId, value }, { user }) => {
    await upsertRating(user.id, movieId, value);
  },
  { auth: 'user', revalidate: ['/for-you', '/ratings'] },
);

export const clearRatingAction = action(
  MovieRefInput,
  async ({ movieId }, { user }) => {
    await deleteRating(user.id, movieId);
  },
  { auth: 'user', revalidate: ['/for-you', '/ratings'] },
);

export const setWatchlistAction = action(
  ToggleInput,
  async ({ movieId, on }, { user }) => {
    await (on ? addToWatchlist(user.id, movieId) : removeFromWatchlist(user.id, movieId));
  },
  { auth: 'user', revalidate: ['/watchlist'] },
);

export const setDismissedAction = action(
  ToggleInput,
  async ({ movieId, on }, { user }) => {
    await (on ? dismissMovie(user.id, movieId) : undismissMovie(user.id, movieId));
  },
  { auth: 'user', revalidate: ['/for-you'] },
);
