import 'server-only';
import type { CatalogueMovie } from '@/lib/import/match';
import type { ImportPreviewDto, ImportSummary, PreviewPayload } from '@/lib/import/preview-types';
import { db, Prisma } from '../db';
import { ConflictError, NotFoundError } from '../errors';

/** A change of the catalogue (a reload, a new movie) changes this: the matcher's index is rebuilt then. */
export async function catalogueStamp(): Promise<string> {
  const rows = await db.$queryRaw<{ n: number; at: Date | null }[]>`SELECT count(*)::int AS n, max("updatedAt") AS at FROM "Movie"`;
  return `${rows[0].n}|${rows[0].at?.getTime() ?? 0}`;
}

export async function listCatalogueForMatching(): Promise<CatalogueMovie[]> {
  return db.movie.findMany({ select: { id: true, title: true, year: true, imdbId: true, tmdbId: true } });
}

/** What the member already has that an import may touch: ratings, watchlist, and their lists by name. */
export async function getMemberHoldings(userId: number): Promise<{ ratings: Map<number, number>; watchlist: Set<number>; listNames: Set<string> }> {
  const [ratings, watchlist, lists] = await Promise.all([
    db.rating.findMany({ where: { userId }, select: { movieId: true, value: true } }),
    db.watchlistItem.findMany({ where: { userId }, select: { movieId: true } }),
    db.movieList.findMany({ where: { userId }, select: { name: true } }),
  ]);
  return {
    ratings: new Map(ratings.map((r) => [r.movieId, r.value])),
    watchlist: new Set(watchlist.map((w) => w.movieId)),
    listNames: new Set(lists.map((l) => l.name)),
  };
}

/** Previews never confirmed are kept this long (the member may come back to them), then dropped. */
const PREVIEW_KEEP_MS = 7 * 24 * 60 * 60 * 1000;

export async function createMemberImport(userId: number, input: { source: string; fileName: string; payload: PreviewPayload }): Promise<number> {
  const [, row] = await db.$transaction([
    db.memberImport.deleteMany({ where: { userId, status: 'PREVIEW', createdAt: { lt: new Date(Date.now() - PREVIEW_KEEP_MS) } } }),
    db.memberImport.create({
      data: { userId, source: input.source, fileName: input.fileName, payload: input.payload as unknown as Prisma.InputJsonValue },
      select: { id: true },
    }),
  ]);
  return row.id;
}

/** One of the member's own imports (another member's id is "not found"). */
export async function getMemberImport(userId: number, id: number): Promise<ImportPreviewDto> {
  const row = await db.memberImport.findFirst({
    where: { id, userId },
    select: { id: true, fileName: true, status: true, createdAt: true, payload: true, summary: true },
  });
  if (!row) throw new NotFoundError('That import is not there any more. Upload the file again.');
  return {
    id: row.id,
    fileName: row.fileName,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    payload: row.payload as unknown as PreviewPayload,
    summary: (row.summary as unknown as ImportSummary | null) ?? null,
  };
}

export async function listRecentImports(userId: number, take = 5): Promise<{ id: number; fileName: string; status: 'PREVIEW' | 'APPLIED'; createdAt: string }[]> {
  const rows = await db.memberImport.findMany({
    where: { userId },
    select: { id: true, fileName: true, status: true, createdAt: true },
    orderBy: { createdAt: 'desc' },
    take,
  });
  return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
}

/** The writes a confirmed import makes, decided by the service from the preview and the member's choices. */
export interface ImportPlan {
  ratings: { movieId: number; value: number; at: Date }[];
  /** Movies whose existing (different) rating the member chose to replace. */
  replace: Set<number>;
  watchlist: { movieId: number; at: Date }[];
  /** Diary entries: one per (movie, day, rewatch); `date` is YYYY-MM-DD, already inside the Watch table's bounds. */
  watches: { movieId: number; date: string; rewatch: boolean; rating: number | null }[];
  /** Likes: one per movie, `date` (YYYY-MM-DD) the day it was liked. */
  likes: { movieId: number; date: string }[];
  lists: { name: string; description: string; items: { movieId: number; note: string | null }[] }[];
  source: string;
  /** Counts the writes cannot know (skipped, unmatched, malformed rows). */
  counts: Pick<ImportSummary, 'skipped' | 'unmatched' | 'malformed' | 'watchesOutOfRange'>;
}

const ts = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');

/**
 * Writes a confirmed import in ONE transaction: new ratings with their original dates, replaced conflicts, watchlist
 * entries, diary entries (Watch, with their watched dates, rewatch flags and the rating given that day), likes (Like,
 * dated the day they were liked) and lists (an existing list of the same name gets only the films it lacks, at its
 * end). Writing again what is already there changes nothing, so a re-import is a no-op: a watch is the same when
 * the member already has one of that movie on that day with the same rewatch flag (its rating aside: the member may
 * have edited it since); a like is one per movie. Imported watches do not change the current rating (ratings come
 * from the file's ratings, under the member's keep/replace choices) nor the watchlist. The taste version is bumped
 * when anything For You reads changed (ratings, watches, likes), so it folds the import in at once. A preview is
 * applied once.
 */
