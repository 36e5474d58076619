import 'server-only';
import { db } from '../db';
import { NotFoundError, prismaCode } from '../errors';
import { bumpTasteVersion } from './users';

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
