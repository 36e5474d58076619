// The data functions that replaced direct Prisma calls in services, jobs and scripts (issue #20): each is checked
// against the database itself (raw SQL through the helpers), including the cases where behaviour could change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disconnectDatabase } from '../../lib/server/data/connection';
import {
  createModelVersion,
  getVersionStatus,
  markTraining,
  snapshotRatingTimes,
  snapshotRatings,
} from '../../lib/server/data/models';
import { countMoviesIn } from '../../lib/server/data/movies';
import { addMissingRatings, listRatingsForScoring, upsertRating } from '../../lib/server/data/ratings';
import { getSessionUser, upsertDemoAccount, verifyCredentials } from '../../lib/server/data/users';
import { createMovies, createUser, sql, uniqueEmail, uniqueMovieId } from './helpers';

let movies: number[];

beforeAll(async () => {
  movies = await createMovies(['Query A', 'Query B', 'Query C', 'Query D']);
});
afterAll(async () => {
  await disconnectDatabase();
});

describe('listRatingsForScoring', () => {
  it("returns one member's ratings in movie-id order, whatever order they were written in", async () => {
    const userId = await createUser();
    const other = await createUser();
    for (const [m, v] of [
      [movies[2], 4],
      [movies[0], 2.5],
      [movies[3], 5],
    ] as const) {
      await upsertRating(userId, m, v);
    }
    await upsertRating(other, movies[1], 1);
    const rows = await listRatingsForScoring(userId);
    expect(rows.map((r) => [r.movieId, r.value])).toEqual([
      [movies[0], 2.5],
      [movies[2], 4],
      [movies[3], 5],
    ]);
    expect(rows.every((r) => r.updatedAt instanceof Date)).toBe(true);
    expect(await listRatingsForScoring(await createUser())).toEqual([]);
  });
});

describe('addMissingRatings (demo ratings)', () => {
  it('adds ratings for catalogue movies only and never overwrites one the member changed', async () => {
    const userId = await createUser();
    const version = async () => (await getSessionUser(userId))!.tasteVersion;
    const v0 = await version();
    const missing = uniqueMovieId();
    const added = await addMissingRatings(userId, [
      [movies[0], 4.5],
      [missing, 3],
      [movies[1], 2],
    ]);
    expect(added).toBe(2);
    expect(await version()).toBe(v0 + 1); // a cached For You list is not served after the change

    await upsertRating(userId, movies[0], 1); // the member changes a seeded rating
    const v1 = await version();
    expect(
      await addMissingRatings(userId, [
        [movies[0], 4.5],
        [movies[1], 2],
      ]),
    ).toBe(0);
    expect(await version()).toBe(v1); // nothing added, nothing to invalidate
    const rows = await sql<{ movieId: number; value: number }>(
      `SELECT "movieId", value FROM "Rating" WHERE "userId" = $1 ORDER BY "movieId"`,
      [userId],
    );
    expect(rows.map((r) => [r.movieId, r.value])).toEqual([
      [movies[0], 1],
      [movies[1], 2],
    ]);
    expect(await addMissingRatings(userId, [])).toBe(0);
  });
});

describe('upsertDemoAccount', () => {
  it('creates the account, then refreshes its password and role and keeps its id, name and ratings', async () => {
    const email = uniqueEmail('demo');
    const first = await upsertDemoAccount({ email, name: 'Demo Viewer', password: 'first-password', role: 'USER' });
    expect(first).toMatchObject({ email, name: 'Demo Viewer', role: 'USER' });
    expect(await verifyCredentials(email, 'first-password')).toEqual(first);
    await upsertRating(first.id, movies[3], 3.5);

    const again = await upsertDemoAccount({ email, name: 'Renamed', password: 'second-password', role: 'ADMIN' });
    expect(again).toMatchObject({ id: first.id, name: 'Demo Viewer', role: 'ADMIN' });
    expect(await verifyCredentials(email, 'first-password')).toBeNull();
    expect(await verifyCredentials(email, 'second-password')).toMatchObject({ id: first.id, role: 'ADMIN' });
    expect((await listRatingsForScoring(first.id)).map((r) => r.movieId)).toEqual([movies[3]]);
    const [row] = await sql<{ passwordHash: string; kind: string }>(
      `SELECT "passwordHash", kind FROM "User" WHERE id = $1`,
      [first.id],
    );
    expect(row.kind).toBe('MEMBER');
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
  });
});

describe('countMoviesIn', () => {
  it('counts the catalogue movies among the ids, each once', async () => {
    expect(await countMoviesIn([movies[0], movies[1], uniqueMovieId(), movies[0]])).toBe(2);
    expect(await countMoviesIn(new Int32Array([movies[2], uniqueMovieId()]))).toBe(1);
    expect(await countMoviesIn([uniqueMovieId()])).toBe(0);
    expect(await countMoviesIn([])).toBe(0);
  });
});

describe('getVersionStatus', () => {
  it("reads a version's status, and null for a version that does not exist", async () => {
    const id = await createModelVersion({ algorithm: 'test-status', params: {}, trigger: 'test' });
    expect(await getVersionStatus(id)).toBe('QUEUED');
    await markTraining(id);
    expect(await getVersionStatus(id)).toBe('TRAINING');
    expect(await getVersionStatus(2_000_000_000)).toBeNull();
    await sql(`DELETE FROM "ModelVersion" WHERE id = $1`, [id]);
  });
});

describe('snapshotRatingTimes', () => {
  it("reads every rating's last-change time in (user, movie) order, page by page, aligned with snapshotRatings", async () => {
    const raters = [await createUser(), await createUser()];
    for (const [u, userId] of raters.entries()) {
      for (const [x, m] of movies.slice(0, 3).entries()) await upsertRating(userId, m, 1 + x);
      // Distinct, known times (with a fraction of a second) so misaligned rows cannot pass.
      await sql(
        `UPDATE "Rating" SET "updatedAt" = to_timestamp(1700000000.25 + 1000 * $2 + "movieId" % 97) WHERE "userId" = $1`,
        [userId, u],
      );
    }
    const expected = await sql<{ userId: number; movieId: number; t: number }>(
      `SELECT "userId", "movieId", extract(epoch FROM "updatedAt")::float8 AS t FROM "Rating" ORDER BY "userId", "movieId"`,
    );
    expect(expected.length).toBeGreaterThanOrEqual(6);
    const ratings = await snapshotRatings();
    for (const pageSize of [1, 4, 7, 1_000_000]) {
      const snap = await snapshotRatingTimes(pageSize);
      expect(Array.from(snap.userIds)).toEqual(expected.map((r) => r.userId));
      expect(Array.from(snap.movieIds)).toEqual(expected.map((r) => r.movieId));
      expect(Array.from(snap.timestamps)).toEqual(expected.map((r) => r.t));
      expect(Array.from(snap.userIds)).toEqual(Array.from(ratings.userIds));
      expect(Array.from(snap.movieIds)).toEqual(Array.from(ratings.movieIds));
    }
    const mine = expected.filter((r) => r.userId === raters[1] && r.movieId === movies[0]);
    expect(mine[0].t).toBe(1700000000.25 + 1000 + (movies[0] % 97));
  });
});
