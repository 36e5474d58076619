import 'server-only';
import { db } from '../db';
import { NotFoundError, prismaCode } from '../errors';
import { bumpTasteVersion } from './users';
import { displayTitle } from '@/lib/titles/display-title';

export interface RatingDto {
  movieId: number;
  value: number;
  updatedAt: Date;
}

const ratingSelect = { movieId: true, value: true, updatedAt: true } as const;

export async function upsertRating(userId: number, movieId: number, value: number): Promise<RatingDto> {
  try {
    const [rating] = await db.$transaction([
      db.rating.upsert({
        where: { userId_movieId: { userId, movieId } },
        create: { userId, movieId, value },
        update: { value },
        select: ratingSelect,
      }),
      bumpTasteVersion(userId),
    ]);
    return rating;
  } catch (err) {
    // P2003: the movie was removed by a catalogue reload after the page rendered.
    if (prismaCode(err) === 'P2003') throw new NotFoundError('That movie is no longer in the catalogue.', { cause: err });
    throw err;
  }
}

export async function deleteRating(userId: number, movieId: number): Promise<void> {
  await db.$transaction([db.rating.deleteMany({ where: { userId, movieId } }), bumpTasteVersion(userId)]);
}

export async function getRating(userId: number, movieId: number): Promise<number | null> {
  const r = await db.rating.findUnique({ where: { userId_movieId: { userId, movieId } }, select: { value: true } });
  return r?.value ?? null;
}

export async function listRatings(userId: number): Promise<RatingDto[]> {
  return db.rating.findMany({ where: { userId }, select: ratingSelect, orderBy: { updatedAt: 'desc' } });
}

export async function countRatings(userId: number): Promise<number> {
  return db.rating.count({ where: { userId } });
}

/** The user's ratings of the given movies (movieId → value). */
export async function ratingsFor(userId: number, movieIds: number[]): Promise<Map<number, number>> {
  if (movieIds.length === 0) return new Map();
  const rows = await db.rating.findMany({ where: { userId, movieId: { in: movieIds } }, select: { movieId: true, value: true } });
  return new Map(rows.map((r) => [r.movieId, r.value]));
}

/**
 * Every rating of one user in movie-id order, for scoring (fold-in and prediction). A fixed order makes the same
 * ratings fold in identically on every request, so a page and its next page come from one user vector.
 */
export async function listRatingsForScoring(userId: number): Promise<RatingDto[]> {
  return db.rating.findMany({ where: { userId }, select: ratingSelect, orderBy: { movieId: 'asc' } });
}

/**
 * Seeds ratings for one user: each (movieId, value) pair is inserted when the movie is in the catalogue and the user
 * has not rated it yet (an existing rating is never overwritten, a missing movie is skipped). Returns how many
 * ratings were added.
 */
export async function addMissingRatings(userId: number, pairs: readonly (readonly [movieId: number, value: number])[]): Promise<number> {
  if (pairs.length === 0) return 0;
  return db.$transaction(async (tx) => {
    const present = new Set(
      (await tx.movie.findMany({ where: { id: { in: pairs.map(([m]) => m) } }, select: { id: true } })).map((m) => m.id),
    );
    const rows = pairs.filter(([m]) => present.has(m)).map(([movieId, value]) => ({ userId, movieId, value }));
    if (rows.length === 0) return 0;
    const { count } = await tx.rating.createMany({ data: rows, skipDuplicates: true });
    if (count > 0) await tx.user.update({ where: { id: userId }, data: { tasteVersion: { increment: 1 } }, select: { id: true } });
    return count;
  });
}

/** A rating with its movie's card fields, for the paged My ratings list. */
export interface RatedMovieDto extends RatingDto {
  title: string;
  year: number | null;
}

/**
 * One page of the member's ratings: sorted by date rated (newest first), rating (highest first), title (A–Z) or year
 * (newest first), optionally only one half-star value. Ties fall back to the newest change, then the movie id, so pages
 * never overlap.
 */
export async function listRatingsPage(
  userId: number,
  opts: { page: number; pageSize: number; sort: 'rated' | 'rating' | 'title' | 'year'; value?: number },
): Promise<{ ratings: RatedMovieDto[]; total: number }> {
  const where = { userId, ...(opts.value !== undefined ? { value: opts.value } : {}) };
  const tie = [{ updatedAt: 'desc' as const }, { movieId: 'desc' as const }];
  const orderBy =
    opts.sort === 'rating'
      ? [{ value: 'desc' as const }, ...tie]
      : opts.sort === 'title'
        ? [{ movie: { title: 'asc' as const } }, { movieId: 'asc' as const }]
        : opts.sort === 'year'
          ? [{ movie: { year: { sort: 'desc' as const, nulls: 'last' as const } } }, ...tie]
          : tie;
  const [rows, total] = await Promise.all([
    db.rating.findMany({
      where,
      orderBy,
      skip: (opts.page - 1) * opts.pageSize,
      take: opts.pageSize,
      select: { ...ratingSelect, movie: { select: { title: true, year: true } } },
    }),
    db.rating.count({ where }),
  ]);
  return { ratings: rows.map(({ movie, ...r }) => ({ ...r, title: displayTitle(movie.title), year: movie.year })), total };
}

/** How many of the member's ratings have each half-star value (every value 0.5 … 5 present, zeros included). */
export async function ratingHistogram(userId: number): Promise<{ value: number; count: number }[]> {
  const rows = await db.rating.groupBy({ by: ['value'], where: { userId }, _count: { _all: true } });
  const byValue = new Map(rows.map((r) => [r.value, r._count._all]));
  return Array.from({ length: 10 }, (_, i) => ({ value: (i + 1) / 2, count: byValue.get((i + 1) / 2) ?? 0 }));
}
