import { encode } from 'next-auth/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forYouApi } from '../../lib/server/api/for-you';
import { db } from '../../lib/server/db';
import { buildForYouFeed } from '../../lib/server/services/for-you';
import { FeedQuery } from '../../lib/validation/feed';
import { deleteRating, upsertRating } from '../../lib/server/data/ratings';
import { dismissMovie, undismissMovie } from '../../lib/server/data/dismissals';
import { getSessionUser } from '../../lib/server/data/users';
import { getForYouFeed } from '../../lib/server/services/feed-cache';
import { createMovies, createUser, sql } from './helpers';

// Eight movies, each rated 5 by 40 imported raters, so they top the Bayesian-average popularity ranking.
let hits: number[];

beforeAll(async () => {
  hits = await createMovies(['Hit 1', 'Hit 2', 'Hit 3', 'Hit 4', 'Hit 5', 'Hit 6', 'Hit 7', 'Hit 8']);
  const raters = (
    await sql<{ id: number }>(
      `INSERT INTO "User" (name, kind, "updatedAt") SELECT 'Rater ' || k, 'MEMBER', now() FROM generate_series(1, 40) AS k RETURNING id`,
    )
  ).map((r) => r.id);
  await sql(
    `INSERT INTO "Rating" ("userId", "movieId", value, "updatedAt")
     SELECT u, m, 5, now() FROM unnest($1::int[]) AS u CROSS JOIN unnest($2::int[]) AS m`,
    [raters, hits],
  );
});
afterAll(async () => {
  await db.$disconnect();
});

describe('buildForYouFeed', () => {
  it('recommends the most popular movies to a user with no history', async () => {
    const userId = await createUser();
    const feed = (await buildForYouFeed(userId, FeedQuery.parse({ limit: 8, diversity: 0 }))).items;
    expect(feed.map((f) => f.movie.id).sort()).toEqual([...hits].sort());
    for (const item of feed) {
      expect(item.source).toBe('popular');
      expect(item.reason).toMatch(/Popular/);
      expect(item.predicted).toBeGreaterThanOrEqual(0.5);
      expect(item.predicted).toBeLessThanOrEqual(5);
    }
  });

  it('never returns a movie the user rated or dismissed', async () => {
    const userId = await createUser();
    await upsertRating(userId, hits[0], 1);
    await upsertRating(userId, hits[3], 5);
    await dismissMovie(userId, hits[5]);
    await dismissMovie(userId, hits[6]);

    const feed = (await buildForYouFeed(userId, FeedQuery.parse({ limit: 60, diversity: 0 }))).items;
    const ids = new Set(feed.map((f) => f.movie.id));
    for (const excluded of [hits[0], hits[3], hits[5], hits[6]]) expect(ids.has(excluded)).toBe(false);
    for (const kept of [hits[1], hits[2], hits[4], hits[7]]) expect(ids.has(kept)).toBe(true);
    expect(
      feed
        .slice(0, 4)
        .map((f) => f.movie.id)
        .sort(),
    ).toEqual([hits[1], hits[2], hits[4], hits[7]].sort());
  });
});

