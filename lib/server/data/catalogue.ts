import 'server-only';
import pg from 'pg';
import { requireDatabaseUrl } from '@/lib/env';
import type { CatalogueMovie } from '@/lib/recommender/io/catalogue';
import type { LiveMovieKey, PlannedMovie } from '../services/catalogue-plan';
import { BatchBudget } from './batch-budget';

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

/** What a switch wrote (rows it changed; unchanged rows are not counted). */
export interface SwitchSummary {
  moviesWritten: number;
  importedUsers: number;
  ratingsWritten: number;
  ratingsSkipped: number;
  tagsWritten: number;
  batches: number;
  /** The longest single transaction of the switch, in ms: what a member's write may wait for at worst. */
  longestTransactionMs: number;
}

export type Progress = (phase: string, done: number, total: number) => void;

export interface SwitchOptions {
  /** Checked between batches: true stops the switch (the caller then rolls it back). */
  shouldStop?: () => boolean;
  /** Test hook: throw after this many committed movie batches, as a crash would. */
  failAfterBatches?: number;
  /** Target duration of one transaction; batches grow or shrink to meet it. */
  targetTransactionMs?: number;
  /** Fixed movies per batch (tests); adaptive when omitted. */
  movieBatchSize?: number;
}

export class ReloadStoppedError extends Error {
  constructor(message = 'the reload was cancelled') {
    super(message);
    this.name = 'ReloadStoppedError';
  }
}

const STAGE_PREFIX = 'reel_stage_';
/** A batch longer than this many targets counts as a spike (the next one is cut below the target). */
const BUDGET_FACTOR = 3;
/**
 * Floor of a rating-stats batch: its cost is mostly fixed (the aggregate's plan over Rating), so shrinking below a
 * few thousand movies multiplies the batches without shortening them (62k movies at load ~20: 229 s with a floor of
 * 50; earlier runs at a lower load took 3-6 s with fixed 4,000-movie ranges).
 */
const STATS_MIN_MOVIES = 2_000;
// Rows per staging statement: on the embedded database one statement holds every connection while it runs.
const STAGE_ROWS = 500;
const READ_CHUNK = 20_000;

function stageSchema(key: string): string {
  if (!/^[a-z0-9_]{1,40}$/.test(key)) throw new Error(`bad stage key ${JSON.stringify(key)}`);
  return `"${STAGE_PREFIX}${key}"`;
}

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: requireDatabaseUrl() });
  await client.connect();
  return client;
}

async function withClient<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = await connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** One short transaction; returns its duration in ms. */
async function tx(client: pg.Client, fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await client.query('BEGIN');
  try {
    await fn();
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch((rollbackErr) => console.error('[catalogue] rollback failed', rollbackErr));
    throw err;
  }
  return performance.now() - t0;
}

/**
 * Every live movie's identity and fingerprint, read in id-ordered pages sized by time (no statement holds the
 * embedded database long, also when the machine is slow).
 */
export async function listLiveMovieKeys(): Promise<LiveMovieKey[]> {
  return withClient(async (client) => {
    const out: LiveMovieKey[] = [];
    const page = new BatchBudget({ initial: 2_000, min: 200, max: READ_CHUNK, targetMs: 100 });
    let after = -2_147_483_648;
    for (;;) {
      const t0 = performance.now();
      const { rows } = await client.query<LiveMovieKey>(
        `SELECT m.id, m."tmdbId", m."imdbId", f.hash FROM "Movie" m LEFT JOIN "CatalogueFingerprint" f ON f."movieId" = m.id
         WHERE m.id > $1 ORDER BY m.id LIMIT $2`,
        [after, page.size],
      );
      const asked = page.size;
      page.record(Math.max(1, rows.length), performance.now() - t0);
      for (const r of rows) out.push(r);
      if (rows.length < asked) return out;
      after = rows[rows.length - 1].id;
    }
  });
}

/**
 * Writes the planned catalogue into its own schema (`reel_stage_<key>`), outside the members' tables, in small
 * autocommit statements. Nothing the app reads changes here; the stage also holds the undo rows of the switch.
 */
