// Worker supervision (issue 19): kill -9 the worker during a training run; npm start's supervisor starts it again,
// the new worker marks the interrupted version FAILED and fails the orphaned queue job so pg-boss retries it, and
// the retry trains a fresh version. While no worker is alive, an admin's retrain is refused with a message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDatabase, sql } from './helpers';

const scratch = await scratchDatabase();
process.env.DATABASE_URL = scratch.url; // before any lib/server import: lib/env reads it once
const hooks = await import('../../scripts/start-hooks');
const { getWorkerStatus } = await import('../../lib/server/data/worker-heartbeat');
const { enqueueRecompute } = await import('../../lib/server/jobs/recompute-model');
const { stopBoss } = await import('../../lib/server/jobs/queue');
const { db } = await import('../../lib/server/db');

const logLines: string[] = [];
const log = (line: string) => logLines.push(line);

async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
  everyMs = 100,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${logLines.join('\n')}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

beforeAll(async () => {
  // A small catalogue with planted tastes: 40 movies, 80 raters × 14 ratings.
  const ids = Array.from({ length: 40 }, (_, i) => 700 + i);
  await sql(
    `INSERT INTO "Movie" (id, title, year, "updatedAt") SELECT i, 'Movie ' || i, 2001, now() FROM unnest($1::int[]) i`,
    [ids],
  );
  const users = (
    await sql<{ id: number }>(
      `INSERT INTO "User" (name, kind, "updatedAt") SELECT 'Rater ' || k, 'MEMBER', now() FROM generate_series(1, 80) k RETURNING id`,
    )
  ).map((r) => r.id);
  const u: number[] = [];
  const m: number[] = [];
  const v: number[] = [];
  users.forEach((user, x) => {
    for (let j = 0; j < 14; j++) {
      u.push(user);
      m.push(ids[(x * 7 + j * 3) % 40]);
      v.push(((x + j) % 2 === 0 ? 4 : 2) + (j % 2) * 0.5);
    }
  });
  await sql(
    `INSERT INTO "Rating" ("userId", "movieId", value, "updatedAt") SELECT *, now() FROM unnest($1::int[], $2::int[], $3::real[]) ON CONFLICT DO NOTHING`,
    [u, m, v],
  );
});

afterAll(async () => {
  await hooks.beforeExit();
  await stopBoss();
  await db.$disconnect();
  await scratch.drop();
});

describe('worker supervision', () => {
  it('restarts a killed worker, fails the interrupted training and retries the job', async () => {
    hooks.startWorker({ ...process.env, DATABASE_URL: scratch.url }, log);
    const first = await until(
      'the first heartbeat',
      async () => (await getWorkerStatus()).alive && (await getWorkerStatus()),
      60_000,
    );
    // The worker has created the queues (two processes creating pg-boss's schema at once can deadlock).
    await until(
      'the worker to be ready',
      async () =>
        (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.queue`).catch(() => [{ n: 0 }]))[0].n >= 2,
      60_000,
    );
    const t0 = Date.now();
    const versionId = await enqueueRecompute('admin');
    await until(
      'training to start',
      async () =>
        (await sql<{ status: string }>(`SELECT status FROM "ModelVersion" WHERE id = $1`, [versionId]))[0]?.status ===
        'TRAINING',
      60_000,
      25,
    );
    const killedPid = hooks.currentWorkerPid()!;
    process.kill(killedPid, 'SIGKILL');
    const killedAt = Date.now();

    // Back within seconds: a new process, a new heartbeat.
    const back = await until(
      'a restarted worker',
      async () => {
        const s = await getWorkerStatus();
        return s.alive && s.pid !== first.pid && s.startedAt !== first.startedAt && s;
      },
      60_000,
    );
    const recoverySeconds = (Date.now() - killedAt) / 1000;
    expect(hooks.currentWorkerPid()).not.toBe(killedPid);
    expect(back.pid).toBe(hooks.currentWorkerPid());

    // The interrupted version says why, and the queue's retry trains a fresh version that goes live.
    const failed = await until(
      'the interrupted version to be marked failed',
      async () =>
        (
          await sql<{ status: string; reason: string }>(`SELECT status, reason FROM "ModelVersion" WHERE id = $1`, [
            versionId,
          ])
        )[0]?.status === 'FAILED' && true,
      30_000,
    );
    expect(failed).toBe(true);
    const retried = await until(
      'the retried job to train a new version',
      async () =>
        (
          await sql<{ id: number; status: string }>(
            `SELECT id, status FROM "ModelVersion" WHERE id > $1 AND status IN ('READY', 'ACTIVE', 'REJECTED') OR (id > $1 AND "isActive")`,
            [versionId],
          )
        )[0],
      90_000,
      500,
    );
    const retrySeconds = (Date.now() - killedAt) / 1000;
    const reason = (await sql<{ reason: string }>(`SELECT reason FROM "ModelVersion" WHERE id = $1`, [versionId]))[0]
      .reason;
    expect(reason).toMatch(/worker stopped/);
    expect(logLines.join('\n')).toMatch(/worker exited \(SIGKILL\); restarting in 1 s/);
    console.log(
      `[figures] worker kill: back in ${recoverySeconds.toFixed(1)} s, interrupted version #${versionId} failed, ` +
        `retry trained version #${retried.id} (${retried.status}) ${retrySeconds.toFixed(1)} s after the kill (${((Date.now() - t0) / 1000).toFixed(1)} s in all)`,
    );
  }, 240_000);

  it('refuses an admin retrain while no worker is alive, with a message', async () => {
    await hooks.beforeExit();
    await until('the worker to be down', async () => !(await getWorkerStatus()).alive, 30_000);
    await expect(enqueueRecompute('admin')).rejects.toThrow(/background worker is not running/);
  }, 60_000);
});
