import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../lib/server/db';
import { getMemberImport } from '../../lib/server/data/member-imports';
import { confirmHistoryImport, previewHistoryImport } from '../../lib/server/services/history-import';
import { getSessionUser } from '../../lib/server/data/users';
import { likeMovie } from '../../lib/server/data/likes';
import { logWatch } from '../../lib/server/data/watches';
import { createUser, sql, uniqueMovieId } from './helpers';

// Titles unique to this run, so the matcher sees exactly these films whatever else the database holds.
const tag = randomBytes(3).toString('hex');
const T = {
  keeper: `Lantern Keeper ${tag}, The`,
  salt: `Salt, Smoke ${tag}`,
  orbit: `Orbit ${tag}`,
  twin: `Twin ${tag}`,
  harbor: `Harbor ${tag}`,
};
const ids: Record<keyof typeof T, number> & { twin2: number } = {} as never;

async function insertMovie(title: string, year: number): Promise<number> {
  const id = uniqueMovieId();
  await sql(`INSERT INTO "Movie" (id, title, year, "updatedAt") VALUES ($1, $2, $3, now())`, [id, title, year]);
  return id;
}

beforeAll(async () => {
  ids.keeper = await insertMovie(T.keeper, 1994);
  ids.salt = await insertMovie(T.salt, 2003);
  ids.orbit = await insertMovie(T.orbit, 2011);
  ids.twin = await insertMovie(T.twin, 2005);
  ids.twin2 = await insertMovie(T.twin, 2005);
  ids.harbor = await insertMovie(T.harbor, 1987);
});
afterAll(async () => {
  await db.$disconnect();
});

const bytes = (s: string) => new TextEncoder().encode(s);
const ratingsCsv = () =>
  bytes(
    [
      'Date,Name,Year,Letterboxd URI,Rating',
      `2019-02-03,The Lantern Keeper ${tag},1994,,4.5`,
      `2019-02-04,"Salt, Smoke ${tag}",2004,,3`, // year one off
      `2019-02-05,Twin ${tag},2005,,2`, // two films of that title and year
      `2019-02-06,No Such Film ${tag},2000,,1`,
      `2019-02-07,Orbit ${tag},2011,,9`, // out of range
    ].join('\n'),
  );

async function ratingsOf(userId: number) {
  return sql<{ movieId: number; value: number; createdAt: Date; updatedAt: Date }>(
    `SELECT "movieId", value, "createdAt", "updatedAt" FROM "Rating" WHERE "userId" = $1 ORDER BY "movieId"`,
    [userId],
  );
}
async function watchesOf(userId: number) {
  const rows = await sql<{ movieId: number; day: string; rewatch: boolean; rating: number | null }>(
    `SELECT "movieId", to_char("watchedOn", 'YYYY-MM-DD') AS day, rewatch, rating FROM "Watch" WHERE "userId" = $1 ORDER BY "watchedOn", rewatch, id`,
    [userId],
  );
  return rows.map((r) => [r.movieId, r.day, r.rewatch, r.rating]);
}
async function likesOf(userId: number) {
  const rows = await sql<{ movieId: number; day: string }>(
    `SELECT "movieId", to_char("createdAt", 'YYYY-MM-DD') AS day FROM "Like" WHERE "userId" = $1 ORDER BY "createdAt", "movieId"`,
    [userId],
  );
  return rows.map((r) => [r.movieId, r.day]);
}
const tasteVersion = async (userId: number) => (await getSessionUser(userId))!.tasteVersion;

