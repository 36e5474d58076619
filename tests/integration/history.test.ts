// Viewing history and likes (issue #23): the data rules on a real PostgreSQL, and the server actions' session check.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SessionUser } from '../../lib/server/data/users';

// The actions read the session through getCurrentUser; the test decides who is signed in. Nothing else is mocked.
const session = vi.hoisted(() => ({ user: null as SessionUser | null }));
vi.mock('../../lib/server/auth', () => ({ getCurrentUser: async () => session.user }));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

import { db } from '../../lib/server/db';
import { AppError, NotFoundError } from '../../lib/server/errors';
import {
  deleteWatch,
  getDiaryStats,
  listDiary,
  listWatchesOfMovie,
  logWatch,
  updateWatch,
} from '../../lib/server/data/watches';
import { isLiked, likeMovie, likedAmong, listLikes, unlikeMovie } from '../../lib/server/data/likes';
import { getRating, listRatingsPage, ratingHistogram, upsertRating } from '../../lib/server/data/ratings';
import { addToWatchlist, isOnWatchlist } from '../../lib/server/data/watchlist';
import { getSessionUser } from '../../lib/server/data/users';
import { implicitCounts, snapshotImplicitFeedback } from '../../lib/server/data/models';
import { deleteWatchAction, logWatchAction, setLikedAction, updateWatchAction } from '../../app/(main)/diary/actions';
import { createMovies, createUser, sql, uniqueMovieId } from './helpers';

let movies: number[];

beforeAll(async () => {
  movies = await createMovies(['History A', 'History B', 'History C', 'History D']);
});
afterAll(async () => {
  await db.$disconnect();
});
beforeEach(() => {
  session.user = null;
});

async function tasteVersion(userId: number): Promise<number> {
  return (await getSessionUser(userId))!.tasteVersion;
}

