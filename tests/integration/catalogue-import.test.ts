import { beforeAll, describe, expect, it } from 'vitest';
import { importCatalogue, type ImportReport } from '../../lib/server/services/catalogue-import';
import { writeCatalogue, type MovieRecord } from '../../lib/server/data/catalogue';
import { getMovie } from '../../lib/server/data/movies';
import { FIXTURE_DATA_DIR, sql } from './helpers';

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

let first: ImportReport;

beforeAll(async () => {
  first = await importCatalogue(FIXTURE_DATA_DIR);
});

describe('importCatalogue (hand-made fixture)', () => {
  it('reports what it wrote', () => {
    expect(first).toMatchObject({
      movies: 5,
      genres: 8, // Drama, Mystery, Comedy, Crime, Animation, Sci-Fi, Family, Romance
      people: 8,
      credits: 10, // 6 cast + 4 director credits
      keywords: 3,
      importedUsers: 3,
      ratings: 7,
      ratingsSkipped: 1, // movie 99 is not in the catalogue
      tags: 2,
    });
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
      overview: 'Two chefs plan a heist during the busiest dinner service of the year.',
      runtime: 95,
      releaseDate: '2003-09-05',
      originalLanguage: 'fr',
      voteAverage: 6.4,
      voteCount: 120,
      tmdbId: 90002,
      imdbId: '0900002',
      posterPath: '/fixture-salt.jpg',
      keywords: ['heist', 'storm'],
    });
    expect(salt.directors.map((d) => d.name).sort()).toEqual(['Rafe Lindqvist', 'Sunniva Holt']);
    // The credits file lists Pavel (order 1) before Mara (order 0): billing order wins.
    expect(salt.cast.map((c) => c.name)).toEqual(['Mara Ellingsworth', 'Pavel Dorn']);

    const orbit = await getMovie(3);
    expect(orbit.cast).toEqual([expect.objectContaining({ name: 'Juno Abara', character: 'Satellite (voice)' })]);
    expect(orbit.runtime).toBe(89); // 88.5 min rounds to whole minutes
    expect(orbit.directors.map((d) => d.name)).toEqual(['Odile Fenwick']);

    const lantern = await getMovie(1);
    expect(lantern.cast.map((c) => c.name)).toEqual(['Mara Ellingsworth', 'Tobias Quell', 'Ines Varga']);
    // One Person row per name, shared across movies.
    expect(lantern.directors[0].id).toBe(orbit.directors[0].id);
    expect(lantern.cast[0].id).toBe(salt.cast[0].id);
    expect(lantern.tags).toEqual(['lighthouse']);

    const quarry = await getMovie(5); // no tmdbId, no genres
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
    const users = await sql<{ movielensId: number; kind: string; email: string | null; passwordHash: string | null }>(
      `SELECT "movielensId", kind, email, "passwordHash" FROM "User" WHERE "movielensId" IN (1, 2, 3) ORDER BY "movielensId"`,
    );
    expect(users).toEqual(
      [1, 2, 3].map((movielensId) => ({ movielensId, kind: 'IMPORTED', email: null, passwordHash: null })),
    );
    const ratings = await sql<{ ml: number; movieId: number; value: number }>(
      `SELECT u."movielensId" AS ml, r."movieId", r.value FROM "Rating" r JOIN "User" u ON u.id = r."userId"
       WHERE u."movielensId" IN (1, 2, 3) ORDER BY 1, 2`,
    );
    expect(ratings).toEqual([
      { ml: 1, movieId: 1, value: 4 },
      { ml: 1, movieId: 2, value: 3.5 },
      { ml: 1, movieId: 3, value: 5 },
      { ml: 2, movieId: 1, value: 4.5 },
      { ml: 2, movieId: 4, value: 2 },
      { ml: 3, movieId: 3, value: 4 },
      { ml: 3, movieId: 5, value: 0.5 },
    ]);
    const stats = await sql<{ id: number; ratingCount: number; ratingMean: number | null }>(
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

  it('is idempotent: a second import leaves the same rows', async () => {
    const before = await counts();
    expect(before).toEqual({
      movies: 5,
      movieGenres: 8,
      credits: 10,
      movieKeywords: 4,
      importedUsers: 3,
      ratings: 7,
      tags: 2,
    });
    const again = await importCatalogue(FIXTURE_DATA_DIR);
    expect(again).toMatchObject({ movies: 5, credits: 10, importedUsers: 3, ratings: 7, tags: 2 });
    expect(await counts()).toEqual(before);
  });

  it('leaves the previous catalogue untouched when a write fails midway (one transaction)', async () => {
    const before = await counts();
    const lantern = await getMovie(1);
    const base: Omit<MovieRecord, 'movieId' | 'title'> = {
      year: 2020,
      genres: ['Western'],
      imdbId: null,
      tmdbId: null,
      overview: 'changed',
      runtime: 90,
      releaseDate: null,
      originalLanguage: 'en',
      popularity: null,
      voteAverage: null,
      voteCount: null,
      posterPath: null,
      cast: [{ name: 'Someone New', order: 0 }],
      directors: ['New Director'],
      keywords: ['new keyword'],
    };
    const movies: MovieRecord[] = [
      { ...base, movieId: 1, title: 'The Lantern Keeper (re-cut)' },
      { ...base, movieId: 6, title: 'A Sixth Movie' },
    ];
    // The last rating breaks the half-star CHECK constraint, after movies, genres, credits and users were written.
    const ratings = {
      movielensUserIds: Int32Array.from([1, 4]),
      movieIds: Int32Array.from([6, 1]),
      ratings: Float32Array.from([4, 4.25]),
      timestamps: Float64Array.from([1200000000, 1200000001]),
    };
    await expect(writeCatalogue(movies, ratings, [])).rejects.toThrow(/Rating_value_half_stars/);

    expect(await counts()).toEqual(before);
    expect(await getMovie(1)).toEqual(lantern);
    expect(await sql(`SELECT 1 FROM "Movie" WHERE id = 6`)).toHaveLength(0);
    expect(await sql(`SELECT 1 FROM "User" WHERE "movielensId" = 4`)).toHaveLength(0);
    expect(await sql(`SELECT 1 FROM "Person" WHERE name IN ('Someone New', 'New Director')`)).toHaveLength(0);
    expect(await sql(`SELECT 1 FROM "Genre" WHERE name = 'Western'`)).toHaveLength(0);
  });
});