describe('history import', () => {
  it('previews matched, ambiguous, unmatched and malformed rows, then writes the picks with their original dates', async () => {
    const userId = await createUser();
    const id = await previewHistoryImport(userId, 'ratings.csv', ratingsCsv());
    const { payload, status } = await getMemberImport(userId, id);
    expect(status).toBe('PREVIEW');
    expect(payload.rows.map((r) => [r.line, r.match, r.state])).toEqual([
      [2, 'matched', 'new'],
      [3, 'matched', 'new'],
      [4, 'ambiguous', 'new'],
      [5, 'unmatched', undefined],
    ]);
    expect(payload.rows[2].candidates).toEqual([ids.twin, ids.twin2]);
    expect(payload.malformed).toEqual([
      { file: 'ratings.csv', line: 6, reason: 'rating "9" is not between 0.5 and 5 in half stars' },
    ]);
    expect(await ratingsOf(userId)).toEqual([]); // a preview writes nothing of the member's

    const before = await tasteVersion(userId);
    const summary = await confirmHistoryImport(userId, {
      importId: id,
      conflicts: 'keep',
      perRow: {},
      picks: { 2: ids.twin2 },
    });
    expect(summary).toMatchObject({ ratingsAdded: 3, ratingsReplaced: 0, skipped: 0, unmatched: 1, malformed: 1 });
    const rows = await ratingsOf(userId);
    expect(
      rows.map((r) => [
        r.movieId,
        r.value,
        r.createdAt.toISOString().slice(0, 10),
        r.updatedAt.toISOString().slice(0, 10),
      ]),
    ).toEqual(
      [
        [ids.keeper, 4.5, '2019-02-03', '2019-02-03'],
        [ids.salt, 3, '2019-02-04', '2019-02-04'],
        [ids.twin2, 2, '2019-02-05', '2019-02-05'],
      ].sort((a, b) => (a[0] as number) - (b[0] as number)),
    );
    expect(await tasteVersion(userId)).toBe(before + 1); // For You's cache key moves: the next feed folds them in
  });

  it('re-importing the same file changes nothing (not even the taste version)', async () => {
    const userId = await createUser();
    const first = await previewHistoryImport(userId, 'ratings.csv', ratingsCsv());
    await confirmHistoryImport(userId, { importId: first, conflicts: 'keep', perRow: {}, picks: { 2: ids.twin } });
    const rows = await ratingsOf(userId);
    const version = await tasteVersion(userId);

    const again = await previewHistoryImport(userId, 'ratings.csv', ratingsCsv());
    const { payload } = await getMemberImport(userId, again);
    expect(payload.rows.filter((r) => r.match === 'matched').map((r) => r.state)).toEqual(['same', 'same']);
    const summary = await confirmHistoryImport(userId, {
      importId: again,
      conflicts: 'replace',
      perRow: {},
      picks: { 2: ids.twin },
    });
    expect(summary).toMatchObject({ ratingsAdded: 0, ratingsReplaced: 0, ratingsUnchanged: 3 });
    expect(await ratingsOf(userId)).toEqual(rows);
    expect(await tasteVersion(userId)).toBe(version);
  });

  it('keeps or replaces conflicting ratings: one choice for all, overridden per row', async () => {
    const userId = await createUser();
    await sql(
      `INSERT INTO "Rating" ("userId", "movieId", value, "updatedAt") VALUES ($1, $2, 1, now()), ($1, $3, 1, now())`,
      [userId, ids.keeper, ids.salt],
    );
    const id = await previewHistoryImport(userId, 'ratings.csv', ratingsCsv());
    const { payload } = await getMemberImport(userId, id);
    expect(payload.rows.slice(0, 2).map((r) => [r.state, r.existing])).toEqual([
      ['conflict', 1],
      ['conflict', 1],
    ]);
    // Keep everything except row 0, which is replaced.
    const summary = await confirmHistoryImport(userId, {
      importId: id,
      conflicts: 'keep',
      perRow: { 0: 'replace' },
      picks: {},
    });
    expect(summary).toMatchObject({ ratingsReplaced: 1, ratingsKept: 1, ratingsAdded: 0, skipped: 1 });
    const values = new Map((await ratingsOf(userId)).map((r) => [r.movieId, r.value]));
    expect(values.get(ids.keeper)).toBe(4.5);
    expect(values.get(ids.salt)).toBe(1);
  });

  it('writes in one transaction: a failure late in the import leaves everything as it was, and the preview can be retried', async () => {
    const userId = await createUser();
    const doomed = await insertMovie(`Doomed ${tag}`, 1999);
    const zipless = bytes(
      [
        'Letterboxd list export v7',
        'Date,Name,Tags,URL,Description',
        `2020-01-01,Doomed list ${tag},,,`,
        '',
        'Position,Name,Year,URL,Description',
        `1,The Lantern Keeper ${tag},1994,,`,
        `2,Doomed ${tag},1999,,`,
      ].join('\n'),
    );
    const id = await previewHistoryImport(userId, 'list.csv', zipless);
    // The catalogue loses a film between preview and confirm: the list insert fails after nothing else has.
    await sql(`DELETE FROM "Movie" WHERE id = $1`, [doomed]);
    await expect(
      confirmHistoryImport(userId, { importId: id, conflicts: 'keep', perRow: {}, picks: {} }),
    ).rejects.toThrow();
    expect(await sql(`SELECT 1 FROM "MovieList" WHERE "userId" = $1`, [userId])).toEqual([]);
    expect((await getMemberImport(userId, id)).status).toBe('PREVIEW');
  });

  it('never shows or applies another member’s preview', async () => {
    const owner = await createUser();
    const other = await createUser();
    const id = await previewHistoryImport(owner, 'ratings.csv', ratingsCsv());
    await expect(getMemberImport(other, id)).rejects.toThrow(/not there/);
    await expect(
      confirmHistoryImport(other, { importId: id, conflicts: 'keep', perRow: {}, picks: {} }),
    ).rejects.toThrow(/not there/);
  });

  it('imports diary entries into the diary and likes into likes, the watchlist with its date and lists in order', async () => {
    const userId = await createUser();
    const { zipSync } = await import('fflate');
    const zip = zipSync({
      'letterboxd-x/diary.csv': bytes(
        `Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n2020-01-02,Orbit ${tag},2011,,4,,,2020-01-01\n2020-02-02,Orbit ${tag},2011,,4,Yes,,2020-02-01\n`,
      ),
      'letterboxd-x/likes/films.csv': bytes(`Date,Name,Year,Letterboxd URI\n2020-03-03,Harbor ${tag},1987,\n`),
      'letterboxd-x/watchlist.csv': bytes(`Date,Name,Year,Letterboxd URI\n2020-04-04,Harbor ${tag},1987,\n`),
      'letterboxd-x/lists/best.csv': bytes(
        `Letterboxd list export v7\nDate,Name,Tags,URL,Description\n2020-01-01,Best ${tag},,,"Mine, all mine"\n\nPosition,Name,Year,URL,Description\n1,Orbit ${tag},2011,,\n2,Harbor ${tag},1987,,\n3,The Lantern Keeper ${tag},1994,,"a note"\n`,
      ),
    });
    const id = await previewHistoryImport(userId, 'letterboxd.zip', zip);
    const before = await tasteVersion(userId);
    const summary = await confirmHistoryImport(userId, { importId: id, conflicts: 'keep', perRow: {}, picks: {} });
    expect(summary).toMatchObject({
      watchesAdded: 2,
      likesAdded: 1,
      watchlistAdded: 1,
      listsCreated: 1,
      listItemsAdded: 3,
      ratingsAdded: 1,
    });
    expect(await watchesOf(userId)).toEqual([
      [ids.orbit, '2020-01-01', false, 4],
      [ids.orbit, '2020-02-01', true, 4],
    ]);
    expect(await likesOf(userId)).toEqual([[ids.harbor, '2020-03-03']]);
    expect(await tasteVersion(userId)).toBeGreaterThan(before);
    // Logged on the day watched (For You dates a watch by when it was logged), not at import time.
    const logged = await sql<{ day: string }>(
      `SELECT to_char("createdAt", 'YYYY-MM-DD') AS day FROM "Watch" WHERE "userId" = $1 ORDER BY "watchedOn"`,
      [userId],
    );
    expect(logged.map((r) => r.day)).toEqual(['2020-01-01', '2020-02-01']);
    const [w] = await sql<{ createdAt: Date }>(`SELECT "createdAt" FROM "WatchlistItem" WHERE "userId" = $1`, [userId]);
    expect(w.createdAt.toISOString().slice(0, 10)).toBe('2020-04-04');
    const items = await sql<{
      name: string;
      description: string;
      movieId: number;
      position: number;
      note: string | null;
    }>(
      `SELECT l.name, l.description, i."movieId", i.position, i.note FROM "MovieList" l JOIN "MovieListItem" i ON i."listId" = l.id WHERE l."userId" = $1 ORDER BY i.position`,
      [userId],
    );
    expect(items.map((i) => [i.name, i.description, i.movieId, i.position, i.note])).toEqual([
      [`Best ${tag}`, 'Mine, all mine', ids.orbit, 0, null],
      [`Best ${tag}`, 'Mine, all mine', ids.harbor, 1, null],
      [`Best ${tag}`, 'Mine, all mine', ids.keeper, 2, 'a note'],
    ]);
    // Again: nothing new anywhere.
    const again = await previewHistoryImport(userId, 'letterboxd.zip', zip);
    const settled = await tasteVersion(userId);
    expect(
      await confirmHistoryImport(userId, { importId: again, conflicts: 'keep', perRow: {}, picks: {} }),
    ).toMatchObject({
      watchesAdded: 0,
      likesAdded: 0,
      watchlistAdded: 0,
      listsCreated: 0,
      listItemsAdded: 0,
      ratingsAdded: 0,
    });
    expect(await watchesOf(userId)).toHaveLength(2);
    expect(await likesOf(userId)).toHaveLength(1);
    expect(await tasteVersion(userId)).toBe(settled);
  });

  it('dedupes a diary entry by movie, day and rewatch flag against what the member logged, and leaves out impossible dates', async () => {
    const userId = await createUser();
    // Logged in Reel: Orbit on 2021-05-05 (first viewing, rated 3 then), and a like of Harbor.
    await logWatch(userId, { movieId: ids.orbit, watchedOn: '2021-05-05', rewatch: false, rating: 3 });
    await likeMovie(userId, ids.harbor);
    const diary = bytes(
      [
        'Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date',
        `2021-05-06,Orbit ${tag},2011,,4.5,,,2021-05-05`, // same movie, day and flag: already there (its rating aside)
        `2021-05-06,Orbit ${tag},2011,,,Yes,,2021-05-05`, // a rewatch the same day: a second entry
        `2021-05-06,Orbit ${tag},2011,,,Yes,,2021-05-05`, // the same row twice in the file: once
        `2021-05-06,Harbor ${tag},1987,,,,,1869-12-31`, // before cinema
        `2021-05-06,Harbor ${tag},1987,,,,,2999-01-01`, // in the future
      ].join('\n'),
    );
    const likes = bytes(
      `Date,Name,Year,Letterboxd URI\n2021-06-06,Harbor ${tag},1987,\n2021-06-07,Orbit ${tag},2011,\n`,
    );
    const { zipSync } = await import('fflate');
    const id = await previewHistoryImport(
      userId,
      'letterboxd.zip',
      zipSync({ 'x/diary.csv': diary, 'x/likes/films.csv': likes }),
    );
    const summary = await confirmHistoryImport(userId, { importId: id, conflicts: 'keep', perRow: {}, picks: {} });
    expect(summary).toMatchObject({ watchesAdded: 1, likesAdded: 1, watchesOutOfRange: 2 });
    expect(await watchesOf(userId)).toEqual([
      [ids.orbit, '2021-05-05', false, 3],
      [ids.orbit, '2021-05-05', true, null],
    ]);
    expect((await likesOf(userId)).map(([m]) => m).sort()).toEqual([ids.orbit, ids.harbor].sort());
    // The page shows what the summary stored.
    expect((await getMemberImport(userId, id)).summary).toMatchObject({ watchesAdded: 1, likesAdded: 1 });
  });

  it('writes no watch or like when the confirm fails part-way (one transaction)', async () => {
    const userId = await createUser();
    const doomed = await insertMovie(`Doomed Two ${tag}`, 1998);
    const { zipSync } = await import('fflate');
    const zip = zipSync({
      'x/diary.csv': bytes(
        `Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n2020-01-02,Orbit ${tag},2011,,4,,,2020-01-01\n`,
      ),
      'x/likes/films.csv': bytes(`Date,Name,Year,Letterboxd URI\n2020-03-03,Harbor ${tag},1987,\n`),
      'x/lists/l.csv': bytes(
        `Letterboxd list export v7\nDate,Name,Tags,URL,Description\n2020-01-01,Fails ${tag},,,\n\nPosition,Name,Year,URL,Description\n1,Doomed Two ${tag},1998,,\n`,
      ),
    });
    const id = await previewHistoryImport(userId, 'letterboxd.zip', zip);
    await sql(`DELETE FROM "Movie" WHERE id = $1`, [doomed]);
    const before = await tasteVersion(userId);
    await expect(
      confirmHistoryImport(userId, { importId: id, conflicts: 'keep', perRow: {}, picks: {} }),
    ).rejects.toThrow();
    expect(await watchesOf(userId)).toEqual([]);
    expect(await likesOf(userId)).toEqual([]);
    expect(await tasteVersion(userId)).toBe(before);
  });

  it('refuses an unknown file with a message and an oversized one with the limit', async () => {
    const userId = await createUser();
    await expect(previewHistoryImport(userId, 'x.csv', bytes('a,b\n1,2\n'))).rejects.toThrow(
      /not a Letterboxd, IMDb or MovieLens export/,
    );
    await expect(previewHistoryImport(userId, 'x.csv', new Uint8Array(21 * 1024 * 1024))).rejects.toThrow(
      /the limit is 20 MB/,
    );
  });

  it('confirms a preview once; a second confirm is refused with a conflict', async () => {
    const userId = await createUser();
    const id = await previewHistoryImport(userId, 'ratings.csv', ratingsCsv());
    await confirmHistoryImport(userId, { importId: id, conflicts: 'keep', perRow: {}, picks: {} });
    await expect(
      confirmHistoryImport(userId, { importId: id, conflicts: 'keep', perRow: {}, picks: {} }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
