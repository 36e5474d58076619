// Issue #23, engine part: the nightly training fits on members' unrated watches, likes and watchlist adds (the
// matrix's implicit part, read by the implicit models only, with the engine's weight per kind), and with none it is
// the ratings-only fit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDatabase, sql } from './helpers';

const scratch = await scratchDatabase();
process.env.DATABASE_URL = scratch.url; // before any lib/server import: lib/env reads it once
const { db } = await import('../../lib/server/db');
const { recomputeModel } = await import('../../lib/server/services/model-training');
const models = await import('../../lib/server/data/models');
const { getServingModel } = await import('../../lib/server/services/model-cache');
const { trainedOn } = await import('../../lib/recommender/serving');

const ids = Array.from({ length: 30 }, (_, i) => 700 + i);
let watcher = 0;

beforeAll(async () => {
  await sql(
    `INSERT INTO "Movie" (id, title, year, "updatedAt") SELECT i, 'Movie ' || i, 2000, now() FROM unnest($1::int[]) i`,
    [ids],
  );
  const users = (
    await sql<{ id: number }>(
      `INSERT INTO "User" (name, kind, "updatedAt") SELECT 'Rater ' || k, 'MEMBER', now() FROM generate_series(1, 40) k RETURNING id`,
    )
  ).map((r) => r.id);
  const u: number[] = [];
  const m: number[] = [];
  const v: number[] = [];
  users.forEach((user, x) => {
    for (let j = 0; j < 12; j++) {
      u.push(user);
      m.push(ids[(x * 5 + j * 2) % ids.length]);
      v.push(1 + ((x + j) % 9) * 0.5);
    }
  });
  await sql(
    `INSERT INTO "Rating" ("userId", "movieId", value, "updatedAt") SELECT *, now() FROM unnest($1::int[], $2::int[], $3::real[]) ON CONFLICT DO NOTHING`,
    [u, m, v],
  );
  [{ id: watcher }] = await sql<{ id: number }>(
    `INSERT INTO "User" (name, kind, "updatedAt") VALUES ('Watcher', 'MEMBER', now()) RETURNING id`,
  );
});

afterAll(async () => {
  await db.$disconnect();
  await scratch.drop();
});

async function dataCounts(versionId: number): Promise<Record<string, number>> {
  const v = (await models.listVersions()).find((x) => x.id === versionId)!;
  return v.dataCounts as Record<string, number>;
}

describe('nightly training with implicit feedback', () => {
  it('trains on ratings only when nobody has a bare watch or like', async () => {
    const r = await recomputeModel({ trigger: 'test' });
    expect(await dataCounts(r.versionId)).toMatchObject({ implicitFitRows: 0, users: 40 });
    expect(trainedOn((await getServingModel())!.model, watcher)).toBe(false);
  }, 300_000);

  it('fits a member who only watched, liked and listed: one implicit row per movie, a rated movie adds none', async () => {
    // Six bare watches (two of them also liked), one like without a watch, one watchlist add, and a watch and a
    // watchlist add of a movie the rater rated.
    for (const movie of ids.slice(0, 6))
      await sql(
        `INSERT INTO "Watch" ("userId", "movieId", "watchedOn", "updatedAt") VALUES ($1, $2, '2026-01-05', now())`,
        [watcher, movie],
      );
    for (const movie of [ids[0], ids[1], ids[6]])
      await sql(`INSERT INTO "Like" ("userId", "movieId") VALUES ($1, $2)`, [watcher, movie]);
    const rater = (
      await sql<{ userId: number; movieId: number }>(
        `SELECT "userId", "movieId" FROM "Rating" ORDER BY "userId", "movieId" LIMIT 1`,
      )
    )[0];
    await sql(
      `INSERT INTO "Watch" ("userId", "movieId", "watchedOn", "updatedAt") VALUES ($1, $2, '2026-01-05', now())`,
      [rater.userId, rater.movieId],
    );
    await sql(`INSERT INTO "WatchlistItem" ("userId", "movieId") VALUES ($1, $2), ($3, $4)`, [
      watcher,
      ids[7],
      rater.userId,
      rater.movieId,
    ]);
    const r = await recomputeModel({ trigger: 'test' });
    const counts = await dataCounts(r.versionId);
    expect(counts).toMatchObject({
      implicitFitRows: 8,
      users: 41,
      bareWatches: 4,
      bareLikes: 3,
      watchlisted: 2,
      // The ratings stay the ratings: implicit rows are not added to them.
      ratings: (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM "Rating"`))[0].n,
    });
    if (!r.activated) await models.activateVersion(r.versionId);
    await new Promise((done) => setTimeout(done, 5_100)); // the serving cache re-checks the active version every 5 s
    const loaded = (await getServingModel())!;
    expect(loaded.versionId).toBe(r.versionId);
    expect(trainedOn(loaded.model, watcher)).toBe(true);
  }, 300_000);
});
