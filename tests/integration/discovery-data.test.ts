// Data behind person pages, Browse filters, card quick actions and believable For You reasons, on a real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../lib/server/db';
import { getPerson } from '../../lib/server/data/people';
import { getCardStates } from '../../lib/server/data/card-states';
import { listMovies } from '../../lib/server/data/movies';
import { upsertRating } from '../../lib/server/data/ratings';
import { addToWatchlist } from '../../lib/server/data/watchlist';
import { dismissMovie } from '../../lib/server/data/dismissals';
import { refineReasons } from '../../lib/server/services/reasons';
import { createUser, sql, uniqueMovieId } from './helpers';

const tag = `T${Math.floor(Math.random() * 1e9)}`;
let m: Record<string, number>;
let director: number;
let actor: number;
let genreIds: Record<string, number>;
let keywordIds: number[];

beforeAll(async () => {
  const movies: [
    key: string,
    title: string,
    year: number,
    runtime: number,
    lang: string,
    count: number,
    genres: string[],
  ][] = [
    ['arrival', 'Arrival', 2016, 116, 'en', 120, ['Drama', 'Sci-Fi']],
    ['sicario', 'Sicario', 2015, 121, 'en', 80, ['Crime', 'Thriller']],
    ['incendies', 'Incendies', 2010, 131, 'fr', 30, ['Drama', 'Mystery']],
    ['dune', 'Dune', 2021, 155, 'en', 60, ['Adventure', 'Sci-Fi']],
    ['aladdin', 'Aladdin', 1992, 90, 'en', 180, ['Animation', 'Children', 'Comedy', 'Musical']],
    ['shane', 'Shane', 1953, 118, 'en', 12, ['Drama', 'Western']],
  ];
  m = {};
  genreIds = {};
  for (const g of new Set(movies.flatMap((x) => x[6]))) {
    const [row] = await sql<{ id: number }>(
      `INSERT INTO "Genre" (name) VALUES ($1) ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id`,
      [g],
    );
    genreIds[g] = row.id;
  }
  for (const [key, title, year, runtime, lang, count, genres] of movies) {
    const id = uniqueMovieId();
    m[key] = id;
    await sql(
      `INSERT INTO "Movie" (id, title, year, runtime, "originalLanguage", "ratingCount", "updatedAt") VALUES ($1, $2, $3, $4, $5, $6, now())`,
      [id, `${title} ${tag}`, year, runtime, lang, count],
    );
    for (const g of genres)
      await sql(`INSERT INTO "MovieGenre" ("movieId", "genreId") VALUES ($1, $2)`, [id, genreIds[g]]);
  }
  [{ id: director }] = await sql<{ id: number }>(`INSERT INTO "Person" (name) VALUES ($1) RETURNING id`, [
    `Denis V ${tag}`,
  ]);
  [{ id: actor }] = await sql<{ id: number }>(`INSERT INTO "Person" (name) VALUES ($1) RETURNING id`, [`Amy A ${tag}`]);
  for (const k of ['arrival', 'sicario', 'incendies', 'dune']) {
    await sql(`INSERT INTO "Credit" ("movieId", "personId", kind, job) VALUES ($1, $2, 'CREW', 'Director')`, [
      m[k],
      director,
    ]);
  }
  await sql(
    `INSERT INTO "Credit" ("movieId", "personId", kind, character, "order") VALUES ($1, $2, 'CAST', 'Louise Banks', 0)`,
    [m.arrival, actor],
  );
  // Keywords as TMDB writes them (lower case); the tag keeps them apart from other tests' rows.
  keywordIds = [];
  for (const [name, movies] of [
    [`linguistics ${tag}`, [m.arrival]],
    [`desert ${tag}`, [m.sicario, m.dune]],
  ] as const) {
    const [{ id }] = await sql<{ id: number }>(`INSERT INTO "Keyword" (name) VALUES ($1) RETURNING id`, [name]);
    keywordIds.push(id);
    for (const movie of movies)
      await sql(`INSERT INTO "MovieKeyword" ("movieId", "keywordId") VALUES ($1, $2)`, [movie, id]);
  }
});

afterAll(async () => {
  await sql(`DELETE FROM "Movie" WHERE id = ANY($1::int[])`, [Object.values(m)]);
  await sql(`DELETE FROM "Person" WHERE id = ANY($1::int[])`, [[director, actor]]);
  await sql(`DELETE FROM "Keyword" WHERE id = ANY($1::int[])`, [keywordIds]);
  await db.$disconnect();
});

describe('person pages', () => {
  it('lists the filmography newest first with roles, and what they are known for by ratings', async () => {
    const p = await getPerson(director);
    expect(p.filmography.map((f) => f.movie.id)).toEqual([m.dune, m.arrival, m.sicario, m.incendies]);
    expect(p.filmography[0]).toMatchObject({ isDirector: true, roles: ['Director'] });
    expect(p.knownFor.map((c) => c.id)).toEqual([m.arrival, m.sicario, m.dune, m.incendies]);
    expect(p.departments).toEqual(['Director']);
    const a = await getPerson(actor);
    expect(a.filmography[0]).toMatchObject({ isCast: true, roles: ['Louise Banks'] });
  });
});

