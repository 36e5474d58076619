import 'server-only';
import { db } from '../db';
import { NotFoundError } from '../errors';

/** Everything Reel holds about one member (never the password hash), for the JSON export and the CSVs. */
export async function getMemberData(userId: number) {
  const movie = { select: { id: true, title: true, year: true, imdbId: true, tmdbId: true } } as const;
  const user = await db.user.findUnique({
    where: { id: userId },
    select: {
      id: true, name: true, email: true, role: true, favouriteGenres: true, createdAt: true, updatedAt: true,
      ratings: { select: { value: true, createdAt: true, updatedAt: true, movie }, orderBy: [{ updatedAt: 'asc' }, { movieId: 'asc' }] },
      watchlist: { select: { createdAt: true, movie }, orderBy: [{ createdAt: 'asc' }, { movieId: 'asc' }] },
      dismissals: { select: { createdAt: true, movie }, orderBy: [{ createdAt: 'asc' }, { movieId: 'asc' }] },
      rateSkips: { select: { createdAt: true, movie }, orderBy: [{ createdAt: 'asc' }, { movieId: 'asc' }] },
      tags: { select: { tag: true, createdAt: true, movie }, orderBy: { createdAt: 'asc' } },
      lists: {
        select: {
          id: true, name: true, description: true, isPublic: true, createdAt: true, updatedAt: true,
          items: { select: { position: true, note: true, createdAt: true, movie }, orderBy: [{ position: 'asc' }, { createdAt: 'asc' }] },
        },
        orderBy: { id: 'asc' },
      },
      watches: { select: { watchedOn: true, rewatch: true, rating: true, createdAt: true, movie }, orderBy: [{ watchedOn: 'asc' }, { id: 'asc' }] },
      likes: { select: { createdAt: true, movie }, orderBy: [{ createdAt: 'asc' }, { movieId: 'asc' }] },
      memberImports: { select: { fileName: true, source: true, status: true, createdAt: true, appliedAt: true, summary: true }, orderBy: { createdAt: 'asc' } },
    },
  });
  if (!user) throw new NotFoundError('That account no longer exists.');
  return user;
}

export type MemberData = Awaited<ReturnType<typeof getMemberData>>;
