import { randomBytes } from 'node:crypto';
import { strToU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../lib/server/db';
import { getMemberData } from '../../lib/server/data/member-export';
import { addToList, createList, listSeedMovieIds, getViewableList, reorderList } from '../../lib/server/data/lists';
import { deleteMemberAccount } from '../../lib/server/data/account';
import { getSessionUser } from '../../lib/server/data/users';
import { snapshotRatings } from '../../lib/server/data/models';
import { exportLetterboxdZip, exportMemberJson, letterboxdFiles } from '../../lib/server/services/history-export';
import { confirmHistoryImport, previewHistoryImport } from '../../lib/server/services/history-import';
import { getMemberImport } from '../../lib/server/data/member-imports';
import { createUser, sql, uniqueMovieId } from './helpers';

const tag = randomBytes(3).toString('hex');
const ORIGIN = 'http://reel.test';
let movies: number[];

async function insertMovie(title: string, year: number): Promise<number> {
  const id = uniqueMovieId();
  await sql(`INSERT INTO "Movie" (id, title, year, "updatedAt") VALUES ($1, $2, $3, now())`, [id, title, year]);
  return id;
}

beforeAll(async () => {
  movies = [
    await insertMovie(`Matrix ${tag}, The`, 1999),
    await insertMovie(`=HYPERLINK ${tag}`, 2001), // a title a spreadsheet would run
    await insertMovie(`Twin ${tag}`, 2005),
    await insertMovie(`Twin ${tag}`, 2005), // same title and year: only the id in the URI tells them apart
  ];
});
afterAll(async () => {
  await db.$disconnect();
});

async function richMember(): Promise<number> {
  const userId = await createUser({ email: `x-${randomBytes(4).toString('hex')}@it.reel.local` });
  await sql(
    `INSERT INTO "Rating" ("userId", "movieId", value, "createdAt", "updatedAt") VALUES ($1, $2, 4.5, '2020-01-01', '2020-01-02'), ($1, $3, 2, '2020-02-01', '2020-02-01'), ($1, $4, 3.5, now(), now())`,
    [userId, movies[0], movies[1], movies[3]],
  );
  await sql(`INSERT INTO "WatchlistItem" ("userId", "movieId", "createdAt") VALUES ($1, $2, '2021-05-05')`, [
    userId,
    movies[2],
  ]);
  // The diary: a first viewing and a rewatch of one film on the same day (the rewatch rated), another film unrated.
  await sql(
    `INSERT INTO "Watch" ("userId", "movieId", "watchedOn", rewatch, rating, "createdAt", "updatedAt") VALUES ($1, $2, '2019-03-03', false, null, '2019-03-04', now()), ($1, $2, '2019-03-03', true, 4.5, '2019-03-04', now()), ($1, $3, '2018-07-07', false, null, now(), now())`,
    [userId, movies[0], movies[2]],
  );
  await sql(`INSERT INTO "Like" ("userId", "movieId", "createdAt") VALUES ($1, $2, '2019-04-04 15:00')`, [
    userId,
    movies[1],
  ]);
  const list = await createList(userId, { name: `Faves, ${tag}`, description: '-- the best --' });
  for (const id of [movies[3], movies[0], movies[1]]) await addToList(userId, list, id);
  return userId;
}

async function state(userId: number) {
  const d = await getMemberData(userId);
  return {
    ratings: d.ratings.map((r) => [r.movie.id, r.value, r.createdAt.toISOString(), r.updatedAt.toISOString()]),
    watchlist: d.watchlist.map((w) => [w.movie.id, w.createdAt.toISOString()]),
    watches: d.watches.map((w) => [
      w.movie.id,
      w.watchedOn.toISOString(),
      w.rewatch,
      w.rating,
      w.createdAt.toISOString(),
    ]),
    likes: d.likes.map((l) => [l.movie.id, l.createdAt.toISOString()]),
    lists: d.lists.map((l) => [l.name, l.description, l.items.map((it) => it.movie.id)]),
    tasteVersion: (await getSessionUser(userId))!.tasteVersion,
  };
}

describe('export', () => {
  it('writes Letterboxd files with formula cells escaped', async () => {
    const files = letterboxdFiles(await getMemberData(await richMember()), ORIGIN);
    expect(files['ratings.csv'].split('\n')[0]).toBe('Date,Name,Year,Letterboxd URI,Rating');
    expect(files['ratings.csv']).toContain(`2020-01-02,The Matrix ${tag},1999,${ORIGIN}/movies/${movies[0]},4.5`);
    expect(files['ratings.csv']).toContain(`'=HYPERLINK ${tag}`);
    expect(files['ratings.csv']).not.toMatch(/(^|,)=HYPERLINK/m);
    const list = Object.entries(files).find(([p]) => p.startsWith('lists/'))!;
    expect(list[0]).toBe(`lists/faves-${tag}.csv`);
    expect(list[1]).toContain(`"Faves, ${tag}"`);
    expect(list[1]).toContain(`'-- the best --`);
    expect(files['diary.csv'].split('\n')[0]).toBe('Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date');
    expect(files['diary.csv']).toContain(
      `2019-03-04,The Matrix ${tag},1999,${ORIGIN}/movies/${movies[0]},4.5,Yes,,2019-03-03`,
    );
    expect(files['diary.csv']).toContain(
      `2019-03-04,The Matrix ${tag},1999,${ORIGIN}/movies/${movies[0]},,,,2019-03-03`,
    );
    expect(files['likes/films.csv']).toContain(`2019-04-04,'=HYPERLINK ${tag},2001,${ORIGIN}/movies/${movies[1]}`);
    expect(list[1].split('\n').slice(4, 6)).toEqual([
      'Position,Name,Year,URL,Description',
      `1,Twin ${tag},2005,${ORIGIN}/movies/${movies[3]},`,
    ]);
  });

  it('export then import is a no-op (zip with ratings, watchlist, diary, likes and a list)', async () => {
    const userId = await richMember();
    const before = await state(userId);
    const zip = await exportLetterboxdZip(userId, ORIGIN);
    const id = await previewHistoryImport(userId, 'reel-export.zip', zip);
    const { payload } = await getMemberImport(userId, id);
    expect(payload.malformed).toEqual([]);
    expect(payload.rows.filter((r) => r.match !== 'matched')).toEqual([]);
    expect(payload.rows.filter((r) => r.kind === 'rating').map((r) => r.state)).toEqual(['same', 'same', 'same']);
    const summary = await confirmHistoryImport(userId, { importId: id, conflicts: 'replace', perRow: {}, picks: {} });
    expect(summary).toMatchObject({
      ratingsAdded: 0,
      ratingsReplaced: 0,
      watchlistAdded: 0,
      listsCreated: 0,
      listItemsAdded: 0,
      watchesAdded: 0,
      likesAdded: 0,
    });
    expect(before.watches).toHaveLength(3);
    expect(before.likes).toHaveLength(1);
    expect(await state(userId)).toEqual(before);
  });

  it('an exported list imported by another member becomes their list, in order', async () => {
    const owner = await richMember();
    const zip = unzipSync(await exportLetterboxdZip(owner, ORIGIN));
    const listFile = Object.keys(zip).find((p) => p.includes('/lists/'))!;
    const other = await createUser();
    const id = await previewHistoryImport(other, 'list.csv', zip[listFile]);
    await confirmHistoryImport(other, { importId: id, conflicts: 'keep', perRow: {}, picks: {} });
    expect((await state(other)).lists).toEqual([
      [`Faves, ${tag}`, '-- the best --', [movies[3], movies[0], movies[1]]],
    ]);
  });

  it('writes everything about the member as JSON, without the password hash', async () => {
    const userId = await richMember();
    const json = JSON.parse(await exportMemberJson(userId));
    expect(json.ratings).toHaveLength(3);
    expect(json.lists[0].items.map((i: { movieId: number }) => i.movieId)).toEqual([movies[3], movies[0], movies[1]]);
    expect(json.diary).toEqual([
      expect.objectContaining({ movieId: movies[2], watchedOn: '2018-07-07', rewatch: false, rating: null }),
      expect.objectContaining({ movieId: movies[0], watchedOn: '2019-03-03', rewatch: false, rating: null }),
      expect.objectContaining({ movieId: movies[0], watchedOn: '2019-03-03', rewatch: true, rating: 4.5 }),
    ]);
    expect(json.likes).toEqual([
      expect.objectContaining({ movieId: movies[1], likedAt: expect.stringMatching(/^2019-04-04T15:00/) }),
    ]);
    expect(JSON.stringify(json)).not.toMatch(/passwordHash/);
  });
});

describe('lists', () => {
  it('reorders, refuses a stale order, and keeps private lists from other members', async () => {
    const owner = await richMember();
    const other = await createUser();
    const [list] = (await getMemberData(owner)).lists;
    await reorderList(owner, list.id, [movies[1], movies[3], movies[0]]);
    expect((await getViewableList(owner, list.id)).items.map((i) => i.movieId)).toEqual([
      movies[1],
      movies[3],
      movies[0],
    ]);
    await expect(reorderList(owner, list.id, [movies[1], movies[3]])).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(getViewableList(other, list.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(getViewableList(null, list.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(addToList(other, list.id, movies[2])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(reorderList(other, list.id, [movies[1], movies[3], movies[0]])).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await listSeedMovieIds(other, list.id)).toEqual([]);
    await sql(`UPDATE "MovieList" SET "isPublic" = true WHERE id = $1`, [list.id]);
    expect((await getViewableList(null, list.id)).items).toHaveLength(3);
    expect(await listSeedMovieIds(other, list.id)).toEqual([movies[1], movies[3], movies[0]]);
  });
});

describe('account deletion', () => {
  it('removes every personal row in one go; the session user, the training snapshot and the lists are gone', async () => {
    const userId = await richMember();
    await sql(`INSERT INTO "Dismissal" ("userId", "movieId") VALUES ($1, $2)`, [userId, movies[2]]);
    const imp = await previewHistoryImport(
      userId,
      'r.csv',
      strToU8('Date,Name,Year,Letterboxd URI,Rating\n2020-01-01,x,2000,,3\n'),
    );
    expect(imp).toBeGreaterThan(0);
    const listId = (await getMemberData(userId)).lists[0].id;
    expect((await snapshotRatings()).userIds.includes(userId)).toBe(true);

    await deleteMemberAccount(userId);

    expect(await getSessionUser(userId)).toBeNull(); // every request re-reads the user: all sessions end now
    expect((await snapshotRatings()).userIds.includes(userId)).toBe(false); // the next recompute does not see them
    for (const table of [
      'Rating',
      'WatchlistItem',
      'Dismissal',
      'MovieList',
      'Watch',
      'Like',
      'MemberImport',
      'Session',
      'Account',
    ]) {
      expect(await sql(`SELECT 1 FROM "${table}" WHERE "userId" = $1`, [userId]), table).toEqual([]);
    }
    expect(await sql(`SELECT 1 FROM "MovieListItem" WHERE "listId" = $1`, [listId])).toEqual([]);
    await expect(deleteMemberAccount(userId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('is all or nothing: a failure inside the transaction leaves the account whole', async () => {
    const userId = await richMember();
    // A row that blocks the user delete (no cascade) makes the last statement fail after the others ran.
    await sql(`CREATE TABLE IF NOT EXISTS "it_block_${tag}" ("userId" int REFERENCES "User"(id))`);
    await sql(`INSERT INTO "it_block_${tag}" VALUES ($1)`, [userId]);
    await expect(deleteMemberAccount(userId)).rejects.toThrow();
    const after = await state(userId);
    expect(after.ratings).toHaveLength(3);
    expect(after.lists).toHaveLength(1);
    await sql(`DROP TABLE "it_block_${tag}"`);
  });
});