describe('watches', () => {
  it('logs several watches of a movie, newest first, and takes the movie off the watchlist', async () => {
    const userId = await createUser();
    await addToWatchlist(userId, movies[0]);
    const v0 = await tasteVersion(userId);
    const first = await logWatch(userId, { movieId: movies[0], watchedOn: '2019-03-04' });
    expect(first).toMatchObject({ movieId: movies[0], watchedOn: '2019-03-04', rewatch: false, rating: null });
    expect(await isOnWatchlist(userId, movies[0])).toBe(false);
    expect(await tasteVersion(userId)).toBeGreaterThan(v0);
    await logWatch(userId, { movieId: movies[0], watchedOn: '2021-07-08', rewatch: true });
    expect((await listWatchesOfMovie(userId, movies[0])).map((w) => [w.watchedOn, w.rewatch])).toEqual([
      ['2021-07-08', true],
      ['2019-03-04', false],
    ]);
    // A bare watch is not a rating.
    expect(await getRating(userId, movies[0])).toBeNull();
  });

  it('sets the current rating from the newest rated watch only, and deleting a watch keeps the rating', async () => {
    const userId = await createUser();
    const recent = await logWatch(userId, { movieId: movies[1], watchedOn: '2024-05-01', rating: 4.5 });
    expect(await getRating(userId, movies[1])).toBe(4.5);
    // An older viewing logged later does not overwrite the rating given at the newer one.
    const old = await logWatch(userId, { movieId: movies[1], watchedOn: '2001-01-01', rating: 2 });
    expect(await getRating(userId, movies[1])).toBe(4.5);
    // Editing the newest viewing's rating moves the current rating with it.
    await updateWatch(userId, recent.id, { watchedOn: '2024-05-01', rating: 5 });
    expect(await getRating(userId, movies[1])).toBe(5);
    await deleteWatch(userId, recent.id);
    await deleteWatch(userId, old.id);
    expect(await listWatchesOfMovie(userId, movies[1])).toEqual([]);
    expect(await getRating(userId, movies[1])).toBe(5);
    // Clearing a watch's rating does not clear the member's rating either.
    const again = await logWatch(userId, { movieId: movies[1], watchedOn: '2025-01-01', rating: 3 });
    await updateWatch(userId, again.id, { watchedOn: '2025-01-01', rating: null });
    expect(await getRating(userId, movies[1])).toBe(3);
  });

  it("keeps one member's watches away from another", async () => {
    const owner = await createUser();
    const other = await createUser();
    const w = await logWatch(owner, { movieId: movies[2], watchedOn: '2020-02-02' });
    await expect(updateWatch(other, w.id, { watchedOn: '2020-02-03' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteWatch(other, w.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await listWatchesOfMovie(owner, movies[2])).toHaveLength(1);
    expect((await listDiary(other, { page: 1, pageSize: 10 })).total).toBe(0);
  });

  it('refuses dates the database must never hold, and a movie that is gone, changing nothing', async () => {
    const userId = await createUser();
    await expect(logWatch(userId, { movieId: movies[3], watchedOn: '1869-12-31' })).rejects.toBeInstanceOf(AppError);
    await expect(logWatch(userId, { movieId: movies[3], watchedOn: '2999-01-01' })).rejects.toBeInstanceOf(AppError);
    await expect(logWatch(userId, { movieId: uniqueMovieId(), watchedOn: '2020-01-01' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(
      sql(
        `INSERT INTO "Watch" ("userId", "movieId", "watchedOn", rating, "updatedAt") VALUES ($1, $2, '2020-01-01', 3.3, now())`,
        [userId, movies[3]],
      ),
    ).rejects.toThrow(/Watch_rating_half_stars/);
    expect(await listWatchesOfMovie(userId, movies[3])).toEqual([]);
  });

  it('pages the diary newest first with like marks and counts the year, hours, genres and directors', async () => {
    const userId = await createUser();
    const [m1, m2] = await createMovies(['Stats One', 'Stats Two']);
    await sql(`UPDATE "Movie" SET runtime = $2 WHERE id = $1`, [m1, 120]);
    await sql(`UPDATE "Movie" SET runtime = $2 WHERE id = $1`, [m2, 90]);
    const [{ id: genreId }] = await sql<{ id: number }>(`INSERT INTO "Genre" (name) VALUES ($1) RETURNING id`, [
      `Genre ${m1}`,
    ]);
    await sql(`INSERT INTO "MovieGenre" ("movieId", "genreId") VALUES ($1, $3), ($2, $3)`, [m1, m2, genreId]);
    const [{ id: personId }] = await sql<{ id: number }>(`INSERT INTO "Person" (name) VALUES ($1) RETURNING id`, [
      `Director ${m1}`,
    ]);
    await sql(`INSERT INTO "Credit" ("movieId", "personId", kind, job) VALUES ($1, $2, 'CREW', 'Director')`, [
      m1,
      personId,
    ]);
    await logWatch(userId, { movieId: m1, watchedOn: '2026-01-10' });
    await logWatch(userId, { movieId: m1, watchedOn: '2026-02-10', rewatch: true });
    await logWatch(userId, { movieId: m2, watchedOn: '2025-12-31', rating: 4 });
    await likeMovie(userId, m2);
    const page1 = await listDiary(userId, { page: 1, pageSize: 2 });
    expect(page1.total).toBe(3);
    expect(page1.entries.map((e) => [e.title, e.watchedOn, e.rewatch, e.liked])).toEqual([
      ['Stats One', '2026-02-10', true, false],
      ['Stats One', '2026-01-10', false, false],
    ]);
    const page2 = await listDiary(userId, { page: 2, pageSize: 2 });
    expect(page2.entries.map((e) => [e.title, e.rating, e.liked])).toEqual([['Stats Two', 4, true]]);
    const stats = await getDiaryStats(userId, 2026);
    expect(stats).toMatchObject({
      year: 2026,
      filmsThisYear: 1,
      watchesThisYear: 2,
      minutesThisYear: 240,
      minutesAllTime: 330,
      watchesWithoutRuntime: 0,
    });
    expect(stats.topGenres).toEqual([{ name: `Genre ${m1}`, count: 3 }]);
    expect(stats.topDirectors).toEqual([{ name: `Director ${m1}`, count: 2 }]);
  });
});

describe('likes', () => {
  it('keeps one like per member and movie, lists them newest first and unlikes', async () => {
    const userId = await createUser();
    await likeMovie(userId, movies[0]);
    await likeMovie(userId, movies[0]); // twice: still one
    await likeMovie(userId, movies[1]);
    const [{ n }] = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM "Like" WHERE "userId" = $1 AND "movieId" = $2`,
      [userId, movies[0]],
    );
    expect(n).toBe(1);
    await expect(sql(`INSERT INTO "Like" ("userId", "movieId") VALUES ($1, $2)`, [userId, movies[0]])).rejects.toThrow(
      /duplicate key/,
    );
    expect(await listLikes(userId, { page: 1, pageSize: 10 })).toEqual({ movieIds: [movies[1], movies[0]], total: 2 });
    expect(await likedAmong(userId, movies)).toEqual(new Set([movies[0], movies[1]]));
    await unlikeMovie(userId, movies[0]);
    expect(await isLiked(userId, movies[0])).toBe(false);
    expect(await isLiked(userId, movies[1])).toBe(true);
    await expect(likeMovie(userId, uniqueMovieId())).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('My ratings page data', () => {
  it('pages, sorts and filters ratings, and counts every half-star value', async () => {
    const userId = await createUser();
    const ids = await createMovies(['Zeta', 'Alpha', 'Mid']);
    await sql(
      `UPDATE "Movie" SET year = data.y FROM (SELECT unnest($1::int[]) AS id, unnest($2::int[]) AS y) data WHERE "Movie".id = data.id`,
      [ids, [1999, 2010, 1980]],
    );
    await upsertRating(userId, ids[0], 3);
    await upsertRating(userId, ids[1], 4.5);
    await upsertRating(userId, ids[2], 3);
    const titles = async (sort: 'rated' | 'rating' | 'title' | 'year', page = 1, value?: number) =>
      (await listRatingsPage(userId, { page, pageSize: 2, sort, value })).ratings.map((r) => r.title);
    expect(await titles('rated')).toEqual(['Mid', 'Alpha']);
    expect(await titles('rated', 2)).toEqual(['Zeta']);
    expect(await titles('rating')).toEqual(['Alpha', 'Mid']);
    expect(await titles('title')).toEqual(['Alpha', 'Mid']);
    expect(await titles('year')).toEqual(['Alpha', 'Zeta']);
    expect(await titles('rated', 1, 3)).toEqual(['Mid', 'Zeta']);
    expect((await listRatingsPage(userId, { page: 1, pageSize: 2, sort: 'rated', value: 3 })).total).toBe(2);
    const histogram = await ratingHistogram(userId);
    expect(histogram).toHaveLength(10);
    expect(histogram.filter((h) => h.count > 0)).toEqual([
      { value: 3, count: 2 },
      { value: 4.5, count: 1 },
    ]);
  });
});

describe('training snapshot of implicit feedback', () => {
  it('gives one row per member and movie with watch count, like, watchlist and rated flags', async () => {
    const userId = await createUser();
    const [w, l, both, listed] = await createMovies(['Snap W', 'Snap L', 'Snap WL', 'Snap list']);
    await logWatch(userId, { movieId: w, watchedOn: '2020-01-01' });
    await logWatch(userId, { movieId: w, watchedOn: '2021-01-01' });
    await likeMovie(userId, l);
    await logWatch(userId, { movieId: both, watchedOn: '2022-01-01', rating: 4 });
    await likeMovie(userId, both);
    await addToWatchlist(userId, listed);
    const snap = await snapshotImplicitFeedback();
    const mine = [...snap.userIds.keys()].filter((i) => snap.userIds[i] === userId);
    expect(
      mine.map((i) => [snap.movieIds[i], snap.watches[i], snap.liked[i], snap.watchlisted[i], snap.rated[i]]),
    ).toEqual([
      [w, 2, 0, 0, 0],
      [l, 0, 1, 0, 0],
      [both, 1, 1, 0, 1],
      [listed, 0, 0, 1, 0],
    ]);
    for (const i of mine) expect(snap.lastAt[i]).toBeGreaterThan(Date.now() / 1000 - 600);
    // Ordered by (user, movie) like the ratings snapshot.
    for (let i = 1; i < snap.userIds.length; i++) {
      expect(
        snap.userIds[i] > snap.userIds[i - 1] ||
          (snap.userIds[i] === snap.userIds[i - 1] && snap.movieIds[i] > snap.movieIds[i - 1]),
      ).toBe(true);
    }
    const counts = implicitCounts({
      userIds: Int32Array.from(mine, (i) => snap.userIds[i]),
      movieIds: Int32Array.from(mine, (i) => snap.movieIds[i]),
      watches: Int32Array.from(mine, (i) => snap.watches[i]),
      liked: Uint8Array.from(mine, (i) => snap.liked[i]),
      watchlisted: Uint8Array.from(mine, (i) => snap.watchlisted[i]),
      rated: Uint8Array.from(mine, (i) => snap.rated[i]),
      lastAt: Float64Array.from(mine, (i) => snap.lastAt[i]),
    });
    expect(counts).toEqual({ watchedPairs: 2, likes: 2, watchlisted: 1, bareWatches: 1, bareLikes: 1 });
  });
});

describe('history actions', () => {
  async function signedIn(): Promise<number> {
    const id = await createUser();
    session.user = (await getSessionUser(id))!;
    return id;
  }

  it('refuses a signed-out caller and changes nothing', async () => {
    const before = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM "Watch" WHERE "movieId" = $1`, [movies[3]]);
    expect(await logWatchAction({ movieId: movies[3], watchedOn: '2020-01-01' })).toMatchObject({
      ok: false,
      code: 'UNAUTHORIZED',
    });
    expect(await setLikedAction({ movieId: movies[3], on: true })).toMatchObject({ ok: false, code: 'UNAUTHORIZED' });
    expect(
      await sql<{ n: number }>(`SELECT count(*)::int AS n FROM "Watch" WHERE "movieId" = $1`, [movies[3]]),
    ).toEqual(before);
  });

  it("writes for the session's member only, whatever member id the client sends", async () => {
    const victim = await createUser();
    const me = await signedIn();
    const res = await logWatchAction({ movieId: movies[3], watchedOn: '2020-01-01', userId: victim, rating: 3.5 });
    expect(res).toMatchObject({
      ok: true,
      data: { watch: { movieId: movies[3], watchedOn: '2020-01-01', rating: 3.5 }, currentRating: 3.5 },
    });
    expect(await listWatchesOfMovie(me, movies[3])).toHaveLength(1);
    expect(await listWatchesOfMovie(victim, movies[3])).toEqual([]);
    expect(await setLikedAction({ movieId: movies[3], on: true, userId: victim })).toEqual({ ok: true });
    expect(await isLiked(me, movies[3])).toBe(true);
    expect(await isLiked(victim, movies[3])).toBe(false);
  });

  it('answers a future, pre-1870 or malformed date with a message on the date field and logs nothing', async () => {
    const me = await signedIn();
    const tomorrowUtc = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    for (const [watchedOn, message] of [
      [tomorrowUtc, 'That date is in the future. Pick today or an earlier day.'],
      ['1869-06-01', 'Pick a date from 1 January 1870 onwards.'],
      ['2023-02-30', 'Enter a real date, like 2024-05-31.'],
      ['not a date', 'Enter a real date, like 2024-05-31.'],
    ]) {
      const res = await logWatchAction({ movieId: movies[0], watchedOn, timeZone: 'Pacific/Kiritimati' });
      expect(res).toMatchObject({ ok: false, code: 'INVALID', fieldErrors: { watchedOn: message } });
    }
    expect(await logWatchAction({ movieId: movies[0], watchedOn: '2020-01-01', rating: 7 })).toMatchObject({
      ok: false,
      fieldErrors: { rating: 'Pick a rating between 0.5 and 5 stars.' },
    });
    expect(await listWatchesOfMovie(me, movies[0])).toEqual([]);
  });

  it("edits and deletes only the member's own diary entries", async () => {
    const owner = await createUser();
    const w = await logWatch(owner, { movieId: movies[2], watchedOn: '2018-08-08' });
    await signedIn();
    expect(await updateWatchAction({ watchId: w.id, watchedOn: '2018-08-09' })).toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
    });
    expect(await deleteWatchAction({ watchId: w.id })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect((await listWatchesOfMovie(owner, movies[2]))[0].watchedOn).toBe('2018-08-08');
  });
});
