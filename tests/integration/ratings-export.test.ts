// `npm run model:export-ratings` end to end on a database of its own: the CLI writes every rating as CSV part files
// in the layout a Spark job reads, and DuckDB (an independent CSV reader) reads them back to the same rows.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDatabase, sql } from './helpers';

const scratch = await scratchDatabase();
const tmp = mkdtempSync(join(tmpdir(), 'ratings-export-'));

async function runExport(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      resolve('node_modules', '.bin', 'tsx'),
      ['--conditions=react-server', 'scripts/ratings-export.ts', ...args],
      { env: { ...process.env, DATABASE_URL: scratch.url } },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** What Spark's `spark.read.option("header", true).schema("userId INT, movieId INT, rating FLOAT").csv(dir)` sees. */
async function readWithDuckDb(glob: string): Promise<{ userId: number; movieId: number; rating: number }[]> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const reader = await conn.runAndReadAll(
      `SELECT userId, movieId, rating FROM read_csv('${glob}', header = true, columns = {'userId': 'INTEGER', 'movieId': 'INTEGER', 'rating': 'FLOAT'}) ORDER BY userId, movieId`,
    );
    return reader.getRowObjectsJson() as { userId: number; movieId: number; rating: number }[];
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

let expected: { userId: number; movieId: number; rating: number }[];

beforeAll(async () => {
  const movies = Array.from({ length: 12 }, (_, j) => 701 + j);
  const users = Array.from({ length: 9 }, (_, u) => u + 1);
  await sql(
    `INSERT INTO "Movie" (id, title, year, "updatedAt") SELECT i, 'Movie ' || i, 1999, now() FROM unnest($1::int[]) i`,
    [movies],
    scratch.url,
  );
  await sql(
    `INSERT INTO "User" (id, name, kind, "updatedAt") SELECT u, 'Rater ' || u, 'MEMBER', now() FROM unnest($1::int[]) u`,
    [users],
    scratch.url,
  );
  const rows: { userId: number; movieId: number; rating: number }[] = [];
  for (const u of users)
    for (let j = 0; j < 3 + u; j++)
      rows.push({ userId: u, movieId: movies[(u * 5 + j) % 12], rating: 0.5 + ((u + j * 3) % 10) * 0.5 });
  await sql(
    `INSERT INTO "Rating" ("userId", "movieId", value, "updatedAt") SELECT *, now() FROM unnest($1::int[], $2::int[], $3::real[]) ON CONFLICT DO NOTHING`,
    [rows.map((r) => r.userId), rows.map((r) => r.movieId), rows.map((r) => r.rating)],
    scratch.url,
  );
  expected = (
    await sql<{ userId: number; movieId: number; value: number }>(
      `SELECT "userId", "movieId", value FROM "Rating" ORDER BY 1, 2`,
      [],
      scratch.url,
    )
  ).map((r) => ({ userId: r.userId, movieId: r.movieId, rating: r.value }));
});

afterAll(async () => {
  rmSync(tmp, { recursive: true, force: true });
  await scratch.drop();
});

describe('npm run model:export-ratings', () => {
  it('writes gzip CSV parts with a header each that DuckDB reads back to the database rows, plus _SUCCESS and a manifest', async () => {
    const out = join(tmp, 'gz');
    const res = await runExport(['--out', out, '--rows-per-file', '20', '--gzip']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const parts = Math.ceil(expected.length / 20);
    expect(res.stdout).toMatch(new RegExp(`wrote ${expected.length} ratings in ${parts} file\\(s\\)`));
    expect(readdirSync(out).sort()).toEqual([
      '_SUCCESS',
      '_reel-export.json',
      ...Array.from({ length: parts }, (_, p) => `part-${String(p).padStart(5, '0')}-reel.csv.gz`),
    ]);
    expect(await readWithDuckDb(join(out, 'part-*.csv.gz'))).toEqual(expected);

    const manifest = JSON.parse(readFileSync(join(out, '_reel-export.json'), 'utf8'));
    expect(manifest).toMatchObject({
      format: 'csv.gz',
      rows: expected.length,
      users: 9,
      schema: 'userId INT, movieId INT, rating FLOAT',
    });
    expect(manifest.sparkAls).toMatchObject({
      implicitPrefs: true,
      rank: 64,
      maxIter: 15,
      alpha: 2,
      nonnegative: false,
      coldStartStrategy: 'drop',
      threshold: 3.5,
    });
    // regParam = λ / median positives per user, counted here from the database rows.
    const positives = new Map<number, number>();
    for (const r of expected) if (r.rating >= 3.5) positives.set(r.userId, (positives.get(r.userId) ?? 0) + 1);
    const counts = [...positives.values()].sort((a, b) => a - b);
    const med =
      counts.length % 2 ? counts[counts.length >> 1] : (counts[counts.length / 2 - 1] + counts[counts.length / 2]) / 2;
    expect(manifest.sparkAls.regParam).toBeCloseTo(20 / med, 3);
  }, 120_000);

  it('writes plain CSV parts in (userId, movieId) order, one header line per part', async () => {
    const out = join(tmp, 'plain');
    const res = await runExport(['--out', out]);
    expect(res.code).toBe(0);
    const text = readFileSync(join(out, 'part-00000-reel.csv'), 'utf8');
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('userId,movieId,rating');
    expect(lines.slice(1)).toEqual(expected.map((r) => `${r.userId},${r.movieId},${r.rating}`));
    expect(await readWithDuckDb(join(out, 'part-*.csv'))).toEqual(expected);
  }, 120_000);

  it('refuses a non-empty output directory and bad options, writing nothing', async () => {
    const out = join(tmp, 'busy');
    mkdirSync(out);
    writeFileSync(join(out, 'part-00000-old.csv'), 'old');
    const res = await runExport(['--out', out]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/busy is not empty: pick a new directory/);
    expect(readdirSync(out)).toEqual(['part-00000-old.csv']);
    const bad = await runExport(['--out', join(tmp, 'never'), '--rows-per-file', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--rows-per-file must be a positive integer/);
    expect(existsSync(join(tmp, 'never'))).toBe(false);
  }, 120_000);
});
