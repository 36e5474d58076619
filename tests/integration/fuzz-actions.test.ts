// Fuzz (fast-check) of every server action and API route with random and malformed input (issue 19): never a throw
// (a 500), never a stack trace or database message in the answer, and no partial write — the database ends exactly
// as the successful calls say it should (a model of the member's ratings, watchlist and dismissals is kept).
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { encode } from 'next-auth/jwt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { scratchDatabase, sql } from './helpers';

const scratch = await scratchDatabase();
process.env.DATABASE_URL = scratch.url; // before any lib/server import: lib/env reads it once
const SECRET = process.env.NEXTAUTH_SECRET!;

// The request a server action runs in: its cookie (the session token of `current.token`) and headers.
const current: { token: string | null } = { token: null };
vi.mock('next/headers', () => ({
  cookies: async () => ({
    getAll: () => (current.token ? [{ name: 'next-auth.session-token', value: current.token }] : []),
    get: (name: string) =>
      current.token && name === 'next-auth.session-token' ? { name, value: current.token } : undefined,
  }),
  headers: async () => new Headers({ 'x-forwarded-for': '10.9.8.7' }),
}));
vi.mock('next/cache', () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

const { db } = await import('../../lib/server/db');
const movieActions = await import('../../app/(main)/movies/[movieId]/actions');
const { saveFavouriteGenresAction } = await import('../../app/(main)/welcome/actions');
const { signUpAction } = await import('../../app/(auth)/sign-up/actions');
const { signOutEverywhereAction } = await import('../../app/(auth)/sign-out/actions');
const adminActions = await import('../../app/admin/actions');
const forYouRoute = await import('../../app/api/for-you/route');
const posterRoute = await import('../../app/api/posters/[movieId]/route');
const { NextRequest } = await import('next/server');
const { BrowseQuery } = await import('../../lib/validation/movies');
const { listMovies } = await import('../../lib/server/data/movies');

const MOVIES = [9001, 9002, 9003];
let memberId = 0;
let adminId = 0;
const stats = { calls: 0, ok: 0, refused: 0, routeRequests: 0 };

async function tokenFor(userId: number, role: 'USER' | 'ADMIN') {
  const sv = (
    await sql<{ sessionVersion: number }>(`SELECT "sessionVersion" FROM "User" WHERE id = $1`, [userId], scratch.url)
  )[0].sessionVersion;
  return encode({ token: { sub: String(userId), role, sv, sid: randomUUID() }, secret: SECRET });
}

beforeAll(async () => {
  await sql(
    `INSERT INTO "Movie" (id, title, year, "updatedAt") SELECT i, 'Fuzz ' || i, 1999, now() FROM unnest($1::int[]) i`,
    [MOVIES],
    scratch.url,
  );
  await sql(`INSERT INTO "Genre" (name) VALUES ('Drama'), ('Comedy')`, [], scratch.url);
  memberId = (
    await sql<{ id: number }>(
      `INSERT INTO "User" (name, email, kind, "updatedAt") VALUES ('Fuzz', 'fuzz@it.reel.local', 'MEMBER', now()) RETURNING id`,
      [],
      scratch.url,
    )
  )[0].id;
  adminId = (
    await sql<{ id: number }>(
      `INSERT INTO "User" (name, email, kind, role, "updatedAt") VALUES ('Admin', 'fuzz-admin@it.reel.local', 'MEMBER', 'ADMIN', now()) RETURNING id`,
      [],
      scratch.url,
    )
  )[0].id;
});

afterAll(async () => {
  console.log(
    `[figures] fuzz: ${stats.calls} action calls (${stats.ok} ok, ${stats.refused} refused with a message), ${stats.routeRequests} route requests, 0 throws`,
  );
  await db.$disconnect();
  await scratch.drop();
});

// Values a hostile or broken client might send.
const nasty = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '2147483648',
    '-1',
    '0',
    '1e400',
    'NaN',
    'Infinity',
    '9'.repeat(30),
    '1.5',
    '0x10',
    '<script>',
    '\'; DROP TABLE "User"; --',
    '\ud800',
    '../../etc/passwd',
  ),
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.integer(),
  fc.double(),
  fc.bigInt().map(String),
  fc.constantFrom(null, undefined, true, false, 2 ** 31, 2 ** 53, -0, Number.NaN, Number.POSITIVE_INFINITY),
  fc.anything({ maxDepth: 2 }),
);
const movieId = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...MOVIES) },
  { weight: 1, arbitrary: fc.constantFrom(...MOVIES.map(String)) },
  { weight: 2, arbitrary: nasty },
);
const ratingValue = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 10 }).map((h) => h / 2) },
  { weight: 2, arbitrary: nasty },
);
const toggle = fc.oneof({ weight: 3, arbitrary: fc.boolean() }, { weight: 1, arbitrary: nasty });