export async function stageCatalogue(
  key: string,
  movies: PlannedMovie[],
  ratings: RatingRows | null,
  tags: TagRow[],
  onProgress: Progress = () => {},
  shouldStop: () => boolean = () => false,
): Promise<void> {
  const s = stageSchema(key);
  await withClient(async (client) => {
    await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    await client.query(`CREATE SCHEMA ${s}`);
    // One statement at a time: on the embedded database a multi-statement query is one transaction holding everyone.
    for (const ddl of [
      `CREATE TABLE ${s}.movie ( ml_id int PRIMARY KEY, target_id int NOT NULL, action text NOT NULL, seq int, applied boolean NOT NULL DEFAULT false, tmdb_id int, imdb_id text, title text NOT NULL, original_title text, year int, overview text, runtime int, release_date date, original_language text, popularity float8, vote_average float8, vote_count int, poster_path text, genres text[] NOT NULL, keywords text[] NOT NULL, directors text[] NOT NULL, cast_names text[] NOT NULL, cast_orders int[] NOT NULL, cast_chars text[] NOT NULL, hash text NOT NULL)`,
      `CREATE INDEX ON ${s}.movie (seq)`,
      `CREATE TABLE ${s}.rating (seq int PRIMARY KEY, ml_user int NOT NULL, ml_movie int NOT NULL, value real NOT NULL, ts float8 NOT NULL)`,
      `CREATE TABLE ${s}.tag (ml_user int NOT NULL, ml_movie int NOT NULL, tag text NOT NULL, ts float8 NOT NULL)`,
      `CREATE INDEX ON ${s}.tag (ml_movie)`,
      `CREATE TABLE ${s}.ml_user (ml_id int PRIMARY KEY)`,
      `CREATE TABLE ${s}.u_movie (LIKE "Movie")`,
      `CREATE TABLE ${s}.u_genre (LIKE "MovieGenre")`,
      `CREATE TABLE ${s}.u_keyword (LIKE "MovieKeyword")`,
      `CREATE TABLE ${s}.u_credit (LIKE "Credit")`,
      `CREATE TABLE ${s}.u_tag (LIKE "Tag")`,
      `CREATE TABLE ${s}.u_fingerprint (LIKE "CatalogueFingerprint")`,
      `CREATE TABLE ${s}.u_rating (user_id int NOT NULL, movie_id int NOT NULL, existed boolean NOT NULL, value real, created_at timestamp(3), updated_at timestamp(3))`,
      `CREATE TABLE ${s}.u_new_user (id int PRIMARY KEY)`,
      `CREATE TABLE ${s}.u_new_name (tbl text NOT NULL, id int NOT NULL)`,
      `CREATE TABLE ${s}.state (switch_started boolean NOT NULL)`,
      `INSERT INTO ${s}.state VALUES (false)`,
    ]) {
      await client.query(ddl);
    }

    const total = movies.length + (ratings?.movieIds.length ?? 0) + tags.length;
    let done = 0;
    onProgress('staging', 0, total);
    let seq = 0;
    for (let a = 0; a < movies.length; a += STAGE_ROWS) {
      if (shouldStop()) throw new ReloadStoppedError();
      const part = movies.slice(a, a + STAGE_ROWS);
      const seqs = part.map((m) => (m.action === 'same' ? null : seq++));
      await client.query(
        `INSERT INTO ${s}.movie (ml_id, target_id, action, seq, tmdb_id, imdb_id, title, year, overview, runtime, release_date,
           original_language, popularity, vote_average, vote_count, poster_path, genres, keywords, directors,
           cast_names, cast_orders, cast_chars, hash, original_title)
         SELECT ml, tg, act, sq, tm, im, ti, yr, ov, rt, rd, ol, po, va, vc, pp,
           array(SELECT json_array_elements_text(g)), array(SELECT json_array_elements_text(k)), array(SELECT json_array_elements_text(d)),
           array(SELECT json_array_elements_text(cn)), array(SELECT json_array_elements_text(co)::int), array(SELECT json_array_elements_text(cc)), h, ot
         FROM unnest($1::int[], $2::int[], $3::text[], $4::int[], $5::int[], $6::text[], $7::text[], $8::int[], $9::text[],
           $10::int[], $11::date[], $12::text[], $13::float8[], $14::float8[], $15::int[], $16::text[], $17::json[], $18::json[],
           $19::json[], $20::json[], $21::json[], $22::json[], $23::text[], $24::text[])
           AS t(ml, tg, act, sq, tm, im, ti, yr, ov, rt, rd, ol, po, va, vc, pp, g, k, d, cn, co, cc, h, ot)`,
        [
          part.map((m) => m.movieId),
          part.map((m) => m.targetId),
          part.map((m) => m.action),
          seqs,
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
          part.map((m) => JSON.stringify([...new Set(m.genres)])),
          part.map((m) => JSON.stringify([...new Set(m.keywords)])),
          part.map((m) => JSON.stringify([...new Set(m.directors)])),
          part.map((m) => JSON.stringify(m.cast.map((c) => c.name))),
          part.map((m) => JSON.stringify(m.cast.map((c) => c.order))),
          part.map((m) => JSON.stringify(m.cast.map((c) => c.character ?? null))),
          part.map((m) => m.hash),
          part.map((m) => m.originalTitle),
        ],
      );
      done += part.length;
      onProgress('staging', done, total);
    }
    if (ratings) {
      const n = ratings.movieIds.length;
      const step = STAGE_ROWS * 8;
      for (let a = 0; a < n; a += step) {
        if (shouldStop()) throw new ReloadStoppedError();
        const b = Math.min(n, a + step);
        await client.query(
          `INSERT INTO ${s}.rating (seq, ml_user, ml_movie, value, ts)
           SELECT $1::int + ord - 1, u, m, v, t FROM unnest($2::int[], $3::int[], $4::real[], $5::float8[]) WITH ORDINALITY AS r(u, m, v, t, ord)`,
          [
            a,
            Array.from(ratings.movielensUserIds.subarray(a, b)),
            Array.from(ratings.movieIds.subarray(a, b)),
            Array.from(ratings.ratings.subarray(a, b)),
            Array.from(ratings.timestamps.subarray(a, b)),
          ],
        );
        done += b - a;
        onProgress('staging', done, total);
      }
      const users = [...new Set([...ratings.movielensUserIds, ...tags.map((t) => t.userId)])];
      for (let a = 0; a < users.length; a += step) {
        await client.query(`INSERT INTO ${s}.ml_user SELECT unnest($1::int[])`, [users.slice(a, a + step)]);
      }
    }
    for (let a = 0; a < tags.length; a += STAGE_ROWS * 5) {
      if (shouldStop()) throw new ReloadStoppedError();
      const part = tags.slice(a, a + STAGE_ROWS * 5);
      await client.query(`INSERT INTO ${s}.tag SELECT * FROM unnest($1::int[], $2::int[], $3::text[], $4::float8[])`, [
        part.map((t) => t.userId),
        part.map((t) => t.movieId),
        part.map((t) => t.tag),
        part.map((t) => t.timestamp),
      ]);
      done += part.length;
      onProgress('staging', done, total);
    }
  });
}

