import 'server-only';
import { db } from '../db';
import { NotFoundError, prismaCode } from '../errors';
import { bumpTasteVersion } from './users';

/**
 * The heart. Idempotent: liking twice keeps one like (the primary key is (userId, movieId)). Bumps the member's taste
 * version in the same transaction because a like feeds For You (see services/taste-signals.ts).
 */
export async function likeMovie(userId: number, movieId: number): Promise<void> {
  try {
    await db.$transaction([
      db.like.upsert({ where: { userId_movieId: { userId, movieId } }, create: { userId, movieId }, update: {}, select: { movieId: true } }),
      bumpTasteVersion(userId),
    ]);
  } catch (err) {
    if (prismaCode(err) === 'P2003') throw new NotFoundError('That movie is no longer in the catalogue.', { cause: err });
    throw err;
  }
}

export async function unlikeMovie(userId: number, movieId: number): Promise<void> {
  await db.$transaction([db.like.deleteMany({ where: { userId, movieId } }), bumpTasteVersion(userId)]);
}

export async function isLiked(userId: number, movieId: number): Promise<boolean> {
  return (await db.like.count({ where: { userId, movieId } })) > 0;
}

/** Which of `movieIds` the member likes. */
export async function likedAmong(userId: number, movieIds: number[]): Promise<Set<number>> {
  if (movieIds.length === 0) return new Set();
  const rows = await db.like.findMany({ where: { userId, movieId: { in: movieIds } }, select: { movieId: true } });
  return new Set(rows.map((r) => r.movieId));
}

/** One page of the member's likes, newest first. */
export async function listLikes(userId: number, opts: { page: number; pageSize: number }): Promise<{ movieIds: number[]; total: number }> {
  const [rows, total] = await Promise.all([
    db.like.findMany({
      where: { userId },
      select: { movieId: true },
      orderBy: [{ createdAt: 'desc' }, { movieId: 'desc' }],
      skip: (opts.page - 1) * opts.pageSize,
      take: opts.pageSize,
    }),
    db.like.count({ where: { userId } }),
  ]);
  return { movieIds: rows.map((r) => r.movieId), total };
}

/** Every like of the member with its time (the For You fold-in reads these). */
export async function listAllLikes(userId: number): Promise<{ movieId: number; createdAt: Date }[]> {
  return db.like.findMany({ where: { userId }, select: { movieId: true, createdAt: true } });
}

export async function countLikes(userId: number): Promise<number> {
  return db.like.count({ where: { userId } });
}
