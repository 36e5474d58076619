import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded';

describe('embedded PostgreSQL (PGlite behind the socket server)', () => {
  let embedded: EmbeddedPostgres;
  let pool: pg.Pool;

  beforeAll(async () => {
    embedded = await startEmbeddedPostgres(null, 12);
    pool = new pg.Pool({ connectionString: embedded.url, max: 8 });
  }, 60_000);

  afterAll(async () => {
    await pool?.end();
    await embedded?.stop();
  });

  it('answers concurrent parameterised queries from many connections, each with its own rows', async () => {
    // Each query is an extended-protocol batch (Parse/Bind/Describe/Execute/Sync) on the unnamed statement: two
    // connections' batches must not interleave in the one engine (pglite-socket issue #1046: "unnamed prepared
    // statement does not exist", or another query's rows).
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, k) =>
        k % 3 === 0
          ? pool.query<{ x: number }>('SELECT $1::int AS x', [k]).then((r) => r.rows[0].x)
          : k % 3 === 1
            ? pool
                .query<{ x: number; y: string }>('SELECT $1::int + 0 AS x, $2::text AS y', [k, `v${k}`])
                .then((r) => (r.rows[0].y === `v${k}` ? r.rows[0].x : -1))
            : // No parameters: pg sends a simple Query, which drops the unnamed statement of a batch it lands inside.
              pool
                .query<{ x: number }>(`SELECT ${k} AS x FROM generate_series(1, 200) LIMIT 1`)
                .then((r) => r.rows[0].x),
      ),
    );
    expect(answers).toEqual(Array.from({ length: 300 }, (_, k) => k));
  });

  it('answers small parameterised queries while large results stream out to other connections', async () => {
    await pool.query('CREATE TABLE big AS SELECT g AS v FROM generate_series(1, 200000) AS g');
    const big = Array.from({ length: 6 }, (_, k) =>
      pool
        .query<{ n: number }>('SELECT count(*)::int AS n, array_agg(v) AS a FROM big WHERE v > $1', [k])
        .then((r) => r.rows[0].n),
    );
    const small = Array.from({ length: 200 }, (_, k) =>
      pool.query<{ x: number }>('SELECT $1::int AS x', [k]).then((r) => r.rows[0].x),
    );
    expect(await Promise.all(big)).toEqual(Array.from({ length: 6 }, (_, k) => 200000 - k));
    expect(await Promise.all(small)).toEqual(Array.from({ length: 200 }, (_, k) => k));
  });

  it('answers while big parameter messages arrive in many socket chunks', async () => {
    // A Bind of ≈ 1 MB reaches the server in many TCP chunks; other connections' messages must not run in between.
    const ids = Array.from({ length: 150_000 }, (_, k) => k);
    const big = Array.from({ length: 4 }, (_, k) =>
      pool.query<{ n: number }>('SELECT array_length($1::int[], 1) + $2::int AS n', [ids, k]).then((r) => r.rows[0].n),
    );
    const small = Array.from({ length: 200 }, (_, k) =>
      k % 2
        ? pool.query<{ x: number }>('SELECT $1::int AS x', [k]).then((r) => r.rows[0].x)
        : pool.query<{ x: number }>(`SELECT ${k} AS x`).then((r) => r.rows[0].x),
    );
    const settled = await Promise.allSettled([...big, ...small]);
    expect(
      settled.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason)),
    ).toEqual([]);
    expect(settled.map((r) => (r as PromiseFulfilledResult<number>).value)).toEqual([
      ...Array.from({ length: 4 }, (_, k) => 150_000 + k),
      ...Array.from({ length: 200 }, (_, k) => k),
    ]);
  });

  it('keeps a transaction to its own connection while others query', async () => {
    await pool.query('CREATE TABLE t (v int)');
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('INSERT INTO t VALUES ($1)', [1]);
      const outside = pool.query<{ n: string }>('SELECT count(*) AS n FROM t WHERE v = $1', [1]);
      await client.query('INSERT INTO t VALUES ($1)', [2]);
      await client.query('COMMIT');
      expect((await outside).rows[0].n).toBe('1');
    } finally {
      client.release();
    }
  });
});
