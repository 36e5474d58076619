import 'server-only';
import { db } from '../db';
import { NotFoundError, prismaCode } from '../errors';
import { bumpTasteVersion } from './users';

/** "Not interested": the movie never shows up in the user's feed again (until undone). */
export async function dismissMovie(userId: number, movieId: number): Promise<void> {
  try {
    await db.$transaction([
      db.dismissal.upsert({ where: { userId_movieId: { userId, movieId } }, create: { userId, movieId }, update: {} }),
      bumpTasteVersion(userId),
    ]);
  } catch (err) {
    if (prismaCode(err) === 'P2003') throw new NotFoundError('That movie is no longer in the catalogue.', { cause: err });
    throw err;
  }
}

export async function undismissMovie(userId: number, movieId: number): Promise<void> {
  await db.$transaction([db.dismissal.deleteMany({ where: { userId, movieId } }), bumpTasteVersion(userId)]);
}

export async function listDismissedIds(userId: number): Promise<number[]> {
  const rows = await db.dismissal.findMany({ where: { userId }, select: { movieId: true } });
  return rows.map((r) => r.movieId);
}

export async function isDismissed(userId: number, movieId: number): Promise<boolean> {
  return (await db.dismissal.count({ where: { userId, movieId } })) > 0;
}
