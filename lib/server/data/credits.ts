import 'server-only';
import { db } from '../db';

export interface MovieCredits {
  directors: string[];
  cast: string[];
}

/** Directors and top-billed cast of several movies in one query (for explanations). */
export async function getCreditsFor(movieIds: number[]): Promise<Map<number, MovieCredits>> {
  const rows = await db.credit.findMany({
    where: { movieId: { in: movieIds } },
    select: { movieId: true, kind: true, job: true, order: true, person: { select: { name: true } } },
    orderBy: [{ order: { sort: 'asc', nulls: 'last' } }],
  });
  const out = new Map<number, MovieCredits>();
  for (const id of movieIds) out.set(id, { directors: [], cast: [] });
  for (const r of rows) {
    const c = out.get(r.movieId)!;
    if (r.job === 'Director') c.directors.push(r.person.name);
    else if (r.kind === 'CAST' && (r.order ?? 99) < 5) c.cast.push(r.person.name);
  }
  return out;
}

export async function movieIdsMatching(filter: { genre?: string; yearFrom?: number; yearTo?: number }): Promise<number[]> {
  const rows = await db.movie.findMany({
    where: {
      ...(filter.genre ? { genres: { some: { genre: { name: filter.genre } } } } : {}),
      ...(filter.yearFrom || filter.yearTo ? { year: { gte: filter.yearFrom, lte: filter.yearTo } } : {}),
    },
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

/** movieId → the first of `genres` (in the given order) the movie has, for the movies that have any of them. */
export async function favouriteGenreOf(movieIds: number[], genres: string[]): Promise<Map<number, string>> {
  if (movieIds.length === 0 || genres.length === 0) return new Map();
  const rows = await db.movieGenre.findMany({
    where: { movieId: { in: movieIds }, genre: { name: { in: genres } } },
    select: { movieId: true, genre: { select: { name: true } } },
  });
  const out = new Map<number, string>();
  for (const g of genres) for (const r of rows) if (r.genre.name === g && !out.has(r.movieId)) out.set(r.movieId, g);
  return out;
}
