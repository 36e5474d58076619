'use server';

import { z } from 'zod';
import { MovieRefInput, RateMovieInput } from '@/lib/validation/movies';
import { action } from '@/lib/server/action';
import { deleteRating, upsertRating } from '@/lib/server/data/ratings';
import { addToWatchlist, removeFromWatchlist } from '@/lib/server/data/watchlist';
import { dismissMovie, undismissMovie } from '@/lib/server/data/dismissals';
import { skipRateMovie, unskipRateMovie } from '@/lib/server/data/rate-more';

// The quick actions on movie cards (For You, Browse, search, person pages, rate-more). Unlike the movie page's actions
// they revalidate nothing: a revalidated path is re-rendered into the action's response when the member is on it, so a
// star tap on a For You card would rebuild the whole feed before it counted as saved, and reshuffle the list under the
// member's thumb. Every page here is rendered per request, so the next visit shows the change anyway.
const ToggleInput = MovieRefInput.extend({ on: z.boolean() });

export const rateFromCardAction = action(
  RateMovieInput,
  async ({ movieId, value }, { user }) => {
    await upsertRating(user.id, movieId, value);
  },
  { auth: 'user' },
);

export const clearFromCardAction = action(
  MovieRefInput,
  async ({ movieId }, { user }) => {
    await deleteRating(user.id, movieId);
  },
  { auth: 'user' },
);

export const watchlistFromCardAction = action(
  ToggleInput,
  async ({ movieId, on }, { user }) => {
    await (on ? addToWatchlist(user.id, movieId) : removeFromWatchlist(user.id, movieId));
  },
  { auth: 'user' },
);

export const dismissFromCardAction = action(
  ToggleInput,
  async ({ movieId, on }, { user }) => {
    await (on ? dismissMovie(user.id, movieId) : undismissMovie(user.id, movieId));
  },
  { auth: 'user' },
);

/** "Haven't seen it" on the rate-more cards (on: skip, off: undo), kept with the account for every device. */
export const skipFromRateMoreAction = action(
  ToggleInput,
  async ({ movieId, on }, { user }) => {
    await (on ? skipRateMovie(user.id, movieId) : unskipRateMovie(user.id, movieId));
  },
  { auth: 'user' },
);
