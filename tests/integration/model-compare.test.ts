// Two model versions side by side: the top-10 overlap of the same members' lists, on a database of its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDatabase, sql } from './helpers';

const scratch = await scratchDatabase();
process.env.DATABASE_URL = scratch.url; // before any lib/server import: lib/env reads it once
const { db } = await import('../../lib/server/db');
const { recomputeModel } = await import('../../lib/server/services/model-training');
const { compareVersions } = await import('../../lib/server/services/model-compare');

let v1: number;
let v2: number;

beforeAll(async () => {
  const ids = Array.from({ length: 40 }, (_, i) => 500 + i);
  await sql(
    `INSERT INTO "Movie" (id, title, year, "updatedAt") SELECT i, 'Movie ' || i, 2000, now() FROM unnest($1::int[]) i`,
    [ids],
  );
  const users = (
    await sql<{ id: number }>(
      `INSERT INTO "User" (name, kind, "updatedAt") SELECT 'Rater ' || k, 'MEMBER', now() FROM generate_series(1, 60) k RETURNING id`,
    )
  ).map((r) => r.id);
  const u: number[] = [];
  const m: number[] = [];
  const v: number[] = [];
  users.forEach((user, x) => {
    for (let j = 0; j < 12; j++) {
      const movie = ids[(x * 7 + j * 3) % ids.length];
      u.push(user);
      m.push(movie);
      v.push(movie < 520 === (x % 2 === 0) ? 4.5 : 1.5);
    }
  });
  await sql(
    `INSERT INTO "Rating" ("userId", "movieId", value, "updatedAt") SELECT *, now() FROM unnest($1::int[], $2::int[], $3::real[]) ON CONFLICT DO NOTHING`,
    [u, m, v],
  );
  v1 = (await recomputeModel({ trigger: 'test' })).versionId;
  // New tastes before the second version: half the raters flip.
  await sql(`UPDATE "Rating" SET value = 6 - value WHERE "userId" = ANY($1::int[])`, [
    users.filter((_, x) => x % 4 === 0),
  ]);
  v2 = (await recomputeModel({ trigger: 'test' })).versionId;
}, 600_000);

afterAll(async () => {
  await db.$disconnect();
  await scratch.drop();
});

describe('compareVersions', () => {
  it('finds every top 10 identical when a version is compared with itself', async () => {
    const c = await compareVersions(v1, v1);
    expect(c.raters).toBe(60);
    expect(c.raterKind).toBe('MEMBER');
    expect(c.meanOverlap).toBe(1);
    expect(c.histogram[10]).toBe(60);
  });

  it('reports the overlap between two versions trained on different tastes, with both versions metrics', async () => {
    const c = await compareVersions(v1, v2);
    expect(c.histogram.reduce((s, h) => s + h, 0)).toBe(60);
    expect(c.meanOverlap).toBeGreaterThanOrEqual(0);
    expect(c.meanOverlap).toBeLessThan(1);
    expect(Object.keys(c.a.metrics)).toContain('ndcg@10');
    expect(c.b.id).toBe(v2);
  });

  it('refuses an unknown version', async () => {
    await expect(compareVersions(v1, 999_999)).rejects.toThrow(/Pick two model versions/);
  });
});
