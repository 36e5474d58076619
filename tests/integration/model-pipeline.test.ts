// The model pipeline on a real database of its own: training writes a version, activation is atomic, a failed or
// killed run leaves the active model serving, rollback is a pointer switch, and a new rating moves the feed at once.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDatabase, sql } from './helpers';

const scratch = await scratchDatabase();
process.env.DATABASE_URL = scratch.url; // before any lib/server import: lib/env reads it once
const { db } = await import('../../lib/server/db');
const { recomputeModel } = await import('../../lib/server/services/model-training');
const models = await import('../../lib/server/data/models');
const { buildForYouFeed } = await import('../../lib/server/services/for-you');
const { upsertRating } = await import('../../lib/server/data/ratings');
const { listVersionLog } = await import('../../lib/server/data/model-logs');
const { openTrainingLog } = await import('../../lib/server/services/training-log');
const { getServingModel } = await import('../../lib/server/services/model-cache');
const { FeedQuery } = await import('../../lib/validation/feed');
const { getSimilarMovies } = await import('../../lib/server/services/similar-movies');
const { predictUserRating } = await import('../../lib/server/services/for-you');
const { setFavouriteGenres } = await import('../../lib/server/data/preferences');
const { DEFAULT_SERVING, predictRating, ratingContext, trainedOn } = await import('../../lib/recommender/serving');

const N_MOVIES = 40;
/** An Alpha movie nobody has rated (a new catalogue entry). */
const UNRATED = 540;
const alpha: number[] = []; // movies 0..19: genre Alpha; 20..39: genre Beta
const beta: number[] = [];

beforeAll(async () => {
  const ids = Array.from({ length: N_MOVIES }, (_, i) => 500 + i);
  await sql(
    `INSERT INTO "Movie" (id, title, year, "updatedAt") SELECT i, 'Movie ' || i, 2000, now() FROM unnest($1::int[]) i`,
    [[...ids, UNRATED]],
  );
  alpha.push(...ids.slice(0, 20));
  beta.push(...ids.slice(20));
  await sql(`INSERT INTO "Genre" (name) VALUES ('Alpha'), ('Beta')`);
  await sql(
    `INSERT INTO "MovieGenre" ("movieId", "genreId") SELECT m, (SELECT id FROM "Genre" WHERE name = CASE WHEN m < 520 THEN 'Alpha' ELSE 'Beta' END) FROM unnest($1::int[]) m`,
    [ids],
  );
  await sql(`INSERT INTO "MovieGenre" ("movieId", "genreId") SELECT $1, id FROM "Genre" WHERE name = 'Alpha'`, [
    UNRATED,
  ]);
  // 80 raters with planted tastes: even raters love Alpha and dislike Beta, odd raters the reverse.
  const users = (
    await sql<{ id: number }>(
      `INSERT INTO "User" (name, kind, "updatedAt") SELECT 'Rater ' || k, 'MEMBER', now() FROM generate_series(1, 80) k RETURNING id`,
    )
  ).map((r) => r.id);
  const u: number[] = [];
  const m: number[] = [];
  const v: number[] = [];
  users.forEach((user, x) => {
    const likesAlpha = x % 2 === 0;
    for (let j = 0; j < 14; j++) {
      const movie = ids[(x * 7 + j * 3) % N_MOVIES];
      const isAlpha = movie < 520;
      u.push(user);
      m.push(movie);
      v.push(isAlpha === likesAlpha ? 4.5 + (j % 2) * 0.5 : 1 + (j % 3) * 0.5);
    }
  });
  await sql(
    `INSERT INTO "Rating" ("userId", "movieId", value, "updatedAt") SELECT * , now() FROM unnest($1::int[], $2::int[], $3::real[]) ON CONFLICT DO NOTHING`,
    [u, m, v],
  );
});

afterAll(async () => {
  await db.$disconnect();
  await scratch.drop();
});

async function activeId() {
  return (await models.getActiveVersion())?.id ?? null;
}

