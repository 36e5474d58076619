import 'server-only';
import type { DiaryEntry, DiaryStats, WatchDto } from '@/lib/validation/history';
import { db, Prisma } from '../db';
import { AppError, NotFoundError, prismaCode } from '../errors';
import { displayTitle } from '@/lib/titles/display-title';

/**
 * Viewing history (the diary). Rules, all enforced here in one transaction per write:
 * - a member may log several watches of a movie (a rewatch is flagged by the member, not inferred);
 * - a watch may carry the rating given that day (`Watch.rating`, a value). When the watch is the member's newest
 *   rated viewing of the movie (by date, then by id), that value also becomes their current rating (`Rating`);
 * - deleting or editing a watch never deletes the current rating; a rating without any watch stays allowed;
 * - logging a watch takes the movie off the watchlist (as Letterboxd does);
 * - every write bumps the member's taste version, so For You (which folds watches in) is rebuilt at once.
 * The date rules (a real day, not before 1870, not after the member's today) are checked by the caller's zod schema
 * (lib/validation/history.ts); the database repeats the 1870 bound and a UTC+1-day ceiling as CHECK constraints.
 */

export interface WatchInput {
  movieId: number;
  /** YYYY-MM-DD. */
  watchedOn: string;
  rewatch?: boolean;
  rating?: number | null;
}

const watchSelect = { id: true, movieId: true, watchedOn: true, rewatch: true, rating: true } satisfies Prisma.WatchSelect;
type WatchRow = Prisma.WatchGetPayload<{ select: typeof watchSelect }>;

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function dayOf(s: string): Date {
  return new Date(`${s}T00:00:00.000Z`);
}

function toDto(w: WatchRow): WatchDto {
  return { id: w.id, movieId: w.movieId, watchedOn: isoDay(w.watchedOn), rewatch: w.rewatch, rating: w.rating };
}

type Tx = Prisma.TransactionClient;

/** When `watch` is the newest rated viewing of its movie, its rating becomes the member's current rating. */
async function syncCurrentRating(tx: Tx, userId: number, watch: WatchRow): Promise<void> {
  if (watch.rating === null) return;
  const newest = await tx.watch.findFirst({
    where: { userId, movieId: watch.movieId, rating: { not: null } },
    orderBy: [{ watchedOn: 'desc' }, { id: 'desc' }],
    select: { id: true },
  });
  if (newest?.id !== watch.id) return;
  await tx.rating.upsert({
    where: { userId_movieId: { userId, movieId: watch.movieId } },
    create: { userId, movieId: watch.movieId, value: watch.rating },
    update: { value: watch.rating },
    select: { movieId: true },
  });
}

function translate(err: unknown): never {
  const code = prismaCode(err);
  // P2003: the movie was removed by a catalogue reload after the page rendered.
  if (code === 'P2003') throw new NotFoundError('That movie is no longer in the catalogue.', { cause: err });
  // 23514 (check_violation) arrives as P2010/P2004 or a driver error: the database's own date/rating bounds.
  if (/Watch_watchedOn_range|Watch_rating_half_stars/.test(String((err as Error)?.message ?? ''))) {
    throw new AppError('INVALID', 'That date or rating is out of range. Pick a day from 1870 to today and a rating from 0.5 to 5.', { cause: err });
  }
  throw err;
}

/** Logs a viewing. See the module rules: may set the current rating, removes the movie from the watchlist. */
export async function logWatch(userId: number, input: WatchInput): Promise<WatchDto> {
  try {
    return await db.$transaction(async (tx) => {
      const watch = await tx.watch.create({
        data: { userId, movieId: input.movieId, watchedOn: dayOf(input.watchedOn), rewatch: input.rewatch ?? false, rating: input.rating ?? null },
        select: watchSelect,
      });
      await syncCurrentRating(tx, userId, watch);
      await tx.watchlistItem.deleteMany({ where: { userId, movieId: input.movieId } });
      await bumpTasteVersionIn(tx, userId);
      return toDto(watch);
    });
  } catch (err) {
    translate(err);
  }
}

/** Edits one of the member's own watches (another member's id is "not found"). */
export async function updateWatch(userId: number, watchId: number, input: Omit<WatchInput, 'movieId'>): Promise<WatchDto> {
  try {
    return await db.$transaction(async (tx) => {
      const owned = await tx.watch.updateMany({
        where: { id: watchId, userId },
        data: { watchedOn: dayOf(input.watchedOn), rewatch: input.rewatch ?? false, rating: input.rating ?? null },
      });
      if (owned.count === 0) throw new NotFoundError('That diary entry no longer exists.');
      const watch = await tx.watch.findUniqueOrThrow({ where: { id: watchId }, select: watchSelect });
      await syncCurrentRating(tx, userId, watch);
      await bumpTasteVersionIn(tx, userId);
      return toDto(watch);
    });
  } catch (err) {
    if (err instanceof AppError) throw err;
    translate(err);
  }
}

