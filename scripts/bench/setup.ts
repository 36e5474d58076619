/**
 * Bench steps 1–3 on a fresh database: schema, catalogue, the synthetic rating set mapped onto the catalogue, and the
 * members who will sign in; or (--db) the members of a database kept by an earlier run.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { createRng } from '../../lib/recommender/core/rng';
import { generateSynthetic } from '../../lib/recommender/eval/synth';
import { migrate } from '../../lib/db/migrate';
import { log, timed, type BenchRun } from './common';

export interface BenchMembers {
  emails: string[];
  password: string;
  memberIds: number[];
}

/** Steps 1–3: schema, catalogue, the synthetic rating set and the members who will sign in. */
export async function setUp(run: BenchRun): Promise<BenchMembers> {
  await timed('migrate', () => migrate(run.dbUrl, resolve('prisma', 'migrations'), { log: () => undefined }));
  const { importCatalogue } = await import('../../lib/server/services/catalogue-import');
  const { resolveDataDir } = await import('../../lib/server/services/data-source');
  const dataDir = resolveDataDir();
  if (!dataDir) throw new Error('no data folder with movielens/ml-latest-small: set DATA_DIR');
  const catalogue = await timed('importCatalogue', () => importCatalogue(dataDir));
  log(`catalogue: ${catalogue.movies} movies from ${dataDir}`);

  // --- synthetic ratings ----------------------------------------------------------------------------------------
  const gen = await timed('generate', () => {
    const u = new Int32Array(run.shape.ratings);
    const i = new Int32Array(run.shape.ratings);
    const r = new Float32Array(run.shape.ratings);
    const ts = new Int32Array(run.shape.ratings);
    let n = 0;
    generateSynthetic({ ...run.shape, seed: Number(run.args.seed) }, (user, item, rating, t) => {
      u[n] = user;
      i[n] = item;
      r[n] = rating;
      ts[n++] = t;
    });
    return { u: u.subarray(0, n), i: i.subarray(0, n), r: r.subarray(0, n), ts: ts.subarray(0, n), n };
  });
  log(`generated ${gen.n.toLocaleString('en')} ratings (${run.shape.users} users × ${run.shape.items} items)`);

  // Most-rated synthetic item ↔ most-rated catalogue movie, so popular titles stay popular.
  const byPopularity = (
    await run.pgc.query<{ id: number }>(
      `SELECT m.id FROM "Movie" m LEFT JOIN "Rating" r ON r."movieId" = m.id GROUP BY m.id ORDER BY count(r.*) DESC, m.id`,
    )
  ).rows.map((x) => x.id);
  const itemCount = new Int32Array(run.shape.items + 1);
  for (let x = 0; x < gen.n; x++) itemCount[gen.i[x]]++;
  const synthOrder = Array.from({ length: run.shape.items }, (_, x) => x + 1).sort(
    (a, b) => itemCount[b] - itemCount[a] || a - b,
  );
  const movieOf = new Int32Array(run.shape.items + 1);
  const extra: number[] = [];
  synthOrder.forEach((item, rank) => {
    if (rank < byPopularity.length) movieOf[item] = byPopularity[rank];
    else extra.push((movieOf[item] = 10_000_000 + rank));
  });

  await timed('loadRatings', async () => {
    // The bench set replaces MovieLens' 100k ratings and 610 users: the model trains on exactly the synthetic set.
    await run.pgc.query(`DELETE FROM "User" WHERE kind = 'IMPORTED'`);
    if (extra.length) {
      await run.pgc.query(
        `INSERT INTO "Movie" (id, title, year, "updatedAt") SELECT id, 'Synthetic movie ' || id, 2000, now() FROM unnest($1::int[]) id`,
        [extra],
      );
    }
    const users = Array.from({ length: run.shape.users }, (_, x) => x + 1);
    const ids = (
      await run.pgc.query<{ id: number; movielensId: number }>(
        `INSERT INTO "User" (name, kind, "movielensId", "updatedAt") SELECT 'Synthetic ' || m, 'IMPORTED', m, now() FROM unnest($1::int[]) m RETURNING id, "movielensId"`,
        [users],
      )
    ).rows;
    const userOf = new Int32Array(run.shape.users + 1);
    for (const row of ids) userOf[row.movielensId] = row.id;
    // COPY FROM STDIN in 1 MB chunks: ~3× the rows per second of batched INSERT … unnest (25M rows at ML-25M shape).
    const sink = run.pgc.query(
      copyFrom(`COPY "Rating" ("userId", "movieId", value, "createdAt", "updatedAt") FROM STDIN`),
    );
    async function* rows(): AsyncGenerator<string> {
      let chunk = '';
      for (let x = 0; x < gen.n; x++) {
        const at = new Date(gen.ts[x] * 1000).toISOString();
        chunk += `${userOf[gen.u[x]]}\t${movieOf[gen.i[x]]}\t${gen.r[x]}\t${at}\t${at}\n`;
        if (chunk.length > 1 << 20) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk) yield chunk;
    }
    await pipeline(Readable.from(rows()), sink);
    await run.pgc.query('ANALYZE "Rating"');
  });
  const ratingRows = Number((await run.pgc.query<{ n: string }>(`SELECT count(*) AS n FROM "Rating"`)).rows[0].n);
  log(`Rating table: ${ratingRows.toLocaleString('en')} rows`);

  // --- members who will sign in -----------------------------------------------------------------------------------
  const { hash } = await import('@node-rs/argon2');
  const password = `bench-${randomBytes(6).toString('hex')}`;
  const passwordHash = await hash(password);
  const emails = Array.from({ length: run.nMembers }, (_, x) => `bench-${x}@bench.reel.local`);
  const memberIds = (
    await run.pgc.query<{ id: number }>(
      `INSERT INTO "User" (name, email, "passwordHash", kind, "updatedAt") SELECT 'Bench ' || e, e, $2, 'MEMBER', now() FROM unnest($1::text[]) e RETURNING id`,
      [emails, passwordHash],
    )
  ).rows.map((x) => x.id);
  {
    const rng = createRng(Number(run.args.seed) + 7);
    const top = byPopularity.slice(0, 500);
    const mu: number[] = [];
    const mm: number[] = [];
    const vv: number[] = [];
    for (const id of memberIds) {
      const picked = new Set<number>();
      while (picked.size < 20) picked.add(top[rng.int(top.length)]);
      for (const m of picked) {
        mu.push(id);
        mm.push(m);
        vv.push(1 + rng.int(9) * 0.5);
      }
    }
    await run.pgc.query(
      `INSERT INTO "Rating" ("userId", "movieId", value, "updatedAt") SELECT u, m, v, now() FROM unnest($1::int[], $2::int[], $3::real[]) AS x(u, m, v)`,
      [mu, mm, vv],
    );
  }

  return { emails, password, memberIds };
}

/** --db: the members of a kept bench database, with a fresh password (the old one was never stored). */
export async function reuseMembers(run: BenchRun): Promise<BenchMembers> {
  await migrate(run.dbUrl, resolve('prisma', 'migrations'), { log: () => undefined });
  const { hash } = await import('@node-rs/argon2');
  const password = `bench-${randomBytes(6).toString('hex')}`;
  const rows = (
    await run.pgc.query<{ id: number; email: string }>(
      `UPDATE "User" SET "passwordHash" = $1 WHERE email LIKE 'bench-%@bench.reel.local' RETURNING id, email`,
      [await hash(password)],
    )
  ).rows.sort((x, y) => x.id - y.id);
  if (rows.length === 0) throw new Error(`${run.dbUrl} has no bench members: keep a full run's database with --keep`);
  log(`reusing ${run.dbUrl}: ${rows.length} members`);
  return { emails: rows.map((r) => r.email), password, memberIds: rows.map((r) => r.id) };
}