/**
 * Switches a staged catalogue in: imported users, then the changed movies in short transactions (each batch upserts
 * its movies, replaces their genres, credits, keywords and imported tags, and first copies the rows it replaces
 * into the stage's undo tables), then imported ratings, then the rating stats. Members' rows are never written: a
 * movie keeps its id (ratings, watchlists and dismissals point at it) and only IMPORTED users' ratings are upserted.
 * Rows that did not change are not written, so the same files twice change nothing.
 */
export async function switchStagedCatalogue(key: string, onProgress: Progress = () => {}, opts: SwitchOptions = {}): Promise<SwitchSummary> {
  const s = stageSchema(key);
  // Short on purpose: on the embedded database a member's write waits for the whole open transaction, and on a busy
  // machine one batch can take several times its usual time, so the ceiling matters as much as the target.
  const targetMs = opts.targetTransactionMs ?? 150;
  const stop = () => {
    if (opts.shouldStop?.()) throw new ReloadStoppedError();
  };
  return withClient(async (client) => {
    const summary: SwitchSummary = {
      moviesWritten: 0, importedUsers: 0, ratingsWritten: 0, ratingsSkipped: 0, tagsWritten: 0, batches: 0, longestTransactionMs: 0,
    };
    const timed = async (fn: () => Promise<void>) => {
      const ms = await tx(client, fn);
      summary.batches++;
      summary.longestTransactionMs = Math.max(summary.longestTransactionMs, ms);
      return ms;
    };
    // Every batch size below follows its measured time (BatchBudget): a slow-down shrinks the next batch at once.
    const budget = (initial: number, min: number, max: number) =>
      new BatchBudget({ initial, min, max, targetMs, budgetMs: BUDGET_FACTOR * targetMs });
    /** An autocommit read, timed into `b` (on the embedded database a read holds everyone too). */
    const timedRead = async <R extends pg.QueryResultRow>(b: BatchBudget, text: string, values: unknown[]) => {
      const t0 = performance.now();
      const res = await client.query<R>(text, values);
      b.record(Math.max(1, res.rows.length), performance.now() - t0);
      return res.rows;
    };
    await client.query(`UPDATE ${s}.state SET switch_started = true`);

    // Names first (genres, keywords, people): new ones are remembered so a rollback can remove them. The batches
    // below get ids from these maps, so they write with plain array parameters and join nothing. The stage is read
    // in pages (one DISTINCT over 62,000 movies' cast lists would hold the embedded database for seconds).
    const nameIds: Record<'Genre' | 'Keyword' | 'Person', Map<string, number>> = { Genre: new Map(), Keyword: new Map(), Person: new Map() };
    const found = { Genre: new Set<string>(), Keyword: new Set<string>(), Person: new Set<string>() };
    {
      const page = budget(2_000, 50, 20_000);
      for (let after = -2_147_483_648; ; ) {
        const rows = await timedRead<{ ml_id: number; genres: string[]; keywords: string[]; people: string[] }>(
          page,
          `SELECT ml_id, genres, keywords, cast_names || directors AS people FROM ${s}.movie
           WHERE action <> 'same' AND ml_id > $1 ORDER BY ml_id LIMIT $2`,
          [after, page.size],
        );
        for (const r of rows) {
          for (const n of r.genres) if (n !== null) found.Genre.add(n);
          for (const n of r.keywords) if (n !== null) found.Keyword.add(n);
          for (const n of r.people) if (n !== null) found.Person.add(n);
        }
        if (rows.length === 0) break;
        after = rows[rows.length - 1].ml_id;
      }
    }
    for (const table of ['Genre', 'Keyword', 'Person'] as const) {
      const all = [...found[table]];
      const nameBatch = budget(2_000, 50, 20_000);
      onProgress(`new ${table.toLowerCase()} names`, 0, all.length);
      for (let a = 0; a < all.length; ) {
        const part = all.slice(a, a + nameBatch.size);
        const ms = await timed(async () => {
          await client.query(
            `WITH ins AS (INSERT INTO "${table}" (name) SELECT unnest($1::text[]) ON CONFLICT (name) DO NOTHING RETURNING id)
             INSERT INTO ${s}.u_new_name SELECT $2, id FROM ins`,
            [part, table],
          );
        });
        nameBatch.record(part.length, ms);
        const ids = await timedRead<{ id: number; name: string }>(nameBatch, `SELECT id, name FROM "${table}" WHERE name = ANY($1::text[])`, [part]);
        for (const r of ids) nameIds[table].set(r.name, r.id);
        a += part.length;
        onProgress(`new ${table.toLowerCase()} names`, a, all.length);
      }
    }

    // Imported MovieLens users (never members).
    const { rows: mlUsers } = await client.query<{ ml_id: number }>(`SELECT ml_id FROM ${s}.ml_user`);
    summary.importedUsers = mlUsers.length;
    const userIds = new Map<number, number>();
    const userBatch = budget(5_000, 100, 20_000);
    for (let a = 0; a < mlUsers.length; ) {
      const part = mlUsers.slice(a, a + userBatch.size).map((u) => u.ml_id);
      a += part.length;
      const ms = await timed(async () => {
        await client.query(
          `WITH ins AS (INSERT INTO "User" (kind, "movielensId", name, "updatedAt")
             SELECT 'IMPORTED', ml, 'MovieLens user ' || ml, now() FROM unnest($1::int[]) AS ml
             ON CONFLICT ("movielensId") DO NOTHING RETURNING id)
           INSERT INTO ${s}.u_new_user SELECT id FROM ins`,
          [part],
        );
      });
      userBatch.record(part.length, ms);
      const rows = await timedRead<{ id: number; ml: number }>(
        userBatch,
        `SELECT id, "movielensId" AS ml FROM "User" WHERE kind = 'IMPORTED' AND "movielensId" = ANY($1::int[])`,
        [part],
      );
      for (const r of rows) userIds.set(r.ml, r.id);
    }
    const targetOf = new Map<number, number>();
    {
      const page = budget(5_000, 200, READ_CHUNK);
      for (let after = -2_147_483_648; ; ) {
        const asked = page.size;
        const rows = await timedRead<{ ml_id: number; target_id: number }>(
          page,
          `SELECT ml_id, target_id FROM ${s}.movie WHERE ml_id > $1 ORDER BY ml_id LIMIT $2`,
          [after, asked],
        );
        for (const r of rows) targetOf.set(r.ml_id, r.target_id);
        if (rows.length < asked) break;
        after = rows[rows.length - 1].ml_id;
      }
    }

    // Movies that are new or changed, in batches.
    const { rows: [{ n: nChanged }] } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${s}.movie WHERE seq IS NOT NULL`);
    const movieBatch = budget(opts.movieBatchSize ?? 100, opts.movieBatchSize ?? 5, opts.movieBatchSize ?? 1_000);
    onProgress('switching movies', 0, nChanged);
    let done = 0;
    type StagedRow = {
      ml_id: number; target_id: number; action: string; genres: string[]; keywords: string[]; directors: string[];
      cast_names: string[]; cast_orders: (number | null)[]; cast_chars: (string | null)[];
    };
    while (done < nChanged) {
      stop();
      if (opts.failAfterBatches !== undefined && summary.batches >= opts.failAfterBatches) {
        throw new Error(`test: the reload was killed after ${summary.batches} batches`);
      }
      const a = done;
      const b = Math.min(nChanged, done + movieBatch.size);
      const { rows: batch } = await client.query<StagedRow>(
        `SELECT ml_id, target_id, action, genres, keywords, directors, cast_names, cast_orders, cast_chars
         FROM ${s}.movie WHERE seq >= $1 AND seq < $2 ORDER BY seq`,
        [a, b],
      );
      const upd = batch.filter((m) => m.action === 'update').map((m) => m.target_id);
      const g: [number[], number[]] = [[], []];
      const k: [number[], number[]] = [[], []];
      const c = { m: [] as number[], p: [] as number[], kind: [] as string[], job: [] as (string | null)[], o: [] as (number | null)[], ch: [] as (string | null)[] };
      for (const m of batch) {
        for (const n of m.genres) {
          g[0].push(m.target_id);
          g[1].push(nameIds.Genre.get(n)!);
        }
        for (const n of m.keywords) {
          k[0].push(m.target_id);
          k[1].push(nameIds.Keyword.get(n)!);
        }
        m.cast_names.forEach((n, i) => {
          c.m.push(m.target_id); c.p.push(nameIds.Person.get(n)!); c.kind.push('CAST'); c.job.push(null); c.o.push(m.cast_orders[i]); c.ch.push(m.cast_chars[i]);
        });
        for (const n of m.directors) {
          c.m.push(m.target_id); c.p.push(nameIds.Person.get(n)!); c.kind.push('CREW'); c.job.push('Director'); c.o.push(null); c.ch.push(null);
        }
      }
      const { rows: tagRows } = await client.query<{ ml_user: number; ml_movie: number; tag: string; ts: number }>(
        `SELECT ml_user, ml_movie, tag, ts FROM ${s}.tag WHERE ml_movie = ANY($1::int[])`,
        [batch.map((m) => m.ml_id)],
      );
      const tg = { u: [] as number[], m: [] as number[], t: [] as string[], ts: [] as number[] };
      for (const t of tagRows) {
        const uid = userIds.get(t.ml_user);
        if (uid === undefined) continue;
        tg.u.push(uid); tg.m.push(targetOf.get(t.ml_movie)!); tg.t.push(t.tag); tg.ts.push(t.ts);
      }
      const ms = await timed(async () => {
        await client.query(`INSERT INTO ${s}.u_movie SELECT m.* FROM "Movie" m WHERE m.id = ANY($1::int[])`, [upd]);
        await client.query(`INSERT INTO ${s}.u_genre SELECT x.* FROM "MovieGenre" x WHERE x."movieId" = ANY($1::int[])`, [upd]);
        await client.query(`INSERT INTO ${s}.u_keyword SELECT x.* FROM "MovieKeyword" x WHERE x."movieId" = ANY($1::int[])`, [upd]);
        await client.query(`INSERT INTO ${s}.u_credit SELECT x.* FROM "Credit" x WHERE x."movieId" = ANY($1::int[])`, [upd]);
        await client.query(
          `INSERT INTO ${s}.u_tag SELECT x.* FROM "Tag" x JOIN "User" u ON u.id = x."userId" AND u.kind = 'IMPORTED' WHERE x."movieId" = ANY($1::int[])`,
          [upd],
        );
        await client.query(`INSERT INTO ${s}.u_fingerprint SELECT x.* FROM "CatalogueFingerprint" x WHERE x."movieId" = ANY($1::int[])`, [upd]);

        await client.query(
          `INSERT INTO "Movie" (id, "tmdbId", "imdbId", title, "originalTitle", year, overview, runtime, "releaseDate", "originalLanguage",
             "tmdbPopularity", "voteAverage", "voteCount", "posterPath", "updatedAt")
           SELECT target_id, tmdb_id, imdb_id, title, original_title, year, overview, runtime, release_date, original_language,
             popularity, vote_average, vote_count, poster_path, now()
           FROM ${s}.movie WHERE seq >= $1 AND seq < $2
           ON CONFLICT (id) DO UPDATE SET "tmdbId" = excluded."tmdbId", "imdbId" = excluded."imdbId", title = excluded.title,
             "originalTitle" = excluded."originalTitle", year = excluded.year, overview = excluded.overview, runtime = excluded.runtime,
             "releaseDate" = excluded."releaseDate", "originalLanguage" = excluded."originalLanguage",
             "tmdbPopularity" = excluded."tmdbPopularity", "voteAverage" = excluded."voteAverage",
             "voteCount" = excluded."voteCount", "posterPath" = excluded."posterPath", "updatedAt" = now()`,
          [a, b],
        );
        for (const t of ['MovieGenre', 'MovieKeyword', 'Credit']) {
          await client.query(`DELETE FROM "${t}" WHERE "movieId" = ANY($1::int[])`, [upd]);
        }
        await client.query(`INSERT INTO "MovieGenre" ("movieId", "genreId") SELECT * FROM unnest($1::int[], $2::int[]) ON CONFLICT DO NOTHING`, g);
        await client.query(`INSERT INTO "MovieKeyword" ("movieId", "keywordId") SELECT * FROM unnest($1::int[], $2::int[]) ON CONFLICT DO NOTHING`, k);
        await client.query(
          `INSERT INTO "Credit" ("movieId", "personId", kind, job, "order", character)
           SELECT m, p, k::"CreditKind", j, o, ch FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::int[], $6::text[]) AS x(m, p, k, j, o, ch)`,
          [c.m, c.p, c.kind, c.job, c.o, c.ch],
        );
        await client.query(
          `DELETE FROM "Tag" t USING "User" u WHERE t."movieId" = ANY($1::int[]) AND u.id = t."userId" AND u.kind = 'IMPORTED'`,
          [upd],
        );
        const tagRes = await client.query(
          `INSERT INTO "Tag" ("userId", "movieId", tag, "createdAt") SELECT u, m, t, to_timestamp(ts) FROM unnest($1::int[], $2::int[], $3::text[], $4::float8[]) AS x(u, m, t, ts)`,
          [tg.u, tg.m, tg.t, tg.ts],
        );
        summary.tagsWritten += tagRes.rowCount ?? 0;
        await client.query(
          `INSERT INTO "CatalogueFingerprint" ("movieId", hash) SELECT target_id, hash FROM ${s}.movie WHERE seq >= $1 AND seq < $2
           ON CONFLICT ("movieId") DO UPDATE SET hash = excluded.hash`,
          [a, b],
        );
        await client.query(`UPDATE ${s}.movie SET applied = true WHERE seq >= $1 AND seq < $2`, [a, b]);
      });
      movieBatch.record(b - a, ms);
      done = b;
      summary.moviesWritten = done;
      onProgress('switching movies', done, nChanged);
    }

    // Imported ratings: only rows whose value or time differ are written (and their old state kept for a rollback).
    const { rows: [{ n: nRatings }] } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${s}.rating`);
    const ratingBatch = budget(2_000, 50, 10_000);
    let matched = 0;
    onProgress('switching ratings', 0, nRatings);
    for (let a = 0; a < nRatings; ) {
      stop();
      const b = Math.min(nRatings, a + ratingBatch.size);
      const { rows } = await client.query<{ ml_user: number; ml_movie: number; value: number; ts: number }>(
        `SELECT ml_user, ml_movie, value, ts FROM ${s}.rating WHERE seq >= $1 AND seq < $2`,
        [a, b],
      );
      const r = { u: [] as number[], m: [] as number[], v: [] as number[], ts: [] as number[] };
      for (const x of rows) {
        const uid = userIds.get(x.ml_user);
        const mid = targetOf.get(x.ml_movie);
        if (uid === undefined || mid === undefined) continue;
        r.u.push(uid); r.m.push(mid); r.v.push(x.value); r.ts.push(x.ts);
      }
      matched += r.u.length;
      const ms = await timed(async () => {
        // One index lookup per row: the batch is small next to Rating.
        await client.query('SET LOCAL enable_hashjoin = off');
        await client.query('SET LOCAL enable_mergejoin = off');
        const res = await client.query<{ written: number }>(
          `WITH src AS (SELECT uid, mid, value, to_timestamp(ts)::timestamp(3) AS at FROM unnest($1::int[], $2::int[], $3::real[], $4::float8[]) AS x(uid, mid, value, ts)),
           chg AS (
             SELECT src.*, r."userId" IS NOT NULL AS existed, r.value AS old_value, r."createdAt" AS old_created, r."updatedAt" AS old_updated
             FROM src LEFT JOIN "Rating" r ON r."userId" = src.uid AND r."movieId" = src.mid
             WHERE r."userId" IS NULL OR r.value IS DISTINCT FROM src.value OR r."updatedAt" IS DISTINCT FROM src.at),
           undo AS (INSERT INTO ${s}.u_rating SELECT uid, mid, existed, old_value, old_created, old_updated FROM chg),
           ins AS (INSERT INTO "Rating" ("userId", "movieId", value, "createdAt", "updatedAt")
             SELECT uid, mid, value, at, at FROM chg
             ON CONFLICT ("userId", "movieId") DO UPDATE SET value = excluded.value, "updatedAt" = excluded."updatedAt"
             RETURNING 1)
           SELECT count(*)::int AS written FROM ins`,
          [r.u, r.m, r.v, r.ts],
        );
        summary.ratingsWritten += res.rows[0].written;
      });
      ratingBatch.record(b - a, ms);
      a = b;
      onProgress('switching ratings', a, nRatings);
    }
    summary.ratingsSkipped = nRatings - matched;

    await refreshStatsInBatches(client, onProgress, timed, budget(4_000, STATS_MIN_MOVIES, 20_000));
    return summary;
  });
}

