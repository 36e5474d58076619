import 'server-only';
import { predictRating, ratingContext, trainedOn, type UserRatings } from '@/lib/recommender/serving';
import { listRatings } from '../data/ratings';
import { getServingModel } from './model-cache';

/**
 * The active model's predicted rating of each movie for the member (movieId → 0.5–5), for lists that show "Reel
 * predicts ★ 3.9" next to unrated films (person pages, Browse's "for you" sort). Movies the model does not know are
 * left out; without an active model the map is empty.
 */
export async function predictRatings(userId: number, movieIds: number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (movieIds.length === 0) return out;
  const loaded = await getServingModel();
  if (!loaded) return out;
  const rated = await listRatings(userId);
  const pairs = rated.flatMap((r) => {
    const i = loaded.itemIndex.get(r.movieId);
    return i === undefined ? [] : [[i, r.value] as const];
  });
  const user: UserRatings = {
    itemIdx: Int32Array.from(pairs, (p) => p[0]),
    values: Float32Array.from(pairs, (p) => p[1]),
    newMember: !trainedOn(loaded.model, userId),
  };
  // One context for all the movies: the fold-in is done once, each prediction is then a dot product or two.
  const ctx = ratingContext(loaded.model, user);
  for (const id of movieIds) {
    const idx = loaded.itemIndex.get(id);
    if (idx !== undefined) out.set(id, predictRating(loaded.model, ctx, idx));
  }
  return out;
}
