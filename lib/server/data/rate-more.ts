import 'server-only';
import { db } from '../db';
import { NotFoundError, prismaCode } from '../errors';
import type { RateCandidate } from '@/lib/rate-more/pick';

/** Films rated at least this often are candidates (the rest few members have seen). */
const MIN_RATINGS = 15;
/** The candidate pool: this many of the most-rated films. */
const POOL = 800;

let cache: { at: number; rows: Promise<RateCandidate[]> } | null = null;

/**
 * Rating statistics of the most-rated films (count, spread of ratings, year, genres) for the rate-more picker. They
 * change slowly (the catalogue's ratings, not one member's), so one read per ten minutes serves everyone.
 */
export async function listRateCandidates(): Promise<RateCandidate[]> {
  if (!cache || Date.now() - cache.at > 10 * 60_000) {
    const rows = (async () => {
      const stats = await db.$queryRaw<{ id: number; year: number | null; count: number; spread: number | null }[]>`
        SELECT r."movieId" AS id, m.year, COUNT(*)::int AS count, COALESCE(STDDEV_POP(r.value), 0)::float8 AS spread
        FROM "Rating" r JOIN "Movie" m ON m.id = r."movieId"
        GROUP BY r."movieId", m.year
        HAVING COUNT(*) >= ${MIN_RATINGS}
        ORDER BY count DESC, id
        LIMIT ${POOL}`;
      const genres = await db.movieGenre.findMany({
        where: { movieId: { in: stats.map((s) => s.id) } },
        select: { movieId: true, genre: { select: { name: true } } },
      });
      const byMovie = new Map<number, string[]>();
      for (const g of genres) byMovie.set(g.movieId, [...(byMovie.get(g.movieId) ?? []), g.genre.name]);
      return stats.map((s) => ({ id: s.id, year: s.year, count: s.count, spread: Number(s.spread ?? 0), genres: (byMovie.get(s.id) ?? []).sort() }));
    })();
    cache = { at: Date.now(), rows };
    rows.catch(() => (cache = null));
  }
  return cache.rows;
}

/** Movies the member has rated, hidden or skipped ("haven't seen it"): never offered again. */
export async function listRatedHiddenOrSkippedIds(userId: number): Promise<number[]> {
  const [rated, hidden, skipped] = await Promise.all([
    db.rating.findMany({ where: { userId }, select: { movieId: true } }),
    db.dismissal.findMany({ where: { userId }, select: { movieId: true } }),
    db.rateSkip.findMany({ where: { userId }, select: { movieId: true } }),
  ]);
  return [...rated, ...hidden, ...skipped].map((r) => r.movieId);
}

/** "Haven't seen it": kept with the account, so no device offers the film on the rate-more page again. */
export async function skipRateMovie(userId: number, movieId: number): Promise<void> {
  try {
    await db.rateSkip.upsert({ where: { userId_movieId: { userId, movieId } }, create: { userId, movieId }, update: {} });
  } catch (err) {
    if (prismaCode(err) === 'P2003') throw new NotFoundError('That movie is no longer in the catalogue.', { cause: err });
    throw err;
  }
}

/** Undoes a skip (the film may be offered again). */
export async function unskipRateMovie(userId: number, movieId: number): Promise<void> {
  await db.rateSkip.deleteMany({ where: { userId, movieId } });
}

export async function listSkippedIds(userId: number): Promise<number[]> {
  const rows = await db.rateSkip.findMany({ where: { userId }, select: { movieId: true }, orderBy: { createdAt: 'asc' } });
  return rows.map((r) => r.movieId);
}
