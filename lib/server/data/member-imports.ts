import 'server-only';
import type { CatalogueMovie } from '@/lib/import/match';
import type { ImportJobDto, ImportPreviewDto, ImportSummary, PreviewPayload } from '@/lib/import/preview-types';
import { db, Prisma } from '../db';
import { ConflictError, NotFoundError, prismaCode } from '../errors';

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

export async function listRecentImports(userId: number, take = 5): Promise<{ id: number; fileName: string; status: 'PREVIEW' | 'APPLYING' | 'APPLIED'; createdAt: string }[]> {
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

/** Rows per INSERT of a large import's ratings. */
const WRITE_CHUNK = 2000;

/** The rows a plan writes (or finds already there): a job's progress counts these. */
export function planSize(plan: ImportPlan): number {
  return plan.ratings.length + plan.watchlist.length + plan.watches.length + plan.likes.length + plan.lists.reduce((n, l) => n + l.items.length, 0);
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
export async function applyMemberImport(
  userId: number,
  importId: number,
  plan: ImportPlan,
  opts: { job?: boolean; onProgress?: (written: number) => void } = {},
): Promise<ImportSummary> {
  // Progress inside the transaction: written rows so far (for a job's bar; on PostgreSQL the bar moves while it writes).
  let written = 0;
  const wrote = (n: number) => {
    written += n;
    opts.onProgress?.(written);
  };
  return db.$transaction(
    async (tx) => {
      // A confirm in the request claims its preview first (two clicks: one import). A job's row was claimed when it
      // was taken, and is marked done last: holding its row lock all along would hide the job's progress writes.
      if (!opts.job) {
        const claimed = await tx.memberImport.updateMany({ where: { id: importId, userId, status: 'PREVIEW' }, data: { status: 'APPLIED', appliedAt: new Date() } });
        if (claimed.count === 0) throw new ConflictError('This import was already confirmed (or is gone). Upload the file again to import it once more.');
      }

      // One array parameter, not one bind per film (a 10,000-row file names thousands).
      const existing = new Map(
        (
          await tx.$queryRaw<{ movieId: number; value: number }[]>`
            SELECT "movieId", value FROM "Rating" WHERE "userId" = ${userId} AND "movieId" = ANY(${plan.ratings.map((r) => r.movieId)}::int[])`
        ).map((r) => [r.movieId, r.value]),
      );
      const fresh = plan.ratings.filter((r) => !existing.has(r.movieId));
      const replaced = plan.ratings.filter((r) => existing.has(r.movieId) && existing.get(r.movieId) !== r.value && plan.replace.has(r.movieId));
      const kept = plan.ratings.filter((r) => existing.has(r.movieId) && existing.get(r.movieId) !== r.value && !plan.replace.has(r.movieId)).length;
      const unchanged = plan.ratings.filter((r) => existing.get(r.movieId) === r.value).length;
      let ratingsAdded = 0;
      // In chunks, so a job's progress moves while the ratings (most of a large file) are written.
      for (let k = 0; k < fresh.length; k += WRITE_CHUNK) {
        const part = fresh.slice(k, k + WRITE_CHUNK);
        ratingsAdded += await tx.$executeRaw`
          INSERT INTO "Rating" ("userId", "movieId", value, "createdAt", "updatedAt")
          SELECT ${userId}, x.m, x.v, x.t, x.t FROM unnest(${part.map((r) => r.movieId)}::int[], ${part.map((r) => r.value)}::real[], ${part.map((r) => ts(r.at))}::timestamp[]) AS x(m, v, t)
          ON CONFLICT ("userId", "movieId") DO NOTHING`;
        wrote(part.length);
      }
      let ratingsReplaced = 0;
      if (replaced.length) {
        ratingsReplaced = await tx.$executeRaw`
          UPDATE "Rating" r SET value = x.v, "updatedAt" = x.t
          FROM unnest(${replaced.map((r) => r.movieId)}::int[], ${replaced.map((r) => r.value)}::real[], ${replaced.map((r) => ts(r.at))}::timestamp[]) AS x(m, v, t)
          WHERE r."userId" = ${userId} AND r."movieId" = x.m AND r.value <> x.v`;
      }
      wrote(plan.ratings.length - fresh.length);
      let watchlistAdded = 0;
      if (plan.watchlist.length) {
        watchlistAdded = await tx.$executeRaw`
          INSERT INTO "WatchlistItem" ("userId", "movieId", "createdAt")
          SELECT ${userId}, x.m, x.t FROM unnest(${plan.watchlist.map((w) => w.movieId)}::int[], ${plan.watchlist.map((w) => ts(w.at))}::timestamp[]) AS x(m, t)
          ON CONFLICT ("userId", "movieId") DO NOTHING`;
        wrote(plan.watchlist.length);
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
        wrote(plan.watches.length);
      }
      let likesAdded = 0;
      if (plan.likes.length) {
        likesAdded = await tx.$executeRaw`
          INSERT INTO "Like" ("userId", "movieId", "createdAt")
          SELECT ${userId}, x.m, x.d::timestamp FROM unnest(${plan.likes.map((l) => l.movieId)}::int[], ${plan.likes.map((l) => l.date)}::date[]) AS x(m, d)
          ON CONFLICT ("userId", "movieId") DO NOTHING`;
        wrote(plan.likes.length);
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
      wrote(plan.lists.reduce((n, l) => n + l.items.length, 0));
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
      if (opts.job) {
        const now = new Date();
        const done = await tx.memberImport.updateMany({
          where: { id: importId, userId, status: 'APPLYING' },
          data: { status: 'APPLIED', appliedAt: now, phase: 'done', jobEndedAt: now, error: null },
        });
        if (done.count === 0) throw new ConflictError('This import was stopped before it finished; nothing was written.');
      }
      await tx.memberImport.update({
        where: { id: importId },
        data: { summary: summary as unknown as Prisma.InputJsonValue, ...(opts.job ? { rowsDone: planSize(plan), rowsTotal: planSize(plan) } : {}) },
        select: { id: true },
      });
      return summary;
    },
    { timeout: 120_000, maxWait: 20_000 },
  );
}

// ---- Confirms run as a background job (large files) ----

const jobSelect = {
  id: true, fileName: true, status: true, phase: true, rowsDone: true, rowsTotal: true, error: true, summary: true,
  jobQueuedAt: true, jobStartedAt: true, jobEndedAt: true,
} satisfies Prisma.MemberImportSelect;

function toJobDto(r: Prisma.MemberImportGetPayload<{ select: typeof jobSelect }>): ImportJobDto {
  return {
    id: r.id,
    fileName: r.fileName,
    status: r.status,
    phase: r.phase,
    rowsDone: r.rowsDone,
    rowsTotal: r.rowsTotal,
    error: r.error,
    summary: (r.summary as unknown as ImportSummary | null) ?? null,
    queuedAt: r.jobQueuedAt?.toISOString() ?? null,
    startedAt: r.jobStartedAt?.toISOString() ?? null,
    endedAt: r.jobEndedAt?.toISOString() ?? null,
  };
}

/** A preview's status and size, without its (large) payload. */
export async function getMemberImportHead(userId: number, id: number): Promise<{ status: ImportJobDto['status']; rows: number }> {
  const rows = await db.$queryRaw<{ status: ImportJobDto['status']; n: number }[]>`
    SELECT status::text AS status, coalesce(jsonb_array_length(payload->'rows'), 0)::int AS n FROM "MemberImport" WHERE id = ${id} AND "userId" = ${userId}`;
  if (!rows[0]) throw new NotFoundError('That import is not there any more. Upload the file again.');
  return { status: rows[0].status, rows: rows[0].n };
}

/** The member's import that is being written by a job now, if any. */
export async function getRunningImportJob(userId: number): Promise<ImportJobDto | null> {
  const row = await db.memberImport.findFirst({ where: { userId, status: 'APPLYING' }, select: jobSelect });
  return row ? toJobDto(row) : null;
}

/** The member's latest confirm run as a job, when running or ended within `endedWithinMs` (for the import page). */
export async function getLatestImportJob(userId: number, endedWithinMs = 24 * 60 * 60 * 1000): Promise<ImportJobDto | null> {
  const row = await db.memberImport.findFirst({
    where: { userId, jobQueuedAt: { not: null }, OR: [{ status: 'APPLYING' }, { jobEndedAt: { gte: new Date(Date.now() - endedWithinMs) } }] },
    orderBy: { jobQueuedAt: 'desc' },
    select: jobSelect,
  });
  return row ? toJobDto(row) : null;
}

/** One of the member's own imports as a job (another member's id is "not found"). */
export async function getImportJob(userId: number, id: number): Promise<ImportJobDto> {
  const row = await db.memberImport.findFirst({ where: { id, userId }, select: jobSelect });
  if (!row) throw new NotFoundError('That import is not there any more. Upload the file again.');
  return toJobDto(row);
}

/**
 * Marks a preview as confirmed and waiting for its job, with the member's choices. One job per member at a time
 * (a partial unique index: a second one is a ConflictError); a preview already confirmed is a ConflictError too.
 */
export async function queueImportJob(userId: number, id: number, choices: object, rowsTotal: number): Promise<ImportJobDto> {
  try {
    const claimed = await db.memberImport.updateMany({
      where: { id, userId, status: 'PREVIEW' },
      data: {
        status: 'APPLYING', choices: choices as Prisma.InputJsonValue, phase: 'queued', rowsDone: 0, rowsTotal, error: null,
        jobQueuedAt: new Date(), jobStartedAt: null, jobEndedAt: null,
      },
    });
    if (claimed.count === 0) throw new ConflictError('This import was already confirmed (or is gone). Upload the file again to import it once more.');
  } catch (err) {
    if (prismaCode(err) === 'P2002') throw new ConflictError('Another import of yours is running: wait for it to finish, then confirm this one.', { cause: err });
    throw err;
  }
  return getImportJob(userId, id);
}

/** What the worker needs to run a queued confirm; null when it is no longer waiting for a job. */
export async function takeImportJob(id: number): Promise<{ userId: number; payload: PreviewPayload; choices: unknown } | null> {
  const started = await db.memberImport.updateMany({ where: { id, status: 'APPLYING', jobStartedAt: null }, data: { jobStartedAt: new Date(), phase: 'reading' } });
  if (started.count === 0) return null;
  const row = await db.memberImport.findUniqueOrThrow({ where: { id }, select: { userId: true, payload: true, choices: true } });
  return { userId: row.userId, payload: row.payload as unknown as PreviewPayload, choices: row.choices };
}

/** Progress of a running job (a no-op once it finished: late writes never undo "done"). */
export async function setImportJobProgress(id: number, data: { phase?: string; rowsDone?: number; rowsTotal?: number }): Promise<void> {
  await db.memberImport.updateMany({ where: { id, status: 'APPLYING' }, data });
}

/** A job that failed: it wrote nothing, so the preview is confirmable again, with the reason shown. */
export async function failImportJob(id: number, error: string): Promise<void> {
  await db.memberImport.updateMany({ where: { id, status: 'APPLYING' }, data: { status: 'PREVIEW', phase: 'failed', error: error.slice(0, 2000), jobEndedAt: new Date() } });
}

/** Jobs a stopped worker left running (queued ones are still delivered by the queue): failed, nothing was written. */
export async function failStaleImportJobs(reason: string): Promise<number> {
  const res = await db.memberImport.updateMany({ where: { status: 'APPLYING', jobStartedAt: { not: null } }, data: { status: 'PREVIEW', phase: 'failed', error: reason, jobEndedAt: new Date() } });
  return res.count;
}