function asFormData(obj: Record<string, unknown>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(obj))
    if (v !== undefined) f.append(k, typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));
  return f;
}
/** The raw argument of an action: a plain object, a form post of it, or anything at all. */
function rawOf(fields: fc.Arbitrary<Record<string, unknown>>) {
  return fc.oneof(
    { weight: 4, arbitrary: fields },
    { weight: 1, arbitrary: fields.map(asFormData) },
    { weight: 1, arbitrary: nasty },
  );
}

function expectCleanAnswer(res: unknown, what: string) {
  stats.calls++;
  expect(res, what).toBeTypeOf('object');
  const r = res as { ok: unknown; error?: unknown; fieldErrors?: Record<string, unknown> };
  expect(typeof r.ok, what).toBe('boolean');
  if (r.ok) stats.ok++;
  else {
    stats.refused++;
    // A message for a person (overall or per field): no stack frames, no SQL or Prisma internals, and not the
    // "unexpected failure" fallback.
    const messages = [r.error, ...Object.values(r.fieldErrors ?? {})].filter((m) => m !== undefined);
    expect(messages.length, what).toBeGreaterThan(0);
    for (const m of messages) {
      expect(typeof m, what).toBe('string');
      expect(m as string, what).not.toMatch(
        /\n\s+at |prisma|invalid input syntax|SQLSTATE|Something went wrong on our side/i,
      );
    }
  }
}

describe('fuzzing the server actions', () => {
  it('movie actions: never throw, and the database ends exactly as the successful calls say', async () => {
    current.token = await tokenFor(memberId, 'USER');
    const ratings = new Map<number, number>();
    const watchlist = new Set<number>();
    const dismissed = new Set<number>();
    type Op = { kind: 'rate' | 'clear' | 'watch' | 'dismiss'; raw: unknown };
    const op: fc.Arbitrary<Op> = fc.oneof(
      rawOf(fc.record({ movieId, value: ratingValue })).map((raw) => ({ kind: 'rate' as const, raw })),
      rawOf(fc.record({ movieId })).map((raw) => ({ kind: 'clear' as const, raw })),
      rawOf(fc.record({ movieId, on: toggle })).map((raw) => ({ kind: 'watch' as const, raw })),
      rawOf(fc.record({ movieId, on: toggle })).map((raw) => ({ kind: 'dismiss' as const, raw })),
    );
    await fc.assert(
      fc.asyncProperty(op, async ({ kind, raw }) => {
        const fn = {
          rate: movieActions.rateMovieAction,
          clear: movieActions.clearRatingAction,
          watch: movieActions.setWatchlistAction,
          dismiss: movieActions.setDismissedAction,
        }[kind];
        const res = await fn(raw);
        expectCleanAnswer(res, `${kind}(${String(JSON.stringify(raw))?.slice(0, 200)})`);
        if (!res.ok) return;
        // A success was for valid input: mirror it in the model.
        const input = (raw instanceof FormData ? Object.fromEntries(raw) : raw) as {
          movieId: unknown;
          value?: unknown;
          on?: unknown;
        };
        const id = Number(input.movieId);
        if (kind === 'rate') ratings.set(id, Number(input.value));
        if (kind === 'clear') ratings.delete(id);
        const on = input.on === true || input.on === 'true';
        if (kind === 'watch') {
          if (on) watchlist.add(id);
          else watchlist.delete(id);
        }
        if (kind === 'dismiss') {
          if (on) dismissed.add(id);
          else dismissed.delete(id);
        }
      }),
      { numRuns: 400, seed: 19 },
    );
    const dbRatings = await sql<{ movieId: number; value: number }>(
      `SELECT "movieId", value FROM "Rating" WHERE "userId" = $1`,
      [memberId],
      scratch.url,
    );
    expect(new Map(dbRatings.map((r) => [r.movieId, r.value]))).toEqual(ratings);
    const dbWatch = await sql<{ movieId: number }>(
      `SELECT "movieId" FROM "WatchlistItem" WHERE "userId" = $1`,
      [memberId],
      scratch.url,
    );
    expect(new Set(dbWatch.map((r) => r.movieId))).toEqual(watchlist);
    const dbDismissed = await sql<{ movieId: number }>(
      `SELECT "movieId" FROM "Dismissal" WHERE "userId" = $1`,
      [memberId],
      scratch.url,
    );
    expect(new Set(dbDismissed.map((r) => r.movieId))).toEqual(dismissed);
    console.log(
      `[figures] fuzz movie actions: rows checked ${dbRatings.length + dbWatch.length + dbDismissed.length} (model: ${ratings.size} ratings, ${watchlist.size} watchlist, ${dismissed.size} dismissed)`,
    );
  }, 240_000);

  it('favourite genres, sign-up and the admin actions: never throw, never leak internals', async () => {
    current.token = await tokenFor(memberId, 'USER');
    await fc.assert(
      fc.asyncProperty(
        rawOf(
          fc.record({
            genres: fc.oneof(fc.array(fc.oneof(fc.constantFrom('Drama', 'Comedy'), nasty), { maxLength: 10 }), nasty),
          }),
        ),
        async (raw) => {
          expectCleanAnswer(
            await saveFavouriteGenresAction(raw),
            `genres(${String(JSON.stringify(raw))?.slice(0, 200)})`,
          );
        },
      ),
      { numRuns: 150, seed: 19 },
    );
    const genres = await sql<{ favouriteGenres: string[] }>(
      `SELECT "favouriteGenres" FROM "User" WHERE id = $1`,
      [memberId],
      scratch.url,
    );
    for (const g of genres[0].favouriteGenres) expect(g).not.toMatch(/\u0000/);

    const usersBefore = (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM "User"`, [], scratch.url))[0].n;
    let created = 0;
    current.token = null;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          name: nasty,
          email: fc.oneof(fc.emailAddress(), nasty),
          password: fc.oneof(fc.string({ minLength: 10, maxLength: 40 }), nasty),
        }),
        async (fields) => {
          const res = await signUpAction({ ok: false }, asFormData(fields));
          expectCleanAnswer(res, `signUp(${JSON.stringify(fields)?.slice(0, 200)})`);
          if (res.ok) created++;
        },
      ),
      { numRuns: 60, seed: 19 },
    );
    const usersAfter = (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM "User"`, [], scratch.url))[0].n;
    expect(usersAfter - usersBefore).toBeLessThanOrEqual(created); // a refused sign-up wrote nothing

    current.token = await tokenFor(adminId, 'ADMIN');
    await fc.assert(
      fc.asyncProperty(rawOf(fc.record({ versionId: nasty })), async (raw) => {
        expectCleanAnswer(
          await adminActions.activateVersionAction(raw),
          `activate(${String(JSON.stringify(raw))?.slice(0, 200)})`,
        );
      }),
      { numRuns: 100, seed: 19 },
    );
    // A member calling admin actions and a signed-out caller are refused with a message.
    current.token = await tokenFor(memberId, 'USER');
    expectCleanAnswer(await adminActions.activateVersionAction({ versionId: 1 }), 'member activate');
    current.token = null;
    expectCleanAnswer(await movieActions.rateMovieAction({ movieId: MOVIES[0], value: 4 }), 'signed-out rate');
    // Sign out everywhere with junk input is refused; with none it works and ends the session.
    current.token = await tokenFor(memberId, 'USER');
    expectCleanAnswer(await signOutEverywhereAction({ junk: '\u0000' }), 'signOutEverywhere(junk)');
    const bye = await signOutEverywhereAction(undefined);
    expect(bye.ok).toBe(true);
    const after = await movieActions.rateMovieAction({ movieId: MOVIES[0], value: 4 });
    expect(after).toMatchObject({ ok: false, code: 'UNAUTHORIZED' });
  }, 240_000);
});

