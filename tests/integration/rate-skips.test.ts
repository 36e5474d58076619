// "Haven't seen it" on the rate-more page, kept with the account: never offered again on any device, part of the
// member's JSON export, gone with the account.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../lib/server/db';
import { deleteMemberAccount } from '../../lib/server/data/account';
import {
  listRatedHiddenOrSkippedIds,
  listSkippedIds,
  skipRateMovie,
  unskipRateMovie,
} from '../../lib/server/data/rate-more';
import { nextRateBatch } from '../../lib/server/services/rate-more';
import { exportMemberJson } from '../../lib/server/services/history-export';
import { NotFoundError } from '../../lib/server/errors';
import { createMovies, createUser, sql, uniqueEmail } from './helpers';

let movies: number[];

beforeAll(async () => {
  movies = await createMovies(['Skip Test One', 'Skip Test Two', 'Skip Test Three']);
  // Rated often enough by imported users to be rate-more candidates.
  const raters: number[] = [];
  for (let k = 0; k < 16; k++)
    raters.push(await createUser({ movielensId: 880_000_000 + Math.floor(Math.random() * 1e8) }));
  await sql(
    `INSERT INTO "Rating" ("userId", "movieId", value, "updatedAt") SELECT u, m, 4, now() FROM unnest($1::int[]) u, unnest($2::int[]) m`,
    [raters, movies],
  );
});

afterAll(async () => {
  await sql(`DELETE FROM "Movie" WHERE id = ANY($1::int[])`, [movies]);
  await db.$disconnect();
});

describe('rate-more skips', () => {
  it('are stored per member, idempotent and undoable, and leave other members alone', async () => {
    const a = await createUser({ email: uniqueEmail('skip-a') });
    const b = await createUser({ email: uniqueEmail('skip-b') });
    await skipRateMovie(a, movies[0]);
    await skipRateMovie(a, movies[0]); // a second tap (another device) changes nothing
    await skipRateMovie(a, movies[2]);
    expect(await listSkippedIds(a)).toEqual([movies[0], movies[2]]);
    expect(await listSkippedIds(b)).toEqual([]);
    await unskipRateMovie(a, movies[2]);
    expect(await listSkippedIds(a)).toEqual([movies[0]]);
    expect(await listRatedHiddenOrSkippedIds(a)).toEqual([movies[0]]);
    await expect(skipRateMovie(a, 2_000_000_000)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('are never offered again by the rate-more page, whatever the page sends', async () => {
    const u = await createUser({ email: uniqueEmail('skip-offer') });
    const user = { id: u, tasteVersion: 0 };
    const offered = async () =>
      (await nextRateBatch(user, { decades: [], exclude: [], n: 800 }))
        .map((m) => m.id)
        .filter((id) => movies.includes(id));
    expect((await offered()).sort()).toEqual([...movies].sort());
    await skipRateMovie(u, movies[1]);
    expect((await offered()).sort()).toEqual([movies[0], movies[2]].sort());
  });

  it("are in the member's JSON export and are deleted with the account", async () => {
    const u = await createUser({ email: uniqueEmail('skip-export') });
    await skipRateMovie(u, movies[1]);
    const json = JSON.parse(await exportMemberJson(u));
    expect(json.notSeen).toEqual([expect.objectContaining({ movieId: movies[1], title: 'Skip Test Two' })]);
    await deleteMemberAccount(u);
    expect(await sql(`SELECT 1 FROM "RateSkip" WHERE "userId" = $1`, [u])).toEqual([]);
  });
});