describe('model pipeline', () => {
  let first: number;

  it('trains, stores and activates a first version', async () => {
    const result = await recomputeModel({ trigger: 'test' });
    expect(result.activated).toBe(true);
    first = result.versionId;
    const v = (await models.listVersions()).find((x) => x.id === first)!;
    expect(v.status).toBe('ACTIVE');
    expect(v.metrics?.['ndcg@10']).toBeGreaterThan(0);
    // The coverage floor ran on the served model: its lists' share of the catalogue is recorded, at or above the
    // floor (this small catalogue is easy to cover) and at most all of it.
    expect(v.metrics?.['served coverage@10']).toBeGreaterThanOrEqual(DEFAULT_SERVING.params.coverageFloor);
    expect(v.metrics?.['served coverage@10']).toBeLessThanOrEqual(1);
    expect(v.dataCounts).toMatchObject({ items: N_MOVIES + 1, users: 80 });
    const artifacts = await sql<{ name: string; length: number }>(
      `SELECT name, length FROM "ModelArtifact" WHERE "modelVersionId" = $1`,
      [first],
    );
    const names = artifacts.map((a) => a.name);
    expect(names).toEqual(
      expect.arrayContaining(['$meta', 'itemFactors', 'userFactors', 'knn.indices', 'content.indices', 'itemIds']),
    );
    expect(artifacts.find((a) => a.name === 'itemFactors')!.length).toBe((N_MOVIES + 1) * 64);
    const loaded = await getServingModel();
    expect(loaded?.versionId).toBe(first);
    // The job's log lines are stored for the version, numbered in order (listed newest first).
    const log = await listVersionLog(first);
    const lines = log.map((l) => l.message).reverse();
    expect(log.map((l) => l.seq)).toEqual([...log.keys()].map((k) => log.length - 1 - k));
    expect(lines[0]).toMatch(/^training started: trigger test, algorithm hybrid-served-v2/);
    expect(lines).toContainEqual(expect.stringMatching(/^snapshot: 1,120 ratings by 80 members on 41 items/));
    expect(lines).toContainEqual(expect.stringMatching(/^fitting final model \(\d+ %\)$/));
    expect(lines).toContainEqual(expect.stringMatching(/^validation: .*ndcg@10 0\.\d{4}/));
    expect(lines).toContainEqual(expect.stringMatching(/^saved \d+ tables \([\d.]+ MB\) in [\d.]+ s$/));
    expect(lines.at(-1)).toMatch(/^activated; total [\d.]+ s$/);
    expect(log.every((l) => l.level === 'info')).toBe(true);
  }, 300_000);

  it('knows a movie nobody has rated yet: content neighbours and a predicted rating', async () => {
    const similar = (await getSimilarMovies(UNRATED)).map((m) => m.id);
    expect(similar.length).toBeGreaterThanOrEqual(5);
    expect(similar.every((id) => alpha.includes(id))).toBe(true);
    const [{ id: fan }] = await sql<{ id: number }>(
      `INSERT INTO "User" (name, kind, "updatedAt") VALUES ('Fan', 'MEMBER', now()) RETURNING id`,
    );
    for (const movie of alpha.slice(0, 4)) await upsertRating(fan, movie, 5);
    const predicted = await predictUserRating(fan, UNRATED);
    expect(predicted).not.toBeNull();
    expect(predicted!).toBeGreaterThanOrEqual(0.5);
    expect(predicted!).toBeLessThanOrEqual(5);
  }, 60_000);

  it('predicts for a member the model was not trained on by the biases base, and for a trained-on member by the blend', async () => {
    const loaded = (await getServingModel())!;
    const { model, itemIndex } = loaded;
    const [{ id: fresh }] = await sql<{ id: number }>(
      `INSERT INTO "User" (name, kind, "updatedAt") VALUES ('Newcomer', 'MEMBER', now()) RETURNING id`,
    );
    const mine = [...alpha.slice(0, 5), ...beta.slice(0, 3)];
    for (const [x, movie] of mine.entries()) await upsertRating(fresh, movie, x < 5 ? 5 : 1.5);
    expect(trainedOn(model, fresh)).toBe(false);
    expect(mine.length).toBeGreaterThan(model.coldUserThreshold);
    const target = alpha[10];
    const user = {
      itemIdx: Int32Array.from(mine, (m) => itemIndex.get(m)!),
      values: Float32Array.from(mine, (_, x) => (x < 5 ? 5 : 1.5)),
    };
    const ctx = ratingContext(model, user);
    const biases = Math.min(
      5,
      Math.max(0.5, model.globalMean + ctx.buBase + model.baseItemBias[itemIndex.get(target)!]),
    );
    expect(await predictUserRating(fresh, target)).toBeCloseTo(biases, 5);
    // A member of the training snapshot with a history is predicted by the blend.
    const [{ userId: known }] = await sql<{ userId: number }>(
      `SELECT "userId" FROM "Rating" GROUP BY "userId" HAVING count(*) > $1 ORDER BY "userId" LIMIT 1`,
      [model.coldUserThreshold],
    );
    expect(trainedOn(model, known)).toBe(true);
    const rows = await sql<{ movieId: number; value: number }>(
      `SELECT "movieId", value FROM "Rating" WHERE "userId" = $1`,
      [known],
    );
    const theirs = {
      itemIdx: Int32Array.from(rows, (r) => itemIndex.get(r.movieId)!),
      values: Float32Array.from(rows, (r) => r.value),
    };
    const unrated = [...alpha, ...beta].find((m) => !rows.some((r) => r.movieId === m))!;
    expect(await predictUserRating(known, unrated)).toBeCloseTo(
      predictRating(model, theirs, itemIndex.get(unrated)!),
      5,
    );
  }, 60_000);

  it('moves the next For You response as soon as a user rates', async () => {
    const [{ id: userId }] = await sql<{ id: number }>(
      `INSERT INTO "User" (name, kind, "updatedAt") VALUES ('Fresh', 'MEMBER', now()) RETURNING id`,
    );
    const query = FeedQuery.parse({ limit: 10, diversity: 0 });
    const before = (await buildForYouFeed(userId, query)).items.map((i) => i.movie.id);
    for (const movie of alpha.slice(0, 3)) await upsertRating(userId, movie, 5);
    await upsertRating(userId, beta[0], 1);
    const after = await buildForYouFeed(userId, query);
    const ids = after.items.map((i) => i.movie.id);
    expect(ids).not.toEqual(before);
    for (const rated of [...alpha.slice(0, 3), beta[0]]) expect(ids).not.toContain(rated);
    // The folded-in taste puts Alpha movies on top.
    const topAlpha = ids.slice(0, 5).filter((id) => alpha.includes(id)).length;
    expect(topAlpha).toBeGreaterThanOrEqual(4);
    for (const item of after.items) {
      expect(item.reason.length).toBeGreaterThan(0);
      expect(item.predicted).toBeGreaterThanOrEqual(0.5);
      expect(item.predicted).toBeLessThanOrEqual(5);
    }
  }, 60_000);

  it('pages through a diversified For You list: each page continues the last, with no repeats and a next cursor', async () => {
    const [{ id: userId }] = await sql<{ id: number }>(
      `INSERT INTO "User" (name, kind, "updatedAt") VALUES ('Pager', 'MEMBER', now()) RETURNING id`,
    );
    await upsertRating(userId, alpha[1], 5);
    await upsertRating(userId, beta[1], 2);
    const page = (cursor: number, limit: number) =>
      buildForYouFeed(userId, FeedQuery.parse({ cursor, limit, diversity: 0.6 }));
    const [p1, p2, p3, whole] = await Promise.all([page(0, 7), page(7, 7), page(14, 7), page(0, 21)]);
    expect(p1.nextCursor).toBe(7);
    expect(p2.nextCursor).toBe(14);
    const ids = [...p1.items, ...p2.items, ...p3.items].map((i) => i.movie.id);
    expect(ids).toEqual(whole.items.map((i) => i.movie.id));
    expect(new Set(ids).size).toBe(21);
    // 41 movies − 2 rated = 39 candidates: the last page says there is no more.
    const last = await page(35, 7);
    expect(last.items).toHaveLength(4);
    expect(last.nextCursor).toBeNull();
  }, 60_000);

  it("leads a new member's list with the genres they picked, until their ratings take over", async () => {
    const [{ id: userId }] = await sql<{ id: number }>(
      `INSERT INTO "User" (name, kind, "updatedAt") VALUES ('Picky', 'MEMBER', now()) RETURNING id`,
    );
    const query = FeedQuery.parse({ limit: 10, diversity: 0 });
    const top = async () => (await buildForYouFeed(userId, query)).items;

    await setFavouriteGenres(userId, ['Beta']);
    const betaFirst = await top();
    expect(betaFirst.map((i) => i.movie.id).every((id) => beta.includes(id))).toBe(true);
    expect(betaFirst.some((i) => i.reason === 'Popular in Beta, a genre you picked')).toBe(true);

    await setFavouriteGenres(userId, ['Alpha']);
    expect((await top()).map((i) => i.movie.id).every((id) => alpha.includes(id) || id === UNRATED)).toBe(true);

    // Six ratings (past the cold threshold of 5), all loving Beta: the ratings win over the onboarding pick.
    for (const movie of beta.slice(0, 6)) await upsertRating(userId, movie, 5);
    const warm = (await top()).map((i) => i.movie.id);
    expect(warm.slice(0, 5).filter((id) => beta.includes(id)).length).toBeGreaterThanOrEqual(4);
  }, 60_000);

  it('keeps the active model when a run fails, and marks the run failed', async () => {
    await expect(recomputeModel({ trigger: 'test', failAtPhase: 'fitting final model' })).rejects.toThrow(
      /injected failure/,
    );
    const failed = (await models.listVersions())[0];
    expect(failed.status).toBe('FAILED');
    expect(failed.reason).toMatch(/injected failure/);
    expect(await activeId()).toBe(first);
    // Its log holds the lines up to the failure, and the error line last.
    const [last, ...earlier] = await listVersionLog(failed.id);
    expect(last).toMatchObject({ level: 'error' });
    expect(last.message).toMatch(/^failed during fitting final model after [\d.]+ s: injected failure/);
    expect(earlier.map((l) => l.message)).toContainEqual(expect.stringMatching(/^snapshot: /));
  }, 300_000);

  it('caps the lines kept per version, always keeping the error line', async () => {
    const [{ id }] = await sql<{ id: number }>(
      `INSERT INTO "ModelVersion" (algorithm, params, trigger, status) VALUES ('x', '{}', 'test', 'FAILED') RETURNING id`,
    );
    const log = await openTrainingLog(id, { maxLines: 10 });
    for (let x = 0; x < 30; x++) log.info(`line ${x}`);
    log.error('boom');
    await log.flush();
    const lines = (await listVersionLog(id)).reverse();
    expect(lines.map((l) => l.message)).toEqual([
      ...Array.from({ length: 9 }, (_, x) => `line ${x}`),
      'log limit of 10 lines reached: further lines are not kept (errors still are)',
      'boom',
    ]);
    expect(lines.map((l) => l.level).slice(-2)).toEqual(['warn', 'error']);
    // A second run on the same version continues the numbering.
    const again = await openTrainingLog(id, { maxLines: 100 });
    again.info('retried');
    await again.flush();
    expect((await listVersionLog(id, 1))[0]).toMatchObject({ seq: 11, message: 'retried' });
  });

  it('keeps the active model when the training process is killed, and a retry works', async () => {
    const child = spawn(
      resolve('node_modules', '.bin', 'tsx'),
      ['--conditions=react-server', resolve('tests/integration/fixtures/train-child.ts')],
      {
        env: { ...process.env, DATABASE_URL: scratch.url },
        stdio: 'ignore',
        detached: true, // own process group: tsx runs the script in a grandchild, which must die too
      },
    );
    // Kill it once its version row shows it is training and its log has its snapshot line (written while it runs).
    for (let t = 0; t < 600; t++) {
      const [row] = await sql<{ status: string; lines: number }>(
        `SELECT status, (SELECT count(*)::int FROM "ModelVersionLog" l WHERE l."modelVersionId" = v.id AND l.message LIKE 'snapshot:%') AS lines
         FROM "ModelVersion" v ORDER BY id DESC LIMIT 1`,
      );
      if (row?.status === 'TRAINING' && row.lines > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
    expect((await models.listVersions())[0].status).toBe('TRAINING');
    expect(await activeId()).toBe(first);
    // What the worker does when it starts again:
    expect(await models.failStaleTraining('the worker stopped while this version was training')).toBe(1);
    const killed = (await models.listVersions())[0];
    expect(killed.status).toBe('FAILED');
    const killedLog = await listVersionLog(killed.id);
    expect(killedLog[0]).toMatchObject({
      level: 'error',
      message: 'the worker stopped while this version was training',
    });
    expect(killedLog.map((l) => l.message)).toContainEqual(expect.stringMatching(/^snapshot: /));
    const retry = await recomputeModel({ trigger: 'test' });
    expect(retry.activated).toBe(true);
    expect(await activeId()).toBe(retry.versionId);
  }, 300_000);

  it('rolls back to an older version with one switch', async () => {
    const newest = await activeId();
    expect(newest).not.toBe(first);
    await models.activateVersion(first);
    expect(await activeId()).toBe(first);
    const rows = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM "ModelVersion" WHERE "isActive"`);
    expect(rows[0].n).toBe(1);
    await new Promise((r) => setTimeout(r, 5_100)); // the serving cache re-checks every 5 s
    expect((await getServingModel())?.versionId).toBe(first);
  }, 60_000);

  it('refuses to activate a version without a stored model', async () => {
    const failed = (await models.listVersions()).find((v) => v.status === 'FAILED')!;
    await expect(models.activateVersion(failed.id)).rejects.toThrow(/no stored model/);
    expect(await activeId()).toBe(first);
  });

  it('enforces a single active version in the database', async () => {
    const other = (await models.listVersions()).find((v) => v.status === 'READY')!;
    await expect(sql(`UPDATE "ModelVersion" SET "isActive" = true WHERE id = $1`, [other.id])).rejects.toThrow(
      /ModelVersion_one_active/,
    );
  });
});