describe('fuzzing the API routes and page parameters', () => {
  it('GET /api/for-you, /api/posters/[id] and the browse query answer below 500 for any input', async () => {
    current.token = await tokenFor(memberId, 'USER');
    const query = fc.dictionary(
      fc.constantFrom('cursor', 'limit', 'genre', 'yearFrom', 'yearTo', 'diversity', 'x'),
      fc.oneof(
        nasty.map((v) => String(v)),
        fc.string(),
      ),
      { maxKeys: 5 },
    );
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        const url = new URL('http://localhost/api/for-you');
        for (const [k, v] of Object.entries(q)) url.searchParams.set(k, v.replace(/[\ud800-\udfff]/g, ''));
        const req = new NextRequest(url, { headers: { cookie: `next-auth.session-token=${current.token}` } });
        const res = await forYouRoute.GET(req);
        stats.routeRequests++;
        expect(res.status, url.search).toBeLessThan(500);
        expect([200, 400, 429]).toContain(res.status);
      }),
      { numRuns: 150, seed: 19 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          nasty.map((v) => String(v)),
          fc.constantFrom(...MOVIES.map(String)),
        ),
        async (id) => {
          const res = await posterRoute.GET(new Request('http://localhost/api/posters/x'), {
            params: Promise.resolve({ movieId: id }),
          });
          stats.routeRequests++;
          expect([200, 302, 404], JSON.stringify(id)).toContain(res.status);
        },
      ),
      { numRuns: 150, seed: 19 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.constantFrom('page', 'genre', 'q', 'sort', 'keyword', 'personName', 'person'),
          fc.oneof(nasty, fc.array(fc.string(), { maxLength: 3 })),
          { maxKeys: 4 },
        ),
        async (sp) => {
          const query = BrowseQuery.parse(sp);
          await listMovies({ ...query, sort: query.sort === 'foryou' ? 'popular' : query.sort }); // what /movies renders: must not throw for any parameters
          stats.routeRequests++;
        },
      ),
      { numRuns: 150, seed: 19 },
    );
  }, 240_000);
});
