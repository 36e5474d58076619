import 'server-only';
import { predictRating, ratingContext, trainedOn, type UserRatings } from '@/lib/recommender/serving';
import { listRatings } from '../data/ratings';
import { getServingModel } from './model-cache';

/**
 * The active model's predicted rating of each movie for one member (list pages show it beside every film), with
 * the member's current ratings folded in as on the movie page. Movies the model does not know are left out.
 */
export async function predictRatingsFor(userId: number, movieIds: number[]): Promise<Map<number, number>> {
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
