import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../lib/server/db';
import { ConflictError, NotFoundError } from '../../lib/server/errors';
import { deleteRating, getRating, listRatings, upsertRating } from '../../lib/server/data/ratings';
import { createMember, verifyCredentials } from '../../lib/server/data/users';
import { addToWatchlist, isOnWatchlist, listWatchlist, removeFromWatchlist } from '../../lib/server/data/watchlist';
import { dismissMovie, isDismissed, listDismissedIds, undismissMovie } from '../../lib/server/data/dismissals';
import { snapshotRatings } from '../../lib/server/data/models';
import { getFavouriteGenres, listOnboardingMovies, setFavouriteGenres } from '../../lib/server/data/preferences';
import { getSessionUser } from '../../lib/server/data/users';
import { liftRanked } from '../../lib/server/services/for-you';
import { listGenres } from '../../lib/server/data/movies';
import { createMovies, createUser, sql, uniqueEmail, uniqueMovieId } from './helpers';

let movies: number[];

beforeAll(async () => {
  movies = await createMovies(['Data A', 'Data B', 'Data C']);
});
afterAll(async () => {
  await db.$disconnect();
});

describe('ratings', () => {
  it('upserts, lists newest first, updates in place and deletes', async () => {
    const userId = await createUser();
    expect(await upsertRating(userId, movies[0], 4)).toMatchObject({ movieId: movies[0], value: 4 });
    await upsertRating(userId, movies[1], 2.5);
    expect((await listRatings(userId)).map((r) => [r.movieId, r.value])).toEqual([
      [movies[1], 2.5],
      [movies[0], 4],
    ]);

    await upsertRating(userId, movies[0], 0.5); // same movie again: one row, new value, now the newest
    const listed = await listRatings(userId);
    expect(listed.map((r) => [r.movieId, r.value])).toEqual([
      [movies[0], 0.5],
      [movies[1], 2.5],
    ]);
    expect(await getRating(userId, movies[0])).toBe(0.5);

    await deleteRating(userId, movies[0]);
    await deleteRating(userId, movies[0]); // deleting what is gone is not an error
    expect(await getRating(userId, movies[0])).toBeNull();
    expect((await listRatings(userId)).map((r) => r.movieId)).toEqual([movies[1]]);
  });

  it('keeps ratings per user', async () => {
    const a = await createUser();
    const b = await createUser();
    await upsertRating(a, movies[2], 5);
    expect(await listRatings(b)).toEqual([]);
    expect(await getRating(b, movies[2])).toBeNull();
  });

  it('throws NotFoundError when the movie does not exist', async () => {
    const userId = await createUser();
    await expect(upsertRating(userId, uniqueMovieId(), 3)).rejects.toBeInstanceOf(NotFoundError);
    expect(await listRatings(userId)).toEqual([]);
  });
});

