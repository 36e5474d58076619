'use server';

import { revalidatePath } from 'next/cache';
import { FavouriteGenresInput } from '@/lib/validation/onboarding';
import { requireUser } from '@/lib/server/auth';
import { setFavouriteGenres } from '@/lib/server/data/preferences';
import { toActionError } from '@/lib/server/errors';

export async function saveFavouriteGenresAction(raw: unknown): Promise<{ ok: true; genres: string[] } | { ok: false; error: string }> {
  const input = FavouriteGenresInput.safeParse(raw);
  if (!input.success) return { ok: false, error: input.error.issues[0]?.message ?? 'Those genres could not be saved.' };
  try {
    const user = await requireUser();
    const genres = await setFavouriteGenres(user.id, input.data.genres);
    revalidatePath('/welcome');
    revalidatePath('/for-you');
    return { ok: true, genres };
  } catch (err) {
    return toActionError(err);
  }
}
