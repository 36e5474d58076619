import 'server-only';
import { db } from '../db';
import type { CardState } from '@/lib/validation/card-state';

/** The member's rating, watchlist and "not interested" state for each movie (one query per table, run together). */
export async function getCardStates(userId: number, movieIds: number[]): Promise<Record<number, CardState>> {
  const out: Record<number, CardState> = {};
  if (movieIds.length === 0) return out;
  const where = { userId, movieId: { in: movieIds } };
  const [ratings, watchlist, dismissals] = await Promise.all([
    db.rating.findMany({ where, select: { movieId: true, value: true } }),
    db.watchlistItem.findMany({ where, select: { movieId: true } }),
    db.dismissal.findMany({ where, select: { movieId: true } }),
  ]);
  for (const id of movieIds) out[id] = { rating: null, onWatchlist: false, dismissed: false };
  for (const r of ratings) out[r.movieId].rating = r.value;
  for (const w of watchlist) out[w.movieId].onWatchlist = true;
  for (const d of dismissals) out[d.movieId].dismissed = true;
  return out;
}
