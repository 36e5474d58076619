import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyCatalogue,
  importCatalogue,
  previewCatalogue,
  readCatalogue,
  recoverInterruptedReloads,
  RejectThresholdError,
  type ImportReport,
} from '../../lib/server/services/catalogue-import';
import { listStages, ReloadStoppedError, stageCatalogue, switchStagedCatalogue } from '../../lib/server/data/catalogue';
import { getMovie } from '../../lib/server/data/movies';
import { upsertRating } from '../../lib/server/data/ratings';
import { refreshStats } from '../../lib/server/data/stats';
import { addToWatchlist, listWatchlist } from '../../lib/server/data/watchlist';
import { writeSyntheticCatalogue } from '../fixtures/synthetic-catalogue';
import { createUser, FIXTURE_DATA_DIR, sql, uniqueEmail, uniqueMovieId } from './helpers';

const FIXTURE_IDS = [1, 2, 3, 4, 5];

async function counts() {
  const [row] = await sql<Record<string, number>>(
    `SELECT
       (SELECT count(*)::int FROM "Movie" WHERE id = ANY($1::int[])) AS movies,
       (SELECT count(*)::int FROM "MovieGenre" WHERE "movieId" = ANY($1::int[])) AS "movieGenres",
       (SELECT count(*)::int FROM "Credit" WHERE "movieId" = ANY($1::int[])) AS credits,
       (SELECT count(*)::int FROM "MovieKeyword" WHERE "movieId" = ANY($1::int[])) AS "movieKeywords",
       (SELECT count(*)::int FROM "User" WHERE kind = 'IMPORTED' AND "movielensId" IN (1, 2, 3)) AS "importedUsers",
       (SELECT count(*)::int FROM "Rating" r JOIN "User" u ON u.id = r."userId" WHERE u."movielensId" IN (1, 2, 3)) AS ratings,
       (SELECT count(*)::int FROM "Tag" WHERE "movieId" = ANY($1::int[])) AS tags`,
    [FIXTURE_IDS],
  );
  return row;
}

/** Everything a reload may touch for these movies, as one comparable value (ids of credits included). */
async function snapshot(ids: number[]) {
  const q = (text: string) => sql(text, [ids]);
  return {
    movies: await q(
      `SELECT id, "tmdbId", "imdbId", title, "originalTitle", year, overview, runtime, "releaseDate"::text, "voteCount", "ratingCount", "ratingMean", "updatedAt" FROM "Movie" WHERE id = ANY($1::int[]) ORDER BY id`,
    ),
    genres: await q(`SELECT "movieId", "genreId" FROM "MovieGenre" WHERE "movieId" = ANY($1::int[]) ORDER BY 1, 2`),
    credits: await q(
      `SELECT id, "movieId", "personId", kind, "order", character FROM "Credit" WHERE "movieId" = ANY($1::int[]) ORDER BY id`,
    ),
    keywords: await q(
      `SELECT "movieId", "keywordId" FROM "MovieKeyword" WHERE "movieId" = ANY($1::int[]) ORDER BY 1, 2`,
    ),
    tags: await q(`SELECT id, "userId", "movieId", tag FROM "Tag" WHERE "movieId" = ANY($1::int[]) ORDER BY id`),
    ratings: await q(
      `SELECT "userId", "movieId", value, "updatedAt" FROM "Rating" WHERE "movieId" = ANY($1::int[]) ORDER BY 1, 2`,
    ),
    fingerprints: await q(
      `SELECT "movieId", hash FROM "CatalogueFingerprint" WHERE "movieId" = ANY($1::int[]) ORDER BY 1`,
    ),
    importedUsers: (await sql(`SELECT count(*)::int AS n FROM "User" WHERE kind = 'IMPORTED'`))[0].n,
    genreNames: (await sql(`SELECT count(*)::int AS n FROM "Genre"`))[0].n,
    people: (await sql(`SELECT count(*)::int AS n FROM "Person"`))[0].n,
  };
}

let first: ImportReport;

beforeAll(async () => {
  first = await importCatalogue(FIXTURE_DATA_DIR);
});

