import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../lib/server/db';
import { ConflictError, NotFoundError } from '../../lib/server/errors';
import { deleteRating, getRating, listRatings, upsertRating } from '../../lib/server/data/ratings';
import { createMember, verifyCredentials } from '../../lib/server/data/users';
import { addToWatchlist, isOnWatchlist, listWatchlist, removeFromWatchlist } from '../../lib/server/data/watchlist';
import { dismissMovie, isDismissed, listDismissedIds, undismissMovie } from '../../lib/server/data/dismissals';
import { snapshotRatings } from '../../lib/server/data/models';
import { createMovies, createUser, uniqueEmail, uniqueMovieId } from './helpers';

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
    await expect(createMember({ name: 'Second', email, password: 'password-two' })).rejects.toBeInstanceOf(ConflictError);
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
    const expected = await db.rating.findMany({ select: { userId: true, movieId: true, value: true }, orderBy: [{ userId: 'asc' }, { movieId: 'asc' }] });
    expect(expected.length).toBeGreaterThanOrEqual(6);
    for (const pageSize of [1, 4, 7, 1_000_000]) {
      const snap = await snapshotRatings(pageSize);
      expect(Array.from(snap.userIds)).toEqual(expected.map((r) => r.userId));
      expect(Array.from(snap.movieIds)).toEqual(expected.map((r) => r.movieId));
      expect(Array.from(snap.values)).toEqual(expected.map((r) => r.value));
    }
  });
});