/** The denormalised rating counts, refreshed in id ranges (one full-table UPDATE would hold PGlite for seconds). */
async function refreshStatsInBatches(
  client: pg.Client,
  onProgress: Progress,
  timed: (fn: () => Promise<void>) => Promise<number>,
  batch = new BatchBudget({ initial: 4_000, min: STATS_MIN_MOVIES, max: 20_000, targetMs: 150 }),
) {
  const { rows: [{ n }] } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Movie"`);
  onProgress('rating stats', 0, n);
  let after = -1;
  let done = 0;
  for (;;) {
    const { rows: [{ hi, c }] } = await client.query<{ hi: number | null; c: number }>(
      `SELECT max(id) AS hi, count(*)::int AS c FROM (SELECT id FROM "Movie" WHERE id > $1 ORDER BY id LIMIT $2) x`,
      [after, batch.size],
    );
    if (hi === null) break;
    const ms = await timed(async () => {
      await client.query(
        `UPDATE "Movie" m SET "ratingCount" = s.c, "ratingMean" = s.a
         FROM (SELECT m2.id, count(r."movieId")::int AS c, avg(r.value)::float8 AS a
               FROM "Movie" m2 LEFT JOIN "Rating" r ON r."movieId" = m2.id WHERE m2.id > $1 AND m2.id <= $2 GROUP BY m2.id) s
         WHERE m.id = s.id AND (m."ratingCount" IS DISTINCT FROM s.c OR m."ratingMean" IS DISTINCT FROM s.a)`,
        [after, hi],
      );
    });
    batch.record(c, ms);
    done += c;
    after = hi;
    onProgress('rating stats', Math.min(n, done), n);
  }
}