describe('catalogue reload (hand-made fixture)', () => {
  it('reports what it read and wrote', () => {
    expect(first).toMatchObject({ movies: 5, importedUsers: 3, ratings: 7, ratingsSkipped: 1, tags: 2 });
    expect(first.added + first.updated + first.unchanged).toBe(5);
    expect(first.longestTransactionMs).toBeGreaterThan(0);
  });

  it('reports each malformed rating row with its file and line, and skips it', async () => {
    expect(first.issueCount).toBe(2);
    expect(first.issues).toEqual([
      expect.objectContaining({ file: 'ratings.csv', line: 6 }),
      expect.objectContaining({ file: 'ratings.csv', line: 11 }),
    ]);
    const [{ n }] = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM "Rating" r JOIN "User" u ON u.id = r."userId"
       WHERE (u."movielensId" = 2 AND r."movieId" = 3) OR (u."movielensId" = 3 AND r."movieId" = 2)`,
    );
    expect(n).toBe(0);
  });

  it('lands movies with their TMDB fields, genres, directors, cast in billing order and keywords', async () => {
    const salt = await getMovie(2);
    expect(salt).toMatchObject({
      title: 'Salt, Smoke and Mirrors',
      year: 2003,
      genres: ['Comedy', 'Crime'],
      runtime: 95,
      releaseDate: '2003-09-05',
      originalLanguage: 'fr',
      tmdbId: 90002,
      imdbId: '0900002',
      posterPath: '/fixture-salt.jpg',
      keywords: ['heist', 'storm'],
    });
    expect(salt.directors.map((d) => d.name).sort()).toEqual(['Rafe Lindqvist', 'Sunniva Holt']);
    expect(salt.cast.map((c) => c.name)).toEqual(['Mara Ellingsworth', 'Pavel Dorn']);
    // TMDB's original title is stored and shown when it differs from the display title; an empty cell stays null.
    expect(salt.originalTitle).toBe('Sel et fumée');
    expect(
      await sql(`SELECT id, "originalTitle" FROM "Movie" WHERE id = ANY($1::int[]) ORDER BY id`, [FIXTURE_IDS]),
    ).toEqual([
      { id: 1, originalTitle: null },
      { id: 2, originalTitle: 'Sel et fumée' },
      { id: 3, originalTitle: null },
      { id: 4, originalTitle: null },
      { id: 5, originalTitle: null },
    ]);
    const orbit = await getMovie(3);
    expect(orbit.cast).toEqual([expect.objectContaining({ name: 'Juno Abara', character: 'Satellite (voice)' })]);
    expect(orbit.runtime).toBe(89);
    const lantern = await getMovie(1);
    expect(lantern.cast.map((c) => c.name)).toEqual(['Mara Ellingsworth', 'Tobias Quell', 'Ines Varga']);
    expect(lantern.directors[0].id).toBe(orbit.directors[0].id);
    expect(lantern.tags).toEqual(['lighthouse']);
    const quarry = await getMovie(5);
    expect(quarry).toMatchObject({
      title: 'Untitled Quarry Project',
      year: null,
      genres: [],
      tmdbId: null,
      overview: null,
      cast: [],
    });
  });

  it('creates non-login imported users with their ratings and refreshes the rating stats', async () => {
    const users = await sql(
      `SELECT "movielensId", kind, email, "passwordHash" FROM "User" WHERE "movielensId" IN (1, 2, 3) ORDER BY "movielensId"`,
    );
    expect(users).toEqual(
      [1, 2, 3].map((movielensId) => ({ movielensId, kind: 'IMPORTED', email: null, passwordHash: null })),
    );
    const stats = await sql(
      `SELECT id, "ratingCount", "ratingMean" FROM "Movie" WHERE id = ANY($1::int[]) ORDER BY id`,
      [FIXTURE_IDS],
    );
    expect(stats).toEqual([
      { id: 1, ratingCount: 2, ratingMean: 4.25 },
      { id: 2, ratingCount: 1, ratingMean: 3.5 },
      { id: 3, ratingCount: 2, ratingMean: 4.5 },
      { id: 4, ratingCount: 1, ratingMean: 2 },
      { id: 5, ratingCount: 1, ratingMean: 0.5 },
    ]);
  });

  it('is idempotent: the same files twice change no row, not even a timestamp', async () => {
    const before = await snapshot(FIXTURE_IDS);
    expect(await counts()).toEqual({
      movies: 5,
      movieGenres: 8,
      credits: 10,
      movieKeywords: 4,
      importedUsers: 3,
      ratings: 7,
      tags: 2,
    });
    const again = await importCatalogue(FIXTURE_DATA_DIR);
    expect(again).toMatchObject({ added: 0, updated: 0, unchanged: 5, ratingsWritten: 0, movies: 5, ratings: 7 });
    expect(await snapshot(FIXTURE_IDS)).toEqual(before);
  });

  it('previews without writing anything', async () => {
    const before = await snapshot(FIXTURE_IDS);
    const preview = await previewCatalogue(FIXTURE_DATA_DIR);
    expect(preview).toMatchObject({ movies: 5, added: 0, updated: 0, unchanged: 5, rejected: 2 });
    expect(preview.rowsRead).toBeGreaterThan(20);
    expect(await snapshot(FIXTURE_IDS)).toEqual(before);
  });
});

describe('catalogue reload (generated catalogues)', () => {
  const root = mkdtempSync(join(tmpdir(), 'reel-reload-'));
  const N = 120;
  const firstId = uniqueMovieId();
  for (let i = 1; i < N + 200; i++) uniqueMovieId(); // reserve the id range
  const v1 = writeSyntheticCatalogue(join(root, 'v1'), { movies: N, firstId, seed: 1 });
  const v2 = writeSyntheticCatalogue(join(root, 'v2'), {
    movies: N + 20,
    firstId,
    seed: 2,
    titleSuffix: ' (restored)',
  });
  const ids = v2.ids;
  let member: number;

  beforeAll(async () => {
    await applyCatalogue(v1.dir);
    member = await createUser({ email: uniqueEmail('reload') });
    await upsertRating(member, ids[0], 4.5);
    await upsertRating(member, ids[N - 1], 2);
    await addToWatchlist(member, ids[1]);
    await refreshStats(); // members' ratings reach the denormalised counts at the next refresh; start from fresh ones
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('plans the second version as updates and additions', async () => {
    const preview = await previewCatalogue(v2.dir);
    expect(preview).toMatchObject({ movies: N + 20, added: 20, updated: N, unchanged: 0, rejected: 0 });
  });

  it('leaves the previous catalogue untouched when the reload is killed halfway through the switch', async () => {
    const before = await snapshot(ids);
    const key = 'ittestkill';
    const parsed = await readCatalogue(v2.dir);
    await stageCatalogue(key, parsed.plan.movies, parsed.ratings, parsed.tags);
    // Batches of 10 movies: the "kill" lands after several movie batches were committed.
    await expect(switchStagedCatalogue(key, () => {}, { movieBatchSize: 10, failAfterBatches: 9 })).rejects.toThrow(
      /killed/,
    );
    const half = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM "Movie" WHERE id = ANY($1::int[]) AND title LIKE '%(restored)'`,
      [ids],
    );
    expect(half[0].n).toBeGreaterThan(0); // it really was half-applied
    expect((await listStages()).map((s) => s.key)).toContain(key);
    // What the worker does when it starts again.
    expect(await recoverInterruptedReloads(() => {})).toContain(key);
    expect(await snapshot(ids)).toEqual(before);
    expect((await listStages()).map((s) => s.key)).not.toContain(key);
  });

  it('rolls back a reload cancelled during the switch', async () => {
    const before = await snapshot(ids);
    let batches = 0;
    await expect(
      applyCatalogue(
        v2.dir,
        (p) => {
          if (p.phase === 'switching movies') batches++;
        },
        { movieBatchSize: 10, shouldStop: () => batches > 3 },
      ),
    ).rejects.toBeInstanceOf(ReloadStoppedError);
    expect(await snapshot(ids)).toEqual(before);
  });

  it('refuses to apply above the reject threshold and writes nothing', async () => {
    const bad = writeSyntheticCatalogue(join(root, 'bad'), {
      movies: 20,
      firstId,
      seed: 3,
      withRatings: false,
      extraMovieLines: ['not-a-number,Broken Row (2001),Drama', 'x,Another (2002),Drama'],
    });
    const before = await snapshot(ids);
    const preview = await previewCatalogue(bad.dir);
    expect(preview.rejected).toBe(2);
    expect(preview.issues).toEqual(expect.arrayContaining([expect.objectContaining({ file: 'movies.csv', line: 22 })]));
    await expect(applyCatalogue(bad.dir)).rejects.toBeInstanceOf(RejectThresholdError);
    expect(await snapshot(ids)).toEqual(before);
  });

  it("switches the new version in while members' ratings and watchlists survive; the second run changes nothing", async () => {
    const report = await applyCatalogue(v2.dir, () => {}, { movieBatchSize: 25 });
    expect(report).toMatchObject({ added: 20, updated: N, unchanged: 0 });
    expect(report.batches).toBeGreaterThan(5);
    // The catalogue form as stored (pages show display titles, which drop a parenthesised alternate title).
    const storedTitle = async (id: number) =>
      (await sql<{ title: string }>(`SELECT title FROM "Movie" WHERE id = $1`, [id]))[0]?.title;
    expect(await storedTitle(ids[0])).toMatch(/\(restored\)$/);
    expect(await storedTitle(ids[N + 5])).toBe(v2.titles[N + 5]);
    // The staged original titles travel through the switch too (the synthetic files repeat the title there).
    const originals = await sql<{ id: number; originalTitle: string }>(
      `SELECT id, "originalTitle" FROM "Movie" WHERE id = ANY($1::int[]) ORDER BY id`,
      [[ids[0], ids[N + 5]]],
    );
    expect(originals.map((r) => r.originalTitle)).toEqual([v2.titles[0], v2.titles[N + 5]]);
    const mine = await sql(`SELECT "movieId", value FROM "Rating" WHERE "userId" = $1 ORDER BY "movieId"`, [member]);
    expect(mine).toEqual([
      { movieId: ids[0], value: 4.5 },
      { movieId: ids[N - 1], value: 2 },
    ]);
    expect(await listWatchlist(member)).toEqual([ids[1]]);
    const before = await snapshot(ids);
    const again = await applyCatalogue(v2.dir);
    expect(again).toMatchObject({ added: 0, updated: 0, unchanged: N + 20, ratingsWritten: 0 });
    expect(await snapshot(ids)).toEqual(before);
  });

  it('keeps a renumbered movie (same tmdbId, new MovieLens id) under its old id, with its ratings', async () => {
    const renumbered = writeSyntheticCatalogue(join(root, 'renumbered'), {
      movies: 1,
      firstId: ids[0] + 100_000,
      seed: 9,
      withRatings: false,
    });
    // Same tmdbId as ids[0]: rewrite links.csv so the new id points at the old movie's tmdbId.
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      join(renumbered.dir, 'movielens', 'ml-latest-small', 'links.csv'),
      `movieId,imdbId,tmdbId\n${ids[0] + 100_000},,${ids[0] + 5_000_000}\n`,
    );
    const report = await applyCatalogue(renumbered.dir);
    expect(report).toMatchObject({ added: 0, updated: 1, matchedByLink: 1 });
    expect(await sql(`SELECT 1 FROM "Movie" WHERE id = $1`, [ids[0] + 100_000])).toHaveLength(0);
    expect(await sql(`SELECT title FROM "Movie" WHERE id = $1`, [ids[0]])).toEqual([{ title: renumbered.titles[0] }]);
    expect(await sql(`SELECT value FROM "Rating" WHERE "userId" = $1 AND "movieId" = $2`, [member, ids[0]])).toEqual([
      { value: 4.5 },
    ]);
  });

  it('refuses a folder without movies.csv with a clear message', async () => {
    await expect(previewCatalogue(join(root, 'nothing-here'))).rejects.toThrow(/movies\.csv/);
  });

  it('stops staging when cancelled before the switch, touching nothing', async () => {
    const before = await snapshot(ids);
    await expect(applyCatalogue(v1.dir, () => {}, { shouldStop: () => true })).rejects.toBeInstanceOf(
      ReloadStoppedError,
    );
    expect(await snapshot(ids)).toEqual(before);
  });
});
