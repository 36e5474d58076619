// `npm run model:import` end to end on a database of its own: the CLI reads Spark MLlib ALS models in the layouts
// Spark writes (tests/fixtures/spark-als, see generate.ts there: the ALSModel.save directory with DuckDB-written
// Parquet factors, and factor tables as JSON lines), trains the rest of the serving model around them and activates
// it, and the app serves it; a malformed or incomplete model is rejected with a clear message and writes nothing.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDatabase, sql } from './helpers';

const scratch = await scratchDatabase();
process.env.DATABASE_URL = scratch.url; // before any lib/server import: lib/env reads it once
const { db } = await import('../../lib/server/db');
const models = await import('../../lib/server/data/models');
const { deserializeModel } = await import('../../lib/recommender/core/serialize');
const { getServingModel } = await import('../../lib/server/services/model-cache');
const { buildForYouFeed } = await import('../../lib/server/services/for-you');
const { FeedQuery } = await import('../../lib/validation/feed');
type ServingModel = import('../../lib/recommender/serving').ServingModel;

const FIXTURES = resolve('tests', 'fixtures', 'spark-als');
const MOVIES = Array.from({ length: 20 }, (_, j) => 501 + j); // 501–510 cluster A, 511–520 cluster B
const USERS = Array.from({ length: 30 }, (_, u) => u + 1); // even ids like A, odd ids like B

async function runImport(
  itemDir: string,
  extra: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCli(['--item-factors', itemDir, '--user-factors', join(FIXTURES, 'userFactors'), ...extra]);
}

