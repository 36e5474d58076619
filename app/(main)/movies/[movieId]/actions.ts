'use server';

import { revalidatePath } from 'next/cache';
import { MovieRefInput, RateMovieInput } from '@/lib/validation/movies';
import { requireUser } from '@/lib/server/auth';
import { deleteRating, upsertRating } from '@/lib/server/data/ratings';
import { addToWatchlist, removeFromWatchlist } from '@/lib/server/data/watchlist';
import { dismissMovie, undismissMovie } from '@/lib/server/data/dismissals';
import { AppError, toActionError } from '@/lib/server/errors';

type Result = { ok: true } | { ok: false; error: string };

function firstIssue(err: { issues: { message: string }[] }): Result {
  return { ok: false, error: err.issues[0]?.message ?? 'That request was not valid.' };
}

async function run(fn: () => Promise<void>, paths: string[]): Promise<Result> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof AppError) return toActionError(err);
    throw err;
  }
  for (const p of paths) revalidatePath(p);
  return { ok: true };
}

export async function rateMovieAction(raw: unknown): Promise<Result> {
  const input = RateMovieInput.safeParse(raw);
  if (!input.success) return firstIssue(input.error);
  let userId: number;
  try {
    userId = (await requireUser()).id; // the page's check does not protect this endpoint
  } catch (err) {
    return toActionError(err);
  }
  return run(() => upsertRating(userId, input.data.movieId, input.data.value).then(() => undefined), ['/for-you', '/ratings']);
}

export async function clearRatingAction(raw: unknown): Promise<Result> {
  const input = MovieRefInput.safeParse(raw);
  if (!input.success) return firstIssue(input.error);
  try {
    const user = await requireUser();
    return run(() => deleteRating(user.id, input.data.movieId), ['/for-you', '/ratings']);
  } catch (err) {
    return toActionError(err);
  }
}

export async function setWatchlistAction(raw: unknown, on: boolean): Promise<Result> {
  const input = MovieRefInput.safeParse(raw);
  if (!input.success) return firstIssue(input.error);
  try {
    const user = await requireUser();
    return run(() => (on ? addToWatchlist(user.id, input.data.movieId) : removeFromWatchlist(user.id, input.data.movieId)), ['/watchlist']);
  } catch (err) {
    return toActionError(err);
  }
}

export async function setDismissedAction(raw: unknown, on: boolean): Promise<Result> {
  const input = MovieRefInput.safeParse(raw);
  if (!input.success) return firstIssue(input.error);
  try {
    const user = await requireUser();
    return run(() => (on ? dismissMovie(user.id, input.data.movieId) : undismissMovie(user.id, input.data.movieId)), ['/for-you']);
  } catch (err) {
    return toActionError(err);
  }
}