/**
 * Puts back what a switch changed, from the stage's undo rows, in short transactions: imported ratings, then the
 * replaced movies with their genres, credits, keywords, tags and fingerprints; movies and imported users the
 * switch added are removed, and so are names only they used. Safe to run again after a crash part way through.
 */
export async function rollbackStagedCatalogue(key: string, onProgress: Progress = () => {}): Promise<void> {
  const s = stageSchema(key);
  await withClient(async (client) => {
    const timed = (fn: () => Promise<void>) => tx(client, fn);
    const { rows: [{ n: nr }] } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${s}.u_rating`);
    onProgress('restoring ratings', 0, nr);
    await client.query(`CREATE INDEX IF NOT EXISTS u_rating_key ON ${s}.u_rating (user_id, movie_id)`);
    // Batches sized by time, as in the switch: members wait for a rollback's transactions too.
    const ratingBatch = new BatchBudget({ initial: 2_000, min: 50, max: 10_000, targetMs: 150, budgetMs: BUDGET_FACTOR * 150 });
    const ids = await client.query<{ user_id: number; movie_id: number }>(`SELECT user_id, movie_id FROM ${s}.u_rating ORDER BY 1, 2`);
    for (let a = 0; a < ids.rows.length; ) {
      const part = ids.rows.slice(a, a + ratingBatch.size);
      const ms = await timed(async () => {
        const keys = [part.map((r) => r.user_id), part.map((r) => r.movie_id)];
        await client.query(
          `DELETE FROM "Rating" r USING ${s}.u_rating u, unnest($1::int[], $2::int[]) AS k(uid, mid)
           WHERE u.user_id = k.uid AND u.movie_id = k.mid AND NOT u.existed AND r."userId" = k.uid AND r."movieId" = k.mid`,
          keys,
        );
        await client.query(
          `UPDATE "Rating" r SET value = u.value, "createdAt" = u.created_at, "updatedAt" = u.updated_at
           FROM ${s}.u_rating u, unnest($1::int[], $2::int[]) AS k(uid, mid)
           WHERE u.user_id = k.uid AND u.movie_id = k.mid AND u.existed AND r."userId" = k.uid AND r."movieId" = k.mid`,
          keys,
        );
      });
      ratingBatch.record(part.length, ms);
      a += part.length;
      onProgress('restoring ratings', Math.min(nr, a), nr);
    }

    const { rows: applied } = await client.query<{ target_id: number; action: string }>(
      `SELECT target_id, action FROM ${s}.movie WHERE applied ORDER BY target_id`,
    );
    onProgress('restoring movies', 0, applied.length);
    const movieBatch = new BatchBudget({ initial: 100, min: 5, max: 1_000, targetMs: 150, budgetMs: BUDGET_FACTOR * 150 });
    for (let a = 0; a < applied.length; ) {
      const part = applied.slice(a, a + movieBatch.size);
      const added = part.filter((m) => m.action === 'add').map((m) => m.target_id);
      const updated = part.filter((m) => m.action === 'update').map((m) => m.target_id);
      const ms = await timed(async () => {
        // Added movies go (with anything attached to them since); replaced ones get their old rows back.
        if (added.length) {
          await client.query(`DELETE FROM "Movie" WHERE id = ANY($1::int[])`, [added]);
          await client.query(`DELETE FROM "CatalogueFingerprint" WHERE "movieId" = ANY($1::int[])`, [added]);
        }
        if (!updated.length) return;
        await client.query(
          `UPDATE "Movie" m SET "tmdbId" = u."tmdbId", "imdbId" = u."imdbId", title = u.title, "originalTitle" = u."originalTitle", year = u.year, overview = u.overview,
             runtime = u.runtime, "releaseDate" = u."releaseDate", "originalLanguage" = u."originalLanguage",
             "tmdbPopularity" = u."tmdbPopularity", "voteAverage" = u."voteAverage", "voteCount" = u."voteCount",
             "posterPath" = u."posterPath", "createdAt" = u."createdAt", "updatedAt" = u."updatedAt"
           FROM ${s}.u_movie u WHERE u.id = m.id AND m.id = ANY($1::int[])`,
          [updated],
        );
        for (const t of ['MovieGenre', 'MovieKeyword', 'Credit']) {
          await client.query(`DELETE FROM "${t}" WHERE "movieId" = ANY($1::int[])`, [updated]);
        }
        await client.query(`DELETE FROM "Tag" t USING "User" u WHERE u.id = t."userId" AND u.kind = 'IMPORTED' AND t."movieId" = ANY($1::int[])`, [updated]);
        await client.query(`DELETE FROM "CatalogueFingerprint" WHERE "movieId" = ANY($1::int[])`, [updated]);
        await client.query(`INSERT INTO "MovieGenre" SELECT * FROM ${s}.u_genre WHERE "movieId" = ANY($1::int[])`, [updated]);
        await client.query(`INSERT INTO "MovieKeyword" SELECT * FROM ${s}.u_keyword WHERE "movieId" = ANY($1::int[])`, [updated]);
        await client.query(`INSERT INTO "Credit" SELECT * FROM ${s}.u_credit WHERE "movieId" = ANY($1::int[])`, [updated]);
        await client.query(`INSERT INTO "Tag" SELECT * FROM ${s}.u_tag WHERE "movieId" = ANY($1::int[]) ON CONFLICT DO NOTHING`, [updated]);
        await client.query(`INSERT INTO "CatalogueFingerprint" SELECT * FROM ${s}.u_fingerprint WHERE "movieId" = ANY($1::int[])`, [updated]);
      });
      await client.query(`UPDATE ${s}.movie SET applied = false WHERE target_id = ANY($1::int[])`, [part.map((m) => m.target_id)]);
      movieBatch.record(part.length, ms);
      a += part.length;
      onProgress('restoring movies', Math.min(applied.length, a), applied.length);
    }

    onProgress('removing added users and names', 0, 1);
    await timed(async () => {
      await client.query(`DELETE FROM "User" WHERE kind = 'IMPORTED' AND id IN (SELECT id FROM ${s}.u_new_user)`);
      await client.query(`DELETE FROM ${s}.u_new_user`);
    });
    for (const [table, join] of [['Genre', 'MovieGenre" WHERE "genreId'], ['Keyword', 'MovieKeyword" WHERE "keywordId'], ['Person', 'Credit" WHERE "personId']]) {
      await timed(async () => {
        await client.query(
          `DELETE FROM "${table}" x WHERE x.id IN (SELECT id FROM ${s}.u_new_name WHERE tbl = $1)
             AND NOT EXISTS (SELECT 1 FROM "${join}" = x.id)`,
          [table],
        );
      });
    }
    await client.query(`DELETE FROM ${s}.u_new_name`);
    await refreshStatsInBatches(client, onProgress, timed);
    await client.query(`UPDATE ${s}.state SET switch_started = false`);
    onProgress('removing added users and names', 1, 1);
  });
}

export async function dropStage(key: string): Promise<void> {
  await withClient((c) => c.query(`DROP SCHEMA IF EXISTS ${stageSchema(key)} CASCADE`).then(() => undefined));
}

/** Stages left by a killed reload: key and whether its switch had started (then it must be rolled back). */
export async function listStages(): Promise<{ key: string; switchStarted: boolean }[]> {
  return withClient(async (c) => {
    const { rows } = await c.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname LIKE $1`, [`${STAGE_PREFIX}%`]);
    const out: { key: string; switchStarted: boolean }[] = [];
    for (const { nspname } of rows) {
      const key = nspname.slice(STAGE_PREFIX.length);
      const st = await c
        .query<{ switch_started: boolean }>(`SELECT switch_started FROM ${stageSchema(key)}.state`)
        .catch(() => ({ rows: [] as { switch_started: boolean }[] }));
      out.push({ key, switchStarted: st.rows[0]?.switch_started ?? false });
    }
    return out;
  });
}

export async function countMovies(): Promise<number> {
  return withClient(async (client) => {
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM "Movie"');
    return rows[0].n;
  });
}
