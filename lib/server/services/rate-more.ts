import 'server-only';
import { pickRateCandidates } from '@/lib/rate-more/pick';
import { getMovieCards, type MovieCard } from '../data/movies';
import { getFavouriteGenres } from '../data/preferences';
import { listRateCandidates, listRatedHiddenOrSkippedIds } from '../data/rate-more';

/**
 * The next films to offer a member on the rate-more page: probably seen, telling about taste, spread out, leaning to
 * their onboarding genres and the decades they chose, never one they rated, hid or skipped. The seed changes with
 * every rating (taste version), so the batch after a rating is a new draw.
 */
export async function nextRateBatch(
  user: { id: number; tasteVersion: number },
  opts: { decades: number[]; exclude: number[]; n: number },
): Promise<MovieCard[]> {
  const [candidates, done, genres] = await Promise.all([
    listRateCandidates(),
    listRatedHiddenOrSkippedIds(user.id),
    getFavouriteGenres(user.id),
  ]);
  const ids = pickRateCandidates(candidates, {
    n: opts.n,
    genres,
    decades: opts.decades,
    exclude: new Set([...done, ...opts.exclude]),
    seed: user.id * 7919 + user.tasteVersion * 104_729 + opts.exclude.length,
  });
  return getMovieCards(ids);
}
