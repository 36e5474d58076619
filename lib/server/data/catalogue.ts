import 'server-only';
import pg from 'pg';
import { requireDatabaseUrl } from '@/lib/env';
import { REFRESH_STATS_SQL } from './stats';
import type { CatalogueMovie } from '@/lib/recommender/io/catalogue';

/** What the importer writes for one movie: the engine loader's joined MovieLens + TMDB record. */
export type MovieRecord = CatalogueMovie;

export interface RatingRows {
  movielensUserIds: Int32Array;
  movieIds: Int32Array;
  ratings: Float32Array;
  timestamps: Float64Array;
}

export interface TagRow {
  userId: number;
  movieId: number;
  tag: string;
  timestamp: number;
}

export interface CatalogueWriteSummary {
  movies: number;
  genres: number;
  people: number;
  credits: number;
  keywords: number;
  importedUsers: number;
  ratings: number;
  ratingsSkipped: number;
  tags: number;
}

const CHUNK = 10_000;

function chunks(n: number): [number, number][] {
  const out: [number, number][] = [];
  for (let a = 0; a < n; a += CHUNK) out.push([a, Math.min(n, a + CHUNK)]);
  return out;
}

/**
 * Writes a whole catalogue (movies, genres, people, credits, keywords, imported MovieLens users, their ratings and
 * tags) in ONE transaction on one dedicated connection, with array-parameter bulk statements (`unnest`). Idempotent:
 * movies are upserted, a movie's genres/credits/keywords are replaced, imported ratings are upserted.
 * Members' own ratings are never touched.
 */