describe('getForYouFeed (per-user cache)', () => {
  const ids = (f: { page: { items: { movie: { id: number } }[] } }) => f.page.items.map((i) => i.movie.id);

  it('serves a repeat from the cache and recomputes after every rating or "not interested" change', async () => {
    const userId = await createUser();
    const me = async () => (await getSessionUser(userId))!;
    const q = FeedQuery.parse({ limit: 8, diversity: 0 });

    const first = await getForYouFeed(await me(), q);
    expect(first.hit).toBe(false);
    const again = await getForYouFeed(await me(), q);
    expect(again.hit).toBe(true);
    expect(again.page).toEqual(first.page);
    // Another page or other filters are other entries.
    expect((await getForYouFeed(await me(), { ...q, cursor: 4 })).hit).toBe(false);

    await upsertRating(userId, hits[2], 4.5);
    const rated = await getForYouFeed(await me(), q);
    expect(rated.hit).toBe(false);
    expect(ids(rated)).not.toContain(hits[2]);

    await dismissMovie(userId, hits[4]);
    const dismissed = await getForYouFeed(await me(), q);
    expect(dismissed.hit).toBe(false);
    expect(ids(dismissed)).not.toContain(hits[4]);

    await deleteRating(userId, hits[2]);
    await undismissMovie(userId, hits[4]);
    const undone = await getForYouFeed(await me(), q);
    expect(undone.hit).toBe(false);
    expect(ids(undone).sort()).toEqual([...hits].sort());
  });

  it('leaves the taste version alone when a write fails (same transaction)', async () => {
    const userId = await createUser();
    const before = (await getSessionUser(userId))!.tasteVersion;
    await expect(upsertRating(userId, 987_654_321, 4)).rejects.toThrow(/no longer in the catalogue/);
    await expect(dismissMovie(userId, 987_654_321)).rejects.toThrow(/no longer in the catalogue/);
    expect((await getSessionUser(userId))!.tasteVersion).toBe(before);
    await upsertRating(userId, hits[0], 3);
    expect((await getSessionUser(userId))!.tasteVersion).toBe(before + 1);
  });
});

describe('forYouApi (GET /api/for-you, shared by the route handler and the server fast path)', () => {
  const secret = process.env.NEXTAUTH_SECRET!;
  // A session token as sign-in mints it: the member, their session version (0 for a new member) and a session id.
  const cookiesFor = async (userId: number) => ({
    cookies: {
      'next-auth.session-token': await encode({ token: { sub: String(userId), sv: 0, sid: `it-${userId}` }, secret }),
    },
  });
  const json = (body: Uint8Array) =>
    JSON.parse(new TextDecoder().decode(body)) as {
      items?: { movie: { id: number } }[];
      error?: string;
      code?: string;
    };

  it('answers a signed-in member with their page, then the same bytes from the cache after a write-free repeat', async () => {
    const userId = await createUser();
    await upsertRating(userId, hits[1], 5);
    const req = await cookiesFor(userId);
    const first = await forYouApi(req, new URLSearchParams('limit=5&diversity=0'));
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('application/json');
    expect(first.headers['x-feed-cache']).toBe('miss');
    const items = json(first.body).items!;
    expect(items).toHaveLength(5);
    expect(items.map((i) => i.movie.id)).not.toContain(hits[1]);
    const again = await forYouApi(req, new URLSearchParams('limit=5&diversity=0'));
    expect(again.headers['x-feed-cache']).toBe('hit');
    expect(Buffer.from(again.body).equals(Buffer.from(first.body))).toBe(true);
    // A rating changes the next answer at once.
    await upsertRating(userId, items[0].movie.id, 4);
    const after = await forYouApi(req, new URLSearchParams('limit=5&diversity=0'));
    expect(after.headers['x-feed-cache']).toBe('miss');
    expect(json(after.body).items!.map((i) => i.movie.id)).not.toContain(items[0].movie.id);
  });

  it('401 without a session, with a forged token, or for a deleted account; 400 with the field on bad input', async () => {
    const none = await forYouApi({ cookies: {} }, new URLSearchParams());
    expect(none.status).toBe(401);
    expect(json(none.body)).toEqual({ error: 'Please sign in first.', code: 'UNAUTHORIZED' });
    const forged = await encode({ token: { sub: '1' }, secret: `${secret}-not-ours` });
    expect((await forYouApi({ cookies: { 'next-auth.session-token': forged } }, new URLSearchParams())).status).toBe(
      401,
    );

    const userId = await createUser();
    const req = await cookiesFor(userId);
    const bad = await forYouApi(req, new URLSearchParams('limit=0'));
    expect(bad.status).toBe(400);
    expect(json(bad.body).error).toMatch(/^limit: /);
    expect(json(bad.body).code).toBe('INVALID');
    const range = await forYouApi(req, new URLSearchParams('yearFrom=2000&yearTo=1990'));
    expect(range.status).toBe(400);
    expect(json(range.body).error).toBe('yearFrom: must not be later than To year');

    await sql(`DELETE FROM "User" WHERE id = $1`, [userId]);
    expect((await forYouApi(req, new URLSearchParams())).status).toBe(401);
  });
});