export async function applyMemberImport(userId: number, importId: number, plan: ImportPlan): Promise<ImportSummary> {
  return db.$transaction(
    async (tx) => {
      const claimed = await tx.memberImport.updateMany({ where: { id: importId, userId, status: 'PREVIEW' }, data: { status: 'APPLIED', appliedAt: new Date() } });
      if (claimed.count === 0) throw new ConflictError('This import was already confirmed (or is gone). Upload the file again to import it once more.');

      const existing = new Map(
        (await tx.rating.findMany({ where: { userId, movieId: { in: plan.ratings.map((r) => r.movieId) } }, select: { movieId: true, value: true } })).map((r) => [r.movieId, r.value]),
      );
      const fresh = plan.ratings.filter((r) => !existing.has(r.movieId));
      const replaced = plan.ratings.filter((r) => existing.has(r.movieId) && existing.get(r.movieId) !== r.value && plan.replace.has(r.movieId));
      const kept = plan.ratings.filter((r) => existing.has(r.movieId) && existing.get(r.movieId) !== r.value && !plan.replace.has(r.movieId)).length;
      const unchanged = plan.ratings.filter((r) => existing.get(r.movieId) === r.value).length;
      let ratingsAdded = 0;
      if (fresh.length) {
        ratingsAdded = await tx.$executeRaw`
          INSERT INTO "Rating" ("userId", "movieId", value, "createdAt", "updatedAt")
          SELECT ${userId}, x.m, x.v, x.t, x.t FROM unnest(${fresh.map((r) => r.movieId)}::int[], ${fresh.map((r) => r.value)}::real[], ${fresh.map((r) => ts(r.at))}::timestamp[]) AS x(m, v, t)
          ON CONFLICT ("userId", "movieId") DO NOTHING`;
      }
      let ratingsReplaced = 0;
      if (replaced.length) {
        ratingsReplaced = await tx.$executeRaw`
          UPDATE "Rating" r SET value = x.v, "updatedAt" = x.t
          FROM unnest(${replaced.map((r) => r.movieId)}::int[], ${replaced.map((r) => r.value)}::real[], ${replaced.map((r) => ts(r.at))}::timestamp[]) AS x(m, v, t)
          WHERE r."userId" = ${userId} AND r."movieId" = x.m AND r.value <> x.v`;
      }
      let watchlistAdded = 0;
      if (plan.watchlist.length) {
        watchlistAdded = await tx.$executeRaw`
          INSERT INTO "WatchlistItem" ("userId", "movieId", "createdAt")
          SELECT ${userId}, x.m, x.t FROM unnest(${plan.watchlist.map((w) => w.movieId)}::int[], ${plan.watchlist.map((w) => ts(w.at))}::timestamp[]) AS x(m, t)
          ON CONFLICT ("userId", "movieId") DO NOTHING`;
      }
      let watchesAdded = 0;
      if (plan.watches.length) {
        // Same movie, day and rewatch flag as a watch the member has: already there. Logged (createdAt) on the day
        // watched, as the ratings keep their file dates: For You dates a watch signal by when it was logged, and a
        // 2015 diary entry is not today's taste.
        watchesAdded = await tx.$executeRaw`
          INSERT INTO "Watch" ("userId", "movieId", "watchedOn", rewatch, rating, "createdAt", "updatedAt")
          SELECT ${userId}, x.m, x.d, x.rw, x.r, x.d::timestamp, now()
          FROM unnest(${plan.watches.map((w) => w.movieId)}::int[], ${plan.watches.map((w) => w.date)}::date[],
                      ${plan.watches.map((w) => w.rewatch)}::boolean[], ${plan.watches.map((w) => w.rating)}::real[]) AS x(m, d, rw, r)
          WHERE NOT EXISTS (SELECT 1 FROM "Watch" w WHERE w."userId" = ${userId} AND w."movieId" = x.m AND w."watchedOn" = x.d AND w.rewatch = x.rw)`;
      }
      let likesAdded = 0;
      if (plan.likes.length) {
        likesAdded = await tx.$executeRaw`
          INSERT INTO "Like" ("userId", "movieId", "createdAt")
          SELECT ${userId}, x.m, x.d::timestamp FROM unnest(${plan.likes.map((l) => l.movieId)}::int[], ${plan.likes.map((l) => l.date)}::date[]) AS x(m, d)
          ON CONFLICT ("userId", "movieId") DO NOTHING`;
      }
      let listsCreated = 0;
      let listItemsAdded = 0;
      for (const list of plan.lists) {
        const found = await tx.movieList.findFirst({ where: { userId, name: list.name }, select: { id: true, items: { select: { movieId: true, position: true } } }, orderBy: { id: 'asc' } });
        if (!found) {
          if (list.items.length === 0) continue;
          await tx.movieList.create({
            data: { userId, name: list.name, description: list.description, items: { create: list.items.map((it, position) => ({ movieId: it.movieId, position, note: it.note })) } },
            select: { id: true },
          });
          listsCreated++;
          listItemsAdded += list.items.length;
          continue;
        }
        const have = new Set(found.items.map((it) => it.movieId));
        const missing = list.items.filter((it) => !have.has(it.movieId));
        if (!missing.length) continue;
        const start = found.items.reduce((m, it) => Math.max(m, it.position + 1), 0);
        await tx.movieListItem.createMany({ data: missing.map((it, k) => ({ listId: found.id, movieId: it.movieId, position: start + k, note: it.note })) });
        await tx.movieList.update({ where: { id: found.id }, data: { updatedAt: new Date() }, select: { id: true } });
        listItemsAdded += missing.length;
      }
      if (ratingsAdded + ratingsReplaced + watchesAdded + likesAdded > 0) {
        await tx.user.update({ where: { id: userId }, data: { tasteVersion: { increment: 1 } }, select: { id: true } });
      }
      const summary: ImportSummary = {
        ratingsAdded,
        ratingsReplaced,
        ratingsKept: kept,
        ratingsUnchanged: unchanged,
        watchlistAdded,
        listsCreated,
        listItemsAdded,
        watchesAdded,
        likesAdded,
        ...plan.counts,
      };
      await tx.memberImport.update({ where: { id: importId }, data: { summary: summary as unknown as Prisma.InputJsonValue }, select: { id: true } });
      return summary;
    },
    { timeout: 120_000, maxWait: 20_000 },
  );
}