export async function writeCatalogue(
  movies: MovieRecord[],
  ratings: RatingRows | null,
  tags: TagRow[],
  onProgress: (phase: string, done: number, total: number) => void = () => {},
): Promise<CatalogueWriteSummary> {
  const client = new pg.Client({ connectionString: requireDatabaseUrl() });
  await client.connect();
  const summary: CatalogueWriteSummary = {
    movies: 0, genres: 0, people: 0, credits: 0, keywords: 0, importedUsers: 0, ratings: 0, ratingsSkipped: 0, tags: 0,
  };
  try {
    await client.query('BEGIN');
    onProgress('movies', 0, movies.length);
    for (const [a, b] of chunks(movies.length)) {
      const part = movies.slice(a, b);
      await client.query(
        `INSERT INTO "Movie" (id, "tmdbId", "imdbId", title, year, overview, runtime, "releaseDate", "originalLanguage",
           "tmdbPopularity", "voteAverage", "voteCount", "posterPath", "updatedAt")
         SELECT *, now() FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::int[], $6::text[], $7::int[],
           $8::date[], $9::text[], $10::float8[], $11::float8[], $12::int[], $13::text[])
         ON CONFLICT (id) DO UPDATE SET "tmdbId" = excluded."tmdbId", "imdbId" = excluded."imdbId", title = excluded.title,
           year = excluded.year, overview = excluded.overview, runtime = excluded.runtime,
           "releaseDate" = excluded."releaseDate", "originalLanguage" = excluded."originalLanguage",
           "tmdbPopularity" = excluded."tmdbPopularity", "voteAverage" = excluded."voteAverage",
           "voteCount" = excluded."voteCount", "posterPath" = excluded."posterPath", "updatedAt" = now()`,
        [
          part.map((m) => m.movieId),
          part.map((m) => m.tmdbId),
          part.map((m) => m.imdbId),
          part.map((m) => m.title),
          part.map((m) => m.year),
          part.map((m) => m.overview),
          part.map((m) => (m.runtime === null ? null : Math.round(m.runtime))),
          part.map((m) => m.releaseDate),
          part.map((m) => m.originalLanguage),
          part.map((m) => m.popularity),
          part.map((m) => m.voteAverage),
          part.map((m) => m.voteCount),
          part.map((m) => m.posterPath),
        ],
      );
      summary.movies += part.length;
      onProgress('movies', b, movies.length);
    }
    const movieIds = movies.map((m) => m.movieId);

    // Genres and keywords: name tables, then the join rows of every imported movie are replaced.
    for (const [table, join, col, pick] of [
      ['Genre', 'MovieGenre', 'genreId', (m: MovieRecord) => m.genres],
      ['Keyword', 'MovieKeyword', 'keywordId', (m: MovieRecord) => m.keywords],
    ] as const) {
      onProgress(table.toLowerCase() + 's', 0, 1);
      const pairsMovie: number[] = [];
      const pairsName: string[] = [];
      for (const m of movies) {
        for (const name of new Set(pick(m))) {
          pairsMovie.push(m.movieId);
          pairsName.push(name);
        }
      }
      const names = [...new Set(pairsName)];
      await client.query(`INSERT INTO "${table}" (name) SELECT unnest($1::text[]) ON CONFLICT (name) DO NOTHING`, [names]);
      await client.query(`DELETE FROM "${join}" WHERE "movieId" = ANY($1::int[])`, [movieIds]);
      for (const [a, b] of chunks(pairsMovie.length)) {
        await client.query(
          `INSERT INTO "${join}" ("movieId", "${col}") SELECT p.m, t.id FROM unnest($1::int[], $2::text[]) AS p(m, n)
           JOIN "${table}" t ON t.name = p.n ON CONFLICT DO NOTHING`,
          [pairsMovie.slice(a, b), pairsName.slice(a, b)],
        );
      }
      if (table === 'Genre') summary.genres = names.length;
      else summary.keywords = names.length;
      onProgress(table.toLowerCase() + 's', 1, 1);
    }

    // People and credits (cast with billing order, directors as crew).
    onProgress('credits', 0, 1);
    const cMovie: number[] = [];
    const cName: string[] = [];
    const cKind: string[] = [];
    const cJob: (string | null)[] = [];
    const cOrder: (number | null)[] = [];
    const cChar: (string | null)[] = [];
    const addCredit = (movieId: number, name: string, kind: 'CAST' | 'CREW', job: string | null, order: number | null, character: string | null) => {
      cMovie.push(movieId);
      cName.push(name);
      cKind.push(kind);
      cJob.push(job);
      cOrder.push(order);
      cChar.push(character);
    };
    for (const m of movies) {
      for (const c of m.cast) addCredit(m.movieId, c.name, 'CAST', null, c.order, c.character ?? null);
      for (const d of new Set(m.directors)) addCredit(m.movieId, d, 'CREW', 'Director', null, null);
    }
    const people = [...new Set(cName)];
    await client.query(`INSERT INTO "Person" (name) SELECT unnest($1::text[]) ON CONFLICT (name) DO NOTHING`, [people]);
    await client.query(`DELETE FROM "Credit" WHERE "movieId" = ANY($1::int[])`, [movieIds]);
    for (const [a, b] of chunks(cMovie.length)) {
      await client.query(
        `INSERT INTO "Credit" ("movieId", "personId", kind, job, "order", character)
         SELECT c.m, p.id, c.k::"CreditKind", c.j, c.o, c.ch
         FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[]) AS c(m, n, k, j, o, ch)
         JOIN "Person" p ON p.name = c.n`,
        [cMovie.slice(a, b), cName.slice(a, b), cKind.slice(a, b), cJob.slice(a, b), cOrder.slice(a, b), cChar.slice(a, b)],
      );
    }
    summary.people = people.length;
    summary.credits = cMovie.length;
    onProgress('credits', 1, 1);

    if (ratings) {
      const mlUsers = [...new Set([...ratings.movielensUserIds, ...tags.map((t) => t.userId)])].sort((x, y) => x - y);
      await client.query(
        `INSERT INTO "User" (kind, "movielensId", name, "updatedAt")
         SELECT 'IMPORTED', u, 'MovieLens user ' || u, now() FROM unnest($1::int[]) AS u
         ON CONFLICT ("movielensId") DO NOTHING`,
        [mlUsers],
      );
      summary.importedUsers = mlUsers.length;
      const n = ratings.movieIds.length;
      onProgress('ratings', 0, n);
      for (const [a, b] of chunks(n)) {
        const res = await client.query(
          `INSERT INTO "Rating" ("userId", "movieId", value, "createdAt", "updatedAt")
           SELECT u.id, r.m, r.v, to_timestamp(r.t), to_timestamp(r.t)
           FROM unnest($1::int[], $2::int[], $3::real[], $4::float8[]) AS r(ml, m, v, t)
           JOIN "User" u ON u."movielensId" = r.ml
           JOIN "Movie" mv ON mv.id = r.m
           ON CONFLICT ("userId", "movieId") DO UPDATE SET value = excluded.value, "updatedAt" = excluded."updatedAt"`,
          [
            Array.from(ratings.movielensUserIds.subarray(a, b)),
            Array.from(ratings.movieIds.subarray(a, b)),
            Array.from(ratings.ratings.subarray(a, b)),
            Array.from(ratings.timestamps.subarray(a, b)),
          ],
        );
        summary.ratings += res.rowCount ?? 0;
        onProgress('ratings', b, n);
      }
      summary.ratingsSkipped = n - summary.ratings;

      onProgress('tags', 0, tags.length);
      await client.query(
        `DELETE FROM "Tag" t USING "User" u WHERE t."userId" = u.id AND u.kind = 'IMPORTED'`,
      );
      for (const [a, b] of chunks(tags.length)) {
        const part = tags.slice(a, b);
        const res = await client.query(
          `INSERT INTO "Tag" ("userId", "movieId", tag, "createdAt")
           SELECT u.id, t.m, t.tag, to_timestamp(t.ts)
           FROM unnest($1::int[], $2::int[], $3::text[], $4::float8[]) AS t(ml, m, tag, ts)
           JOIN "User" u ON u."movielensId" = t.ml JOIN "Movie" mv ON mv.id = t.m`,
          [part.map((t) => t.userId), part.map((t) => t.movieId), part.map((t) => t.tag), part.map((t) => t.timestamp)],
        );
        summary.tags += res.rowCount ?? 0;
      }
      onProgress('tags', tags.length, tags.length);
    }
    await client.query(REFRESH_STATS_SQL);
    await client.query('COMMIT');
    return summary;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}

export async function countMovies(): Promise<number> {
  const client = new pg.Client({ connectionString: requireDatabaseUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM "Movie"');
    return rows[0].n;
  } finally {
    await client.end();
  }
}
