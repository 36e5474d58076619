import 'server-only';
import type { ListMembership, ListSummary } from '@/lib/validation/lists';
import { db } from '../db';
import { AppError, NotFoundError, prismaCode } from '../errors';
import { displayTitle } from '@/lib/titles/display-title';

const MISSING = 'That list does not exist or is private.';

/** The list when the user owns it; anyone else gets "not found" (never "forbidden": a private list stays unseen). */
async function ownedList(userId: number, listId: number): Promise<{ id: number }> {
  const list = await db.movieList.findFirst({ where: { id: listId, userId }, select: { id: true } });
  if (!list) throw new NotFoundError(MISSING);
  return list;
}

export async function listMyLists(userId: number): Promise<ListSummary[]> {
  const rows = await db.movieList.findMany({
    where: { userId },
    select: { id: true, name: true, description: true, isPublic: true, updatedAt: true, _count: { select: { items: true } } },
    orderBy: { updatedAt: 'desc' },
  });
  return rows.map((r) => ({ id: r.id, name: r.name, description: r.description, isPublic: r.isPublic, count: r._count.items, updatedAt: r.updatedAt.toISOString() }));
}

export async function createList(userId: number, input: { name: string; description: string }): Promise<number> {
  const row = await db.movieList.create({ data: { userId, name: input.name, description: input.description }, select: { id: true } });
  return row.id;
}

export async function updateList(userId: number, listId: number, input: { name?: string; description?: string; isPublic?: boolean }): Promise<void> {
  const res = await db.movieList.updateMany({ where: { id: listId, userId }, data: input });
  if (res.count === 0) throw new NotFoundError(MISSING);
}

export async function deleteList(userId: number, listId: number): Promise<void> {
  const res = await db.movieList.deleteMany({ where: { id: listId, userId } });
  if (res.count === 0) throw new NotFoundError(MISSING);
}

/** Adds a movie at the end of the list (already there: nothing changes). */
export async function addToList(userId: number, listId: number, movieId: number): Promise<void> {
  await ownedList(userId, listId);
  try {
    await db.$transaction(async (tx) => {
      const last = await tx.movieListItem.aggregate({ where: { listId }, _max: { position: true } });
      await tx.movieListItem.createMany({ data: [{ listId, movieId, position: (last._max.position ?? -1) + 1 }], skipDuplicates: true });
      await tx.movieList.update({ where: { id: listId }, data: { updatedAt: new Date() }, select: { id: true } });
    });
  } catch (err) {
    if (prismaCode(err) === 'P2003') throw new NotFoundError('That movie is no longer in the catalogue.', { cause: err });
    throw err;
  }
}

export async function removeFromList(userId: number, listId: number, movieId: number): Promise<void> {
  await ownedList(userId, listId);
  await db.$transaction([
    db.movieListItem.deleteMany({ where: { listId, movieId } }),
    db.movieList.update({ where: { id: listId }, data: { updatedAt: new Date() }, select: { id: true } }),
  ]);
}

/** Puts the list in the given order; the ids must be exactly the list's movies (a stale page is refused). */
export async function reorderList(userId: number, listId: number, movieIds: number[]): Promise<void> {
  await ownedList(userId, listId);
  await db.$transaction(async (tx) => {
    const current = await tx.movieListItem.findMany({ where: { listId }, select: { movieId: true } });
    const have = new Set(current.map((c) => c.movieId));
    if (movieIds.length !== have.size || new Set(movieIds).size !== movieIds.length || movieIds.some((id) => !have.has(id))) {
      throw new AppError('CONFLICT', 'The list changed in another tab. Reload the page and try again.');
    }
    await tx.$executeRaw`
      UPDATE "MovieListItem" i SET position = x.p
      FROM unnest(${movieIds}::int[], ${movieIds.map((_, k) => k)}::int[]) AS x(m, p)
      WHERE i."listId" = ${listId} AND i."movieId" = x.m AND i.position <> x.p`;
    await tx.movieList.update({ where: { id: listId }, data: { updatedAt: new Date() }, select: { id: true } });
  });
}

export async function listMemberships(userId: number, movieId: number): Promise<ListMembership[]> {
  const rows = await db.movieList.findMany({
    where: { userId },
    select: { id: true, name: true, items: { where: { movieId }, select: { movieId: true } } },
    orderBy: { updatedAt: 'desc' },
  });
  return rows.map((r) => ({ id: r.id, name: r.name, has: r.items.length > 0 }));
}

/**
 * A list as the viewer may see it: the owner always, anyone (signed in or not) when it is public. A private list
 * of someone else is "not found", the same as a list that does not exist.
 */
export async function getViewableList(viewerId: number | null, listId: number): Promise<{
  id: number;
  name: string;
  description: string;
  isPublic: boolean;
  ownerName: string | null;
  isOwner: boolean;
  items: { movieId: number; position: number; note: string | null; title: string; year: number | null; posterPath: string | null; runtime: number | null }[];
}> {
  const list = await db.movieList.findUnique({
    where: { id: listId },
    select: {
      id: true, name: true, description: true, isPublic: true, userId: true,
      user: { select: { name: true } },
      items: {
        select: { movieId: true, position: true, note: true, movie: { select: { title: true, year: true, posterPath: true, runtime: true } } },
        orderBy: [{ position: 'asc' }, { createdAt: 'asc' }],
      },
    },
  });
  const isOwner = list !== null && viewerId !== null && list.userId === viewerId;
  if (!list || (!list.isPublic && !isOwner)) throw new NotFoundError(MISSING);
  return {
    id: list.id,
    name: list.name,
    description: list.description,
    isPublic: list.isPublic,
    ownerName: list.user.name,
    isOwner,
    items: list.items.map((it) => ({ movieId: it.movieId, position: it.position, note: it.note, ...it.movie, title: displayTitle(it.movie.title) })),
  };
}

/** The movies of a list the viewer may read (own or public), in order; [] for a list they may not see. */
export async function listSeedMovieIds(viewerId: number, listId: number): Promise<number[]> {
  const rows = await db.movieListItem.findMany({
    where: { listId, list: { OR: [{ userId: viewerId }, { isPublic: true }] } },
    select: { movieId: true },
    orderBy: [{ position: 'asc' }, { createdAt: 'asc' }],
  });
  return rows.map((r) => r.movieId);
}

/** Every list of a member with its movies in order (export). */
export async function listListsWithItems(userId: number): Promise<{ id: number; name: string; description: string; isPublic: boolean; createdAt: Date; items: { movieId: number; note: string | null }[] }[]> {
  return db.movieList.findMany({
    where: { userId },
    select: { id: true, name: true, description: true, isPublic: true, createdAt: true, items: { select: { movieId: true, note: true }, orderBy: [{ position: 'asc' }, { createdAt: 'asc' }] } },
    orderBy: { id: 'asc' },
  });
}
