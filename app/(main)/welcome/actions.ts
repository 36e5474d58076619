'use server';

import { FavouriteGenresInput } from '@/lib/validation/onboarding';
import { action } from '@/lib/server/action';
import { setFavouriteGenres } from '@/lib/server/data/preferences';

/** Stores the member's favourite genres and returns them as saved (deduplicated). */
export const saveFavouriteGenresAction = action(
  FavouriteGenresInput,
  async ({ genres }, { user }) => setFavouriteGenres(user.id, genres),
  { auth: 'user', revalidate: ['/welcome', '/for-you'] },
);