/** Deletes one of the member's own watches. The current rating (Rating) stays, whatever the watch carried. */
export async function deleteWatch(userId: number, watchId: number): Promise<void> {
  await db.$transaction(async (tx) => {
    const gone = await tx.watch.deleteMany({ where: { id: watchId, userId } });
    if (gone.count === 0) throw new NotFoundError('That diary entry no longer exists.');
    await bumpTasteVersionIn(tx, userId);
  });
}

function bumpTasteVersionIn(tx: Tx, userId: number) {
  return tx.user.update({ where: { id: userId }, data: { tasteVersion: { increment: 1 } }, select: { id: true } });
}

/** The member's watches of one movie, newest first. */
export async function listWatchesOfMovie(userId: number, movieId: number): Promise<WatchDto[]> {
  const rows = await db.watch.findMany({ where: { userId, movieId }, select: watchSelect, orderBy: [{ watchedOn: 'desc' }, { id: 'desc' }] });
  return rows.map(toDto);
}

/** One page of the diary, newest first (by date, then by the order they were logged), with like marks. */
export async function listDiary(userId: number, opts: { page: number; pageSize: number }): Promise<{ entries: DiaryEntry[]; total: number }> {
  const [rows, total] = await Promise.all([
    db.watch.findMany({
      where: { userId },
      select: { ...watchSelect, movie: { select: { title: true, year: true, likes: { where: { userId }, select: { movieId: true } } } } },
      orderBy: [{ watchedOn: 'desc' }, { id: 'desc' }],
      skip: (opts.page - 1) * opts.pageSize,
      take: opts.pageSize,
    }),
    db.watch.count({ where: { userId } }),
  ]);
  return {
    entries: rows.map((r) => ({ ...toDto(r), title: displayTitle(r.movie.title), year: r.movie.year, liked: r.movie.likes.length > 0 })),
    total,
  };
}

/** Every watch of the member (movie, day watched, when it was logged), for the For You fold-in. */
export async function listAllWatches(userId: number): Promise<{ movieId: number; watchedOn: Date; createdAt: Date }[]> {
  return db.watch.findMany({ where: { userId }, select: { movieId: true, watchedOn: true, createdAt: true } });
}

export async function countWatches(userId: number): Promise<number> {
  return db.watch.count({ where: { userId } });
}

/** Distinct movies the member logged a viewing of. */
export async function countWatchedMovies(userId: number): Promise<number> {
  const rows = await db.watch.groupBy({ by: ['movieId'], where: { userId } });
  return rows.length;
}

/** The diary's numbers: films and hours in `year`, hours all time, most-watched genres and directors (by watches). */
export async function getDiaryStats(userId: number, year: number, top = 5): Promise<DiaryStats> {
  const start = `${year}-01-01`;
  const end = `${year + 1}-01-01`;
  const [[totals], genres, directors] = await Promise.all([
    db.$queryRaw<{ films: number; watches: number; minutes_year: number; minutes_all: number; no_runtime: number }[]>`
      SELECT count(DISTINCT w."movieId") FILTER (WHERE w."watchedOn" >= ${start}::date AND w."watchedOn" < ${end}::date)::int AS films,
             count(*) FILTER (WHERE w."watchedOn" >= ${start}::date AND w."watchedOn" < ${end}::date)::int AS watches,
             coalesce(sum(m.runtime) FILTER (WHERE w."watchedOn" >= ${start}::date AND w."watchedOn" < ${end}::date), 0)::int AS minutes_year,
             coalesce(sum(m.runtime), 0)::int AS minutes_all,
             count(*) FILTER (WHERE coalesce(m.runtime, 0) = 0)::int AS no_runtime
      FROM "Watch" w JOIN "Movie" m ON m.id = w."movieId"
      WHERE w."userId" = ${userId}`,
    db.$queryRaw<{ name: string; count: number }[]>`
      SELECT g.name, count(*)::int AS count
      FROM "Watch" w JOIN "MovieGenre" mg ON mg."movieId" = w."movieId" JOIN "Genre" g ON g.id = mg."genreId"
      WHERE w."userId" = ${userId}
      GROUP BY g.name ORDER BY count DESC, g.name LIMIT ${top}`,
    db.$queryRaw<{ name: string; count: number }[]>`
      SELECT p.name, count(*)::int AS count
      FROM "Watch" w JOIN "Credit" c ON c."movieId" = w."movieId" AND c.kind = 'CREW' AND c.job = 'Director'
      JOIN "Person" p ON p.id = c."personId"
      WHERE w."userId" = ${userId}
      GROUP BY p.name ORDER BY count DESC, p.name LIMIT ${top}`,
  ]);
  return {
    year,
    filmsThisYear: totals?.films ?? 0,
    watchesThisYear: totals?.watches ?? 0,
    minutesThisYear: totals?.minutes_year ?? 0,
    minutesAllTime: totals?.minutes_all ?? 0,
    watchesWithoutRuntime: totals?.no_runtime ?? 0,
    topGenres: genres,
    topDirectors: directors,
  };
}
