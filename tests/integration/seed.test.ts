// Seeds a scratch database of its own, so the first run meets an empty catalogue whatever other files did.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDatabase, sql } from './helpers';

type SeedModule = typeof import('../../lib/server/services/seed');
type UsersModule = typeof import('../../lib/server/data/users');
type DbModule = typeof import('../../lib/server/db');

let scratch: { url: string; drop: () => Promise<void> };
let seedModule: SeedModule;
let users: UsersModule;
let dbModule: DbModule;
const passwords = { demo: 'demo-pass-0001', admin: 'admin-pass-0001' };
const logLines: string[] = [];

beforeAll(async () => {
  scratch = await scratchDatabase();
  // lib/env reads DATABASE_URL once, at its first import: point it at the scratch database before that.
  process.env.DATABASE_URL = scratch.url;
  seedModule = await import('../../lib/server/services/seed');
  users = await import('../../lib/server/data/users');
  dbModule = await import('../../lib/server/db');
});
afterAll(async () => {
  await dbModule?.db.$disconnect();
  await scratch?.drop();
});

async function snapshot() {
  const [row] = await sql<Record<string, number>>(
    `SELECT (SELECT count(*)::int FROM "Movie") AS movies, (SELECT count(*)::int FROM "User") AS users,
            (SELECT count(*)::int FROM "Rating") AS ratings, (SELECT count(*)::int FROM "Credit") AS credits`,
    [],
    scratch.url,
  );
  return row;
}

describe('seed', () => {
  it('imports the catalogue from DATA_DIR on first run and creates the demo accounts', async () => {
    const result = await seedModule.seed(passwords, (l) => logLines.push(l));
    expect(result).toMatchObject({ importedCatalogue: true, movies: 5 });
    expect(logLines.some((l) => /Imported 5 movies, 7 ratings by 3 MovieLens users/.test(l))).toBe(true);

    const demo = await users.verifyCredentials(seedModule.DEMO_USER_EMAIL, passwords.demo);
    const admin = await users.verifyCredentials(seedModule.DEMO_ADMIN_EMAIL, passwords.admin);
    expect(demo).toMatchObject({ email: 'demo@reel.local', role: 'USER' });
    expect(admin).toMatchObject({ email: 'admin@reel.local', role: 'ADMIN' });
    expect(await users.verifyCredentials(seedModule.DEMO_USER_EMAIL, passwords.admin)).toBeNull();

    // The demo user's ratings are limited to movies in the catalogue (of its list only movie 1 is in the fixture).
    const demoRatings = await sql<{ movieId: number; value: number }>(
      `SELECT "movieId", value FROM "Rating" WHERE "userId" = $1`,
      [demo!.id],
      scratch.url,
    );
    expect(demoRatings).toEqual([{ movieId: 1, value: 4 }]);
  });

  it('is idempotent: a second run changes no rows', async () => {
    const before = await snapshot();
    expect(before).toEqual({ movies: 5, users: 5, ratings: 8, credits: 10 });
    const result = await seedModule.seed(passwords, () => {});
    expect(result).toMatchObject({ importedCatalogue: false, movies: 5 });
    expect(await snapshot()).toEqual(before);
  });

  it('re-applies the given passwords to the demo accounts', async () => {
    const next = { demo: 'demo-pass-0002', admin: 'admin-pass-0002' };
    await seedModule.seed(next, () => {});
    expect(await users.verifyCredentials(seedModule.DEMO_USER_EMAIL, next.demo)).not.toBeNull();
    expect(await users.verifyCredentials(seedModule.DEMO_USER_EMAIL, passwords.demo)).toBeNull();
    expect(await users.verifyCredentials(seedModule.DEMO_ADMIN_EMAIL, next.admin)).toMatchObject({ role: 'ADMIN' });
  });
});
