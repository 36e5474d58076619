'use server';

import { LogWatchInput, SetLikedInput, UpdateWatchInput, WatchRefInput, type WatchDto } from '@/lib/validation/history';
import { action } from '@/lib/server/action';
import { deleteWatch, logWatch, updateWatch } from '@/lib/server/data/watches';
import { getRating } from '@/lib/server/data/ratings';
import { likeMovie, unlikeMovie } from '@/lib/server/data/likes';

// Viewing history and likes. The member is always the session's (the wrapper checks it); ids in the input name the
// movie or the diary entry, and a diary entry of someone else is "not found".
const HISTORY_PAGES = ['/for-you', '/diary', '/likes', '/ratings', '/watchlist'];

/** The saved entry and the member's current rating of the movie afterwards (a rated watch may have changed it). */
export interface SavedWatch {
  watch: WatchDto;
  currentRating: number | null;
}

export const logWatchAction = action(
  LogWatchInput,
  async ({ movieId, watchedOn, rewatch, rating }, { user }): Promise<SavedWatch> => {
    const watch = await logWatch(user.id, { movieId, watchedOn, rewatch, rating });
    return { watch, currentRating: await getRating(user.id, movieId) };
  },
  { auth: 'user', revalidate: HISTORY_PAGES },
);

export const updateWatchAction = action(
  UpdateWatchInput,
  async ({ watchId, watchedOn, rewatch, rating }, { user }): Promise<SavedWatch> => {
    const watch = await updateWatch(user.id, watchId, { watchedOn, rewatch, rating });
    return { watch, currentRating: await getRating(user.id, watch.movieId) };
  },
  { auth: 'user', revalidate: HISTORY_PAGES },
);

export const deleteWatchAction = action(
  WatchRefInput,
  async ({ watchId }, { user }) => {
    await deleteWatch(user.id, watchId);
  },
  { auth: 'user', revalidate: HISTORY_PAGES },
);

export const setLikedAction = action(
  SetLikedInput,
  async ({ movieId, on }, { user }) => {
    await (on ? likeMovie(user.id, movieId) : unlikeMovie(user.id, movieId));
  },
  // No revalidation: the button updates optimistically and keeps its "Undo" on screen (on /likes too); every page
  // that lists likes renders per request, and the taste-version bump already retires the cached For You pages.
  { auth: 'user' },
);