describe('Browse filters', () => {
  const mine = (ids: number[]) => ids.filter((id) => Object.values(m).includes(id));
  it('filters by decade, explicit years, runtime, language, minimum ratings and person', async () => {
    const page = async (q: Parameters<typeof listMovies>[0]) =>
      mine((await listMovies({ ...q })).movies.map((x) => x.id));
    expect(await page({ page: 1, sort: 'popular', person: director, decade: 2010 })).toEqual([
      m.arrival,
      m.sicario,
      m.incendies,
    ]);
    expect(await page({ page: 1, sort: 'oldest', person: director, yearFrom: 2015, yearTo: 2021 })).toEqual([
      m.sicario,
      m.arrival,
      m.dune,
    ]);
    expect(await page({ page: 1, sort: 'popular', person: director, runtimeMax: 125 })).toEqual([m.arrival, m.sicario]);
    expect(await page({ page: 1, sort: 'popular', person: director, language: 'fr' })).toEqual([m.incendies]);
    expect(await page({ page: 1, sort: 'popular', person: director, minRatings: 60 })).toEqual([
      m.arrival,
      m.sicario,
      m.dune,
    ]);
    // A keyword matches whole and in any case, combines with the other filters, and an unknown one matches nothing.
    expect(await page({ page: 1, sort: 'popular', keyword: `DESERT ${tag}` })).toEqual([m.sicario, m.dune]);
    expect(await page({ page: 1, sort: 'popular', keyword: `desert ${tag}`, decade: 2020 })).toEqual([m.dune]);
    expect(await page({ page: 1, sort: 'popular', keyword: `linguistics ${tag}`, person: director })).toEqual([
      m.arrival,
    ]);
    const none = await listMovies({ page: 1, sort: 'popular', keyword: `desert` });
    expect(mine(none.movies.map((x) => x.id))).toEqual([]);
    expect((await listMovies({ page: 1, sort: 'popular', keyword: `no such keyword ${tag}` })).total).toBe(0);
    // A reversed year range is read earliest first rather than matching nothing.
    expect(await page({ page: 1, sort: 'popular', person: director, yearFrom: 2016, yearTo: 2010 })).toEqual([
      m.arrival,
      m.sicario,
      m.incendies,
    ]);
  });
});

describe('card states', () => {
  it('reports rating, watchlist and not-interested per movie', async () => {
    const user = await createUser();
    await upsertRating(user, m.arrival, 4.5);
    await addToWatchlist(user, m.dune);
    await dismissMovie(user, m.shane);
    const states = await getCardStates(user, [m.arrival, m.dune, m.shane, m.sicario]);
    expect(states[m.arrival]).toEqual({ rating: 4.5, onWatchlist: false, dismissed: false });
    expect(states[m.dune]).toEqual({ rating: null, onWatchlist: true, dismissed: false });
    expect(states[m.shane]).toEqual({ rating: null, onWatchlist: false, dismissed: true });
    expect(states[m.sicario]).toEqual({ rating: null, onWatchlist: false, dismissed: false });
  });
});

describe('For You reasons', () => {
  it('keeps a reason backed by a shared director or genres, and replaces one with no evidence', async () => {
    const user = await createUser();
    await upsertRating(user, m.aladdin, 5);
    const card = (id: number, genres: string[]) => ({
      id,
      title: 't',
      year: null,
      posterPath: null,
      genres,
      ratingMean: null,
      ratingCount: 0,
    });
    const items = [
      { movie: card(m.sicario, ['Crime', 'Thriller']), reason: `Because you liked Arrival`, because: m.arrival }, // same director
      { movie: card(m.dune, ['Adventure', 'Sci-Fi']), reason: `Because you liked Arrival`, because: m.arrival }, // same director
      { movie: card(m.shane, ['Drama', 'Western']), reason: `Because you liked Aladdin`, because: m.aladdin }, // nothing shared
    ];
    const out = await refineReasons(user, items);
    expect(out[0].reason).toBe('Because you liked Arrival');
    expect(out[1].reason).toBe('Because you liked Arrival');
    expect(out[2]).toMatchObject({ reason: 'Liked by people whose ratings match yours', because: null });
  });

  it('names a director whose films the member rates highly', async () => {
    const user = await createUser();
    await upsertRating(user, m.arrival, 5);
    await upsertRating(user, m.sicario, 4.5);
    const dune = {
      id: m.dune,
      title: 'Dune',
      year: 2021,
      posterPath: null,
      genres: ['Adventure', 'Sci-Fi'],
      ratingMean: null,
      ratingCount: 0,
    };
    const [out] = await refineReasons(user, [{ movie: dune, reason: 'Popular with people like you', because: null }]);
    expect(out.reason).toBe(`Directed by Denis V ${tag}, whose films you rate ★ 4.8 on average`);
  });
});
