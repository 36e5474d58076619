// A large history import confirmed as a background job (issue #21): queued with the member's choices, progress while
// it writes, one job per member at a time, a failed job writes nothing, and running the same file again is a no-op.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../lib/server/db';
import { env } from '../../lib/env';
import {
  failStaleImportJobs,
  getImportJob,
  getLatestImportJob,
  queueImportJob,
  takeImportJob,
} from '../../lib/server/data/member-imports';
import { beatWorker, markWorkerStopped } from '../../lib/server/data/worker-heartbeat';
import { runImportJob } from '../../lib/server/jobs/member-import';
import { stopBoss } from '../../lib/server/jobs/queue';
import {
  confirmHistoryImport,
  confirmOrQueueHistoryImport,
  previewHistoryImport,
} from '../../lib/server/services/history-import';
import type { ImportJobDto } from '../../lib/import/preview-types';
import { createUser, databaseUrl, sql, uniqueMovieId } from './helpers';

const tag = randomBytes(3).toString('hex');
const FILMS = 40;
const films: { id: number; title: string; year: number }[] = [];
const KEEP = { conflicts: 'keep' as const, perRow: {}, picks: {} };

beforeAll(async () => {
  for (let k = 0; k < FILMS; k++) {
    const f = { id: uniqueMovieId(), title: `Quarry ${tag} ${k}`, year: 1980 + (k % 30) };
    await sql(`INSERT INTO "Movie" (id, title, year, "updatedAt") VALUES ($1, $2, $3, now())`, [f.id, f.title, f.year]);
    films.push(f);
  }
});
afterAll(async () => {
  await markWorkerStopped();
  await stopBoss();
  await db.$disconnect();
});

/** A Letterboxd zip-less export as three CSVs in one: `rows` ratings over the films, plus watchlist and diary rows. */
function ratingsFile(rows: number, offset = 0): Uint8Array {
  const lines = ['Date,Name,Year,Letterboxd URI,Rating'];
  for (let i = 0; i < rows; i++) {
    const f = films[(i + offset) % FILMS];
    const day = String(1 + (i % 28)).padStart(2, '0');
    lines.push(`2018-03-${day},${f.title},${f.year},,${(1 + (i % 10)) / 2}`);
  }
  return new TextEncoder().encode(lines.join('\n'));
}

const counts = async (userId: number) =>
  (
    await sql<{ ratings: number; watchlist: number; taste: number }>(
      `SELECT (SELECT count(*)::int FROM "Rating" WHERE "userId" = $1) AS ratings,
              (SELECT count(*)::int FROM "WatchlistItem" WHERE "userId" = $1) AS watchlist,
              (SELECT "tasteVersion" FROM "User" WHERE id = $1) AS taste`,
      [userId],
    )
  )[0];

