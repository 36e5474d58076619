import 'server-only';
import { db } from '../db';
import { AppError } from '../errors';
import { getMovieCards, type MovieCard } from './movies';

export async function getFavouriteGenres(userId: number): Promise<string[]> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { favouriteGenres: true } });
  return user?.favouriteGenres ?? [];
}

/**
 * Replaces the member's favourite genres. Every name must be a catalogue genre (an unknown one is refused with a
 * message and nothing changes); the taste version is bumped in the same statement so For You follows at once.
 */
export async function setFavouriteGenres(userId: number, genres: string[]): Promise<string[]> {
  const known = new Set((await db.genre.findMany({ where: { name: { in: genres } }, select: { name: true } })).map((g) => g.name));
  const unknown = genres.filter((g) => !known.has(g));
  if (unknown.length) throw new AppError('INVALID', `Unknown genre${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}.`);
  const user = await db.user.update({
    where: { id: userId },
    data: { favouriteGenres: genres, tasteVersion: { increment: 1 } },
    select: { favouriteGenres: true },
  });
  return user.favouriteGenres;
}

/**
 * Well-known and diverse titles for a new member to rate: walking down the most-rated movies, a title is taken when
 * its genres add one not yet covered (then, once every genre of the top titles is covered, the most-rated rest).
 */
export async function listOnboardingMovies(n = 12, favourites: string[] = []): Promise<MovieCard[]> {
  const top = await db.movie.findMany({
    where: { ratingCount: { gt: 0 } },
    orderBy: [{ ratingCount: 'desc' }, { id: 'asc' }],
    take: 150,
    select: { id: true, genres: { select: { genre: { select: { name: true } } } } },
  });
  const covered = new Set<string>();
  const picked: number[] = [];
  // Favourite genres first: the most-rated title of each.
  for (const genre of favourites) {
    const hit = top.find((m) => !picked.includes(m.id) && m.genres.some((g) => g.genre.name === genre));
    if (hit && picked.length < n) {
      picked.push(hit.id);
      hit.genres.forEach((g) => covered.add(g.genre.name));
    }
  }
  for (const m of top) {
    if (picked.length >= n) break;
    const names = m.genres.map((g) => g.genre.name);
    if (!picked.includes(m.id) && names.some((g) => !covered.has(g))) {
      picked.push(m.id);
      names.forEach((g) => covered.add(g));
    }
  }
  for (const m of top) {
    if (picked.length >= n) break;
    if (!picked.includes(m.id)) picked.push(m.id);
  }
  const cards = new Map((await getMovieCards(picked)).map((c) => [c.id, c]));
  return picked.flatMap((id) => cards.get(id) ?? []);
}