describe('members', () => {
  it('creates a member and verifies the right password only', async () => {
    const email = uniqueEmail('member');
    const created = await createMember({ name: 'Ada', email, password: 'correct horse battery' });
    expect(created).toMatchObject({ name: 'Ada', email, role: 'USER' });

    expect(await verifyCredentials(email, 'correct horse battery')).toEqual(created);
    expect(await verifyCredentials(email, 'correct horse battery ')).toBeNull();
    expect(await verifyCredentials(email, 'wrong password')).toBeNull();
    expect(await verifyCredentials(uniqueEmail('nobody'), 'correct horse battery')).toBeNull();
  });

  it('stores an argon2id hash, never the password', async () => {
    const email = uniqueEmail('hash');
    await createMember({ name: 'Hash', email, password: 'a secret phrase' });
    const row = await db.user.findUniqueOrThrow({ where: { email }, select: { passwordHash: true } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row.passwordHash).not.toContain('a secret phrase');
  });

  it('refuses a taken email with ConflictError', async () => {
    const email = uniqueEmail('taken');
    await createMember({ name: 'First', email, password: 'password-one' });
    await expect(createMember({ name: 'Second', email, password: 'password-two' })).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(await verifyCredentials(email, 'password-one')).toMatchObject({ name: 'First' });
    expect(await db.user.count({ where: { email } })).toBe(1);
  });
});

describe('watchlist', () => {
  it('adds and removes idempotently', async () => {
    const userId = await createUser();
    await addToWatchlist(userId, movies[0]);
    await addToWatchlist(userId, movies[0]);
    await addToWatchlist(userId, movies[1]);
    expect((await listWatchlist(userId)).sort()).toEqual([movies[0], movies[1]].sort());
    expect(await isOnWatchlist(userId, movies[0])).toBe(true);

    await removeFromWatchlist(userId, movies[0]);
    await removeFromWatchlist(userId, movies[0]);
    expect(await listWatchlist(userId)).toEqual([movies[1]]);
    expect(await isOnWatchlist(userId, movies[0])).toBe(false);
  });

  it('throws NotFoundError for a missing movie', async () => {
    const userId = await createUser();
    await expect(addToWatchlist(userId, uniqueMovieId())).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('dismissals', () => {
  it('dismisses and undoes idempotently', async () => {
    const userId = await createUser();
    await dismissMovie(userId, movies[2]);
    await dismissMovie(userId, movies[2]);
    expect(await listDismissedIds(userId)).toEqual([movies[2]]);
    expect(await isDismissed(userId, movies[2])).toBe(true);
    await undismissMovie(userId, movies[2]);
    await undismissMovie(userId, movies[2]);
    expect(await listDismissedIds(userId)).toEqual([]);
    expect(await isDismissed(userId, movies[2])).toBe(false);
  });

  it('throws NotFoundError for a missing movie', async () => {
    const userId = await createUser();
    await expect(dismissMovie(userId, uniqueMovieId())).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('snapshotRatings', () => {
  it('reads every rating in (user, movie) order, page by page, exactly once', async () => {
    const raters = [await createUser(), await createUser()];
    for (const u of raters) for (const [x, m] of movies.entries()) await upsertRating(u, m, 1 + x);
    const expected = await db.rating.findMany({
      select: { userId: true, movieId: true, value: true },
      orderBy: [{ userId: 'asc' }, { movieId: 'asc' }],
    });
    expect(expected.length).toBeGreaterThanOrEqual(6);
    for (const pageSize of [1, 4, 7, 1_000_000]) {
      const snap = await snapshotRatings(pageSize);
      expect(Array.from(snap.userIds)).toEqual(expected.map((r) => r.userId));
      expect(Array.from(snap.movieIds)).toEqual(expected.map((r) => r.movieId));
      expect(Array.from(snap.values)).toEqual(expected.map((r) => r.value));
    }
  });
});

describe('favourite genres and onboarding titles', () => {
  it('saves known genres with the taste version, and refuses unknown ones without losing the old choice', async () => {
    const suffix = Math.random().toString(36).slice(2, 8);
    const [g1, g2] = [`Noir ${suffix}`, `Western ${suffix}`];
    await sql(`INSERT INTO "Genre" (name) VALUES ($1), ($2)`, [g1, g2]);
    const userId = await createUser();
    const v0 = (await getSessionUser(userId))!.tasteVersion;
    expect(await setFavouriteGenres(userId, [g2, g1])).toEqual([g2, g1]);
    expect((await getSessionUser(userId))!.tasteVersion).toBe(v0 + 1);
    await expect(setFavouriteGenres(userId, [g1, 'Space Opera Musical'])).rejects.toThrow(
      'Unknown genre: Space Opera Musical.',
    );
    expect(await getFavouriteGenres(userId)).toEqual([g2, g1]);
    expect((await getSessionUser(userId))!.tasteVersion).toBe(v0 + 1);
    expect(await setFavouriteGenres(userId, [])).toEqual([]);
  });

  it("offers well-known titles that cover many genres, a favourite genre's best-known title first", async () => {
    const suffix = Math.random().toString(36).slice(2, 8);
    const genres = ['A', 'B', 'C', 'D'].map((g) => `Onb${g} ${suffix}`);
    const ids = await createMovies(['Big A', 'Big A2', 'Big B', 'Small C', 'Small D']);
    await sql(`INSERT INTO "Genre" (name) SELECT unnest($1::text[])`, [genres]);
    // Movie → genre and rating count; huge counts so these outrank every other test's movies.
    const plan: [number, string, number][] = [
      [ids[0], genres[0], 9_000_003],
      [ids[1], genres[0], 9_000_002],
      [ids[2], genres[1], 9_000_001],
      [ids[3], genres[2], 9_000_000],
      [ids[4], genres[3], 8_999_999],
    ];
    for (const [movie, genre, count] of plan) {
      await sql(`INSERT INTO "MovieGenre" ("movieId", "genreId") SELECT $1, id FROM "Genre" WHERE name = $2`, [
        movie,
        genre,
      ]);
      await sql(`UPDATE "Movie" SET "ratingCount" = $2, "ratingMean" = 4 WHERE id = $1`, [movie, count]);
    }
    // Big A2 adds no new genre, so the four genres come first: A, B, C, D.
    expect((await listOnboardingMovies(4)).map((m) => m.id)).toEqual([ids[0], ids[2], ids[3], ids[4]]);
    // A favourite genre's most-rated title leads.
    expect((await listOnboardingMovies(4, [genres[3]])).map((m) => m.id)).toEqual([ids[4], ids[0], ids[2], ids[3]]);
    await sql(`UPDATE "Movie" SET "ratingCount" = 0 WHERE id = ANY($1::int[])`, [ids]);
  });

  it('lifts chosen items a fixed number of places, keeping order otherwise', () => {
    const pool = [10, 11, 12, 13, 14, 15];
    expect(liftRanked(pool, (i) => i === 14, 3)).toEqual([10, 14, 11, 12, 13, 15]);
    expect(liftRanked(pool, (i) => i >= 13, 100)).toEqual([13, 14, 15, 10, 11, 12]);
    expect(liftRanked(pool, () => false, 100)).toEqual(pool);
  });
});

describe('genres for the filters', () => {
  it('lists the genres that have a movie, not a name a catalogue reload left without movies', async () => {
    const tag = Math.random().toString(36).slice(2, 8);
    const [withMovie, orphan] = [`Kept ${tag}`, `Orphan ${tag}`];
    const rows = await sql<{ id: number; name: string }>(
      `INSERT INTO "Genre" (name) VALUES ($1), ($2) RETURNING id, name`,
      [withMovie, orphan],
    );
    await sql(`INSERT INTO "MovieGenre" ("movieId", "genreId") VALUES ($1, $2)`, [
      movies[0],
      rows.find((r) => r.name === withMovie)!.id,
    ]);
    const names = await listGenres();
    expect(names).toContain(withMovie);
    expect(names).not.toContain(orphan);
  });
});