describe('history import as a background job', () => {
  it('queues a file of IMPORT_JOB_MIN_ROWS rows or more when a worker is alive, and writes a small one at once', async () => {
    const userId = await createUser();
    const small = await previewHistoryImport(userId, 'ratings.csv', ratingsFile(10));
    expect(await confirmOrQueueHistoryImport(userId, { importId: small, ...KEEP })).toMatchObject({ queued: false });
    expect((await counts(userId)).ratings).toBe(10);

    await beatWorker(new Date());
    const large = await previewHistoryImport(userId, 'ratings.csv', ratingsFile(env.IMPORT_JOB_MIN_ROWS));
    const outcome = await confirmOrQueueHistoryImport(userId, { importId: large, ...KEEP });
    expect(outcome).toMatchObject({ queued: true, job: { id: large, status: 'APPLYING', phase: 'queued' } });
    expect((await counts(userId)).ratings).toBe(10); // nothing written until the job runs
    expect(await getLatestImportJob(userId)).toMatchObject({ id: large, status: 'APPLYING' });

    await runImportJob(large); // what the worker does with the queued job
    const done = await getImportJob(userId, large);
    expect(done).toMatchObject({ status: 'APPLIED', phase: 'done', error: null });
    expect(done.summary).toMatchObject({ ratingsAdded: FILMS - 10 });
    expect((await counts(userId)).ratings).toBe(FILMS);
  });

  it('shows its phase and rows written while the transaction is open, and nothing of it before the commit', async () => {
    const userId = await createUser();
    const id = await previewHistoryImport(userId, 'ratings.csv', ratingsFile(500));
    await queueImportJob(userId, id, KEEP, 500);
    const before = await counts(userId);
    // Hold the member's row (as another write would) so the job's transaction waits at its very end: its taste bump.
    const blocker = new pg.Client({ connectionString: databaseUrl() });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query(`SELECT 1 FROM "User" WHERE id = $1 FOR NO KEY UPDATE`, [userId]);
    const running = runImportJob(id);
    let seen: ImportJobDto | undefined;
    try {
      await expect
        .poll(
          async () => {
            seen = await getImportJob(userId, id);
            return seen.phase === 'writing' && seen.rowsDone === seen.rowsTotal && seen.rowsTotal > 0;
          },
          { timeout: 20_000, interval: 50 },
        )
        .toBe(true);
      expect(seen).toMatchObject({ status: 'APPLYING', rowsTotal: FILMS });
      expect(await counts(userId)).toEqual(before); // written inside the open transaction: invisible
    } finally {
      await blocker.query('COMMIT');
      await blocker.end();
    }
    await running;
    expect(await getImportJob(userId, id)).toMatchObject({ status: 'APPLIED', rowsDone: FILMS, rowsTotal: FILMS });
    expect((await counts(userId)).ratings).toBe(FILMS);
  });

  it('runs one import per member at a time: a second job and a confirm in the request are refused', async () => {
    const userId = await createUser();
    const other = await createUser();
    const a = await previewHistoryImport(userId, 'ratings.csv', ratingsFile(20));
    const b = await previewHistoryImport(userId, 'ratings.csv', ratingsFile(5, 20));
    const c = await previewHistoryImport(other, 'ratings.csv', ratingsFile(5));
    await queueImportJob(userId, a, KEEP, 20);
    await expect(queueImportJob(userId, b, KEEP, 5)).rejects.toThrow(/Another import of yours is running/);
    await expect(confirmHistoryImport(userId, { importId: b, ...KEEP })).rejects.toThrow(
      /Another import of yours is running/,
    );
    await expect(confirmHistoryImport(userId, { importId: a, ...KEEP })).rejects.toThrow(/being written now/);
    await expect(queueImportJob(other, c, KEEP, 5)).resolves.toMatchObject({ status: 'APPLYING' }); // per member
    expect((await counts(userId)).ratings).toBe(0);

    await runImportJob(a);
    await runImportJob(a); // a second delivery of the same job does nothing
    expect((await counts(userId)).ratings).toBe(20);
    await expect(queueImportJob(userId, b, KEEP, 5)).resolves.toMatchObject({ status: 'APPLYING' });
    await runImportJob(b);
    await runImportJob(c);
    expect(await getImportJob(userId, b)).toMatchObject({ status: 'APPLIED' });
  });

  it('writes nothing when the job fails, says why, and the preview can be confirmed again', async () => {
    const userId = await createUser();
    const gone = { id: uniqueMovieId(), title: `Vanishing ${tag}`, year: 1999 };
    await sql(`INSERT INTO "Movie" (id, title, year, "updatedAt") VALUES ($1, $2, $3, now())`, [
      gone.id,
      gone.title,
      gone.year,
    ]);
    const csv = new TextEncoder().encode(
      [
        'Date,Name,Year,Letterboxd URI,Rating',
        ...films.slice(0, 30).map((f) => `2018-03-01,${f.title},${f.year},,4`),
        `2018-03-02,${gone.title},${gone.year},,5`,
      ].join('\n'),
    );
    const id = await previewHistoryImport(userId, 'ratings.csv', csv);
    await queueImportJob(userId, id, KEEP, 31);
    // A catalogue reload removes a film between the preview and the job: the insert of its rating fails.
    await sql(`DELETE FROM "Movie" WHERE id = $1`, [gone.id]);
    const before = await counts(userId);
    await expect(runImportJob(id)).rejects.toThrow();
    expect(await counts(userId)).toEqual(before); // not even the 30 good ratings, nor the taste bump
    const failed = await getImportJob(userId, id);
    expect(failed).toMatchObject({ status: 'PREVIEW', phase: 'failed' });
    expect(failed.error).toMatch(/nothing was written/);
    await expect(queueImportJob(userId, id, KEEP, 31)).resolves.toMatchObject({ status: 'APPLYING' });
  });

  it('re-importing the same large file as a job changes nothing', async () => {
    const userId = await createUser();
    const file = ratingsFile(env.IMPORT_JOB_MIN_ROWS);
    const first = await previewHistoryImport(userId, 'ratings.csv', file);
    await queueImportJob(userId, first, KEEP, env.IMPORT_JOB_MIN_ROWS);
    await runImportJob(first);
    const after = await counts(userId);
    const ratings = await sql(`SELECT "movieId", value, "updatedAt" FROM "Rating" WHERE "userId" = $1 ORDER BY 1`, [
      userId,
    ]);
    const again = await previewHistoryImport(userId, 'ratings.csv', file);
    await queueImportJob(userId, again, { ...KEEP, conflicts: 'replace' }, env.IMPORT_JOB_MIN_ROWS);
    await runImportJob(again);
    expect((await getImportJob(userId, again)).summary).toMatchObject({
      ratingsAdded: 0,
      ratingsReplaced: 0,
      watchlistAdded: 0,
    });
    expect(await counts(userId)).toEqual(after); // taste version not bumped either
    expect(
      await sql(`SELECT "movieId", value, "updatedAt" FROM "Rating" WHERE "userId" = $1 ORDER BY 1`, [userId]),
    ).toEqual(ratings);
  });

  it('fails a job a stopped worker left running, so the member can confirm it again', async () => {
    const userId = await createUser();
    const id = await previewHistoryImport(userId, 'ratings.csv', ratingsFile(5));
    await queueImportJob(userId, id, KEEP, 5);
    expect(await takeImportJob(id)).not.toBeNull(); // taken by a worker that then died
    expect(await failStaleImportJobs('The import stopped before it finished; nothing was written.')).toBe(1);
    expect(await getImportJob(userId, id)).toMatchObject({ status: 'PREVIEW', phase: 'failed' });
    expect((await counts(userId)).ratings).toBe(0);
  });
});
