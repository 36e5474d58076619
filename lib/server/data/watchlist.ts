import 'server-only';
import { db } from '../db';
import { NotFoundError, prismaCode } from '../errors';

export async function addToWatchlist(userId: number, movieId: number): Promise<void> {
  try {
    await db.watchlistItem.upsert({
      where: { userId_movieId: { userId, movieId } },
      create: { userId, movieId },
      update: {},
    });
  } catch (err) {
    if (prismaCode(err) === 'P2003') throw new NotFoundError('That movie is no longer in the catalogue.', { cause: err });
    throw err;
  }
}

export async function removeFromWatchlist(userId: number, movieId: number): Promise<void> {
  await db.watchlistItem.deleteMany({ where: { userId, movieId } });
}

export async function listWatchlist(userId: number): Promise<number[]> {
  const rows = await db.watchlistItem.findMany({ where: { userId }, select: { movieId: true }, orderBy: { createdAt: 'desc' } });
  return rows.map((r) => r.movieId);
}

export async function isOnWatchlist(userId: number, movieId: number): Promise<boolean> {
  return (await db.watchlistItem.count({ where: { userId, movieId } })) > 0;
}

/** The whole watchlist (no cap) with what it can be sorted by: date added, runtime and year. */
export async function listWatchlistEntries(userId: number): Promise<{ movieId: number; addedAt: Date; runtime: number | null; year: number | null }[]> {
  const rows = await db.watchlistItem.findMany({
    where: { userId },
    select: { movieId: true, createdAt: true, movie: { select: { runtime: true, year: true } } },
    orderBy: [{ createdAt: 'desc' }, { movieId: 'asc' }],
  });
  return rows.map((r) => ({ movieId: r.movieId, addedAt: r.createdAt, runtime: r.movie.runtime, year: r.movie.year }));
}