async function runCli(cliArgs: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = ['--conditions=react-server', 'scripts/model-import.ts', ...cliArgs];
  try {
    const { stdout, stderr } = await promisify(execFile)(resolve('node_modules', '.bin', 'tsx'), args, {
      env: { ...process.env, DATABASE_URL: scratch.url },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** The fixture's rows as id → features, read back independently of the importer. */
function fixtureRows(dir: string): Map<number, number[]> {
  const rows = new Map<number, number[]>();
  for (const name of readdirSync(dir).filter((n) => n.startsWith('part-'))) {
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean)) {
      const { id, features } = JSON.parse(line) as { id: number; features: number[] };
      rows.set(id, features);
    }
  }
  return rows;
}

beforeAll(async () => {
  await sql(
    `INSERT INTO "Movie" (id, title, year, "updatedAt") SELECT i, 'Movie ' || i, 2001, now() FROM unnest($1::int[]) i`,
    [MOVIES],
  );
  await sql(
    `INSERT INTO "User" (id, name, kind, "updatedAt") SELECT u, 'Rater ' || u, 'MEMBER', now() FROM unnest($1::int[]) u`,
    [USERS],
  );
  await sql(`SELECT setval(pg_get_serial_sequence('"User"', 'id'), 1000)`);
  const u: number[] = [];
  const m: number[] = [];
  const v: number[] = [];
  for (const user of USERS) {
    for (let j = 0; j < 12; j++) {
      const movie = MOVIES[(user * 5 + j * 3) % MOVIES.length];
      const likes = movie <= 510 === (user % 2 === 0);
      u.push(user);
      m.push(movie);
      v.push(likes ? 4.5 + (j % 2) * 0.5 : 1 + (j % 3) * 0.5);
    }
  }
  await sql(
    `INSERT INTO "Rating" ("userId", "movieId", value, "updatedAt") SELECT *, now() FROM unnest($1::int[], $2::int[], $3::real[]) ON CONFLICT DO NOTHING`,
    [u, m, v],
  );
});

const tmp = mkdtempSync(join(tmpdir(), 'model-import-'));
afterAll(async () => {
  rmSync(tmp, { recursive: true, force: true });
  await db.$disconnect();
  await scratch.drop();
});

describe('npm run model:import', () => {
  it('rejects a malformed table with file and line, and writes no model version', async () => {
    const out = await runImport(join(FIXTURES, 'malformed', 'itemFactors'));
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(
      /part-00001-11111111-2222-4333-8444-555555555555-c000\.json:3: id 515 has 3 features, expected k = 4/,
    );
    expect(out.stderr).toMatch(/Nothing was imported/);
    expect(await sql(`SELECT id FROM "ModelVersion"`)).toHaveLength(0);
  }, 120_000);

  it('imports Spark factors as the active model, byte for byte, with the fold-in parameters given', async () => {
    const out = await runImport(join(FIXTURES, 'itemFactors'), ['--reg', '5', '--alpha', '3']);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/read 20 item and 30 user factor rows \(k = 4\) from 4 files/);
    expect(out.stdout).toMatch(/model version \d+ is now active/);

    const active = await models.getActiveVersion();
    expect(active?.algorithm).toBe('hybrid-served-v2+spark-als');
    expect(active?.trigger).toBe('import');
    expect(active?.status).toBe('ACTIVE');
    const { meta, blobs } = await models.loadArtifacts(active!.id);
    const model = deserializeModel<ServingModel>(meta, blobs);
    expect(model.k).toBe(4);
    expect(Array.from(model.alsParams.subarray(0, 2))).toEqual([5, 3]);

    const items = fixtureRows(join(FIXTURES, 'itemFactors'));
    expect(model.itemIds.length).toBe(items.size);
    model.itemIds.forEach((movieId, idx) => {
      expect(Array.from(model.itemFactors.subarray(idx * 4, idx * 4 + 4))).toEqual(
        items.get(movieId)!.map(Math.fround),
      );
    });
    const users = fixtureRows(join(FIXTURES, 'userFactors'));
    model.userIds.forEach((userId, idx) => {
      expect(Array.from(model.userFactors.subarray(idx * 4, idx * 4 + 4))).toEqual(users.get(userId)!.map(Math.fround));
    });
    // The Gram matrix the fold-in solves against is recomputed from the imported item factors: YᵀY[0][1].
    let g01 = 0;
    for (const f of items.values()) g01 += Math.fround(f[0]) * Math.fround(f[1]);
    expect(model.itemGram[1]).toBeCloseTo(g01, 5);
  }, 300_000);

  it('refuses an ALSModel directory whose factors lack _SUCCESS, and writes no model version', async () => {
    const before = await sql(`SELECT id FROM "ModelVersion"`);
    const dir = join(tmp, 'partial-model');
    cpSync(join(FIXTURES, 'als-model'), dir, { recursive: true });
    unlinkSync(join(dir, 'userFactors', '_SUCCESS'));
    const out = await runCli(['--model', dir]);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/userFactors: _SUCCESS is missing, so Spark did not finish writing userFactors\//);
    expect(out.stderr).toMatch(/Nothing was imported/);
    expect(await sql(`SELECT id FROM "ModelVersion"`)).toHaveLength(before.length);
  }, 120_000);

  it('imports the directory ALSModel.save wrote (snappy Parquet factors) as a version the app activates and serves', async () => {
    const previous = await models.getActiveVersion();
    const out = await runCli(['--model', join(FIXTURES, 'als-model'), '--reg', '5', '--alpha', '3']);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(
      /org\.apache\.spark\.ml\.recommendation\.ALSModel als_4f1c2a9b7d3e from Spark 3\.5\.1, rank 4/,
    );
    expect(out.stdout).toMatch(/read 20 item and 30 user factor rows \(k = 4\) from 4 files/);
    expect(out.stdout).toMatch(/model version \d+ is now active/);

    const active = await models.getActiveVersion();
    expect(active!.id).not.toBe(previous?.id);
    expect(active?.trigger).toBe('import');
    const { meta, blobs } = await models.loadArtifacts(active!.id);
    const model = deserializeModel<ServingModel>(meta, blobs);
    const items = fixtureRows(join(FIXTURES, 'itemFactors')); // the same factors, as plain JSON
    model.itemIds.forEach((movieId, idx) => {
      expect(Array.from(model.itemFactors.subarray(idx * 4, idx * 4 + 4))).toEqual(
        items.get(movieId)!.map(Math.fround),
      );
    });

    // What a web process does: load the active version and build a member's For You from it.
    const loaded = await getServingModel();
    expect(loaded?.versionId).toBe(active!.id);
    const feed = await buildForYouFeed(2, FeedQuery.parse({ limit: 5, diversity: 0 }));
    expect(feed.modelVersion).toBe(active!.id);
    const rated = new Set(
      (await sql<{ movieId: number }>(`SELECT "movieId" FROM "Rating" WHERE "userId" = 2`)).map((r) => r.movieId),
    );
    expect(feed.items.length).toBeGreaterThan(0);
    for (const item of feed.items) expect(rated.has(item.movie.id)).toBe(false);
    // User 2 (even) likes movies 501–510 in the ratings and in the factors: an unrated one leads the feed.
    expect(feed.items[0].movie.id).toBeLessThanOrEqual(510);
  }, 300_000);
});
