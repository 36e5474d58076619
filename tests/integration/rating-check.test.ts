import { beforeAll, describe, expect, it } from 'vitest';
import { createMovies, createUser, sql } from './helpers';

let userId: number;
let movieIds: number[];

beforeAll(async () => {
  userId = await createUser({ name: 'Check constraint probe' });
  movieIds = await createMovies(['Probe A', 'Probe B', 'Probe C', 'Probe D', 'Probe E']);
});

const insert = (movieId: number, value: number) =>
  sql(`INSERT INTO "Rating" ("userId", "movieId", value, "updatedAt") VALUES ($1, $2, $3, now())`, [
    userId,
    movieId,
    value,
  ]);

describe('Rating CHECK constraint (half stars 0.5–5)', () => {
  it.each([0, 5.5, 3.25, -1, 0.25])('rejects %s', async (value) => {
    await expect(insert(movieIds[0], value)).rejects.toThrow(/Rating_value_half_stars/);
  });

  it('accepts 0.5, 3.5 and 5 (the bounds and a half step)', async () => {
    await insert(movieIds[1], 0.5);
    await insert(movieIds[2], 5);
    await insert(movieIds[3], 3.5);
    const rows = await sql<{ movieId: number; value: number }>(
      `SELECT "movieId", value FROM "Rating" WHERE "userId" = $1 ORDER BY value`,
      [userId],
    );
    expect(rows).toEqual([
      { movieId: movieIds[1], value: 0.5 },
      { movieId: movieIds[3], value: 3.5 },
      { movieId: movieIds[2], value: 5 },
    ]);
  });

  it('rejects an update to an invalid value and keeps the old one', async () => {
    await insert(movieIds[4], 4);
    await expect(
      sql(`UPDATE "Rating" SET value = 4.75 WHERE "userId" = $1 AND "movieId" = $2`, [userId, movieIds[4]]),
    ).rejects.toThrow(/Rating_value_half_stars/);
    const rows = await sql<{ value: number }>(`SELECT value FROM "Rating" WHERE "userId" = $1 AND "movieId" = $2`, [
      userId,
      movieIds[4],
    ]);
    expect(rows[0].value).toBe(4);
  });
});
