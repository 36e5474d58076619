import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type PgBoss from 'pg-boss';
import { afterAll, describe, expect, it } from 'vitest';
import {
  countImportRejects,
  createImport,
  getImport,
  listImportRejects,
  listImports,
  requestCancel,
} from '../../lib/server/data/imports';
import { rejectsCsv } from '../../lib/validation/rejects-csv';
import { handleImport } from '../../lib/server/jobs/import-catalogue-handler';
import { enqueueApply } from '../../lib/server/jobs/import-catalogue';
import {
  newUploadId,
  removeCatalogueFiles,
  sweepCatalogueFolders,
  uploadDir,
} from '../../lib/server/services/catalogue-sources';
import type { ImportJob } from '../../lib/server/jobs/queue';
import { writeSyntheticCatalogue } from '../fixtures/synthetic-catalogue';
import { createUser, sql, uniqueEmail, uniqueMovieId } from './helpers';

const job = (importId: number) =>
  [{ id: `it-${importId}`, name: 'import-catalogue', data: { importId } }] as unknown as PgBoss.Job<ImportJob>[];

describe('catalogue jobs', () => {
  const root = mkdtempSync(join(tmpdir(), 'reel-jobs-'));
  const firstId = uniqueMovieId();
  for (let i = 0; i < 60; i++) uniqueMovieId();
  const cat = writeSyntheticCatalogue(join(root, 'c'), { movies: 40, firstId, seed: 11 });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('runs a dry run, then its reload, recording progress, counts, who and how long', async () => {
    const admin = await createUser({ email: uniqueEmail('jobs-admin') });
    const previewId = await createImport({
      requestedBy: admin,
      dataDir: cat.dir,
      kind: 'PREVIEW',
      source: { type: 'upload', label: 'movies.csv, links.csv' },
    });
    await handleImport(job(previewId));
    const preview = await getImport(previewId);
    expect(preview).toMatchObject({
      status: 'SUCCEEDED',
      kind: 'PREVIEW',
      report: expect.objectContaining({ added: 40, rejected: 0 }),
    });
    expect(await sql(`SELECT 1 FROM "Movie" WHERE id = $1`, [firstId])).toHaveLength(0); // a dry run writes nothing

    const applyId = await createImport({
      requestedBy: admin,
      dataDir: cat.dir,
      kind: 'APPLY',
      previewId,
      maxRejectShare: 0.01,
    });
    await handleImport(job(applyId));
    const done = await getImport(applyId);
    expect(done).toMatchObject({
      status: 'SUCCEEDED',
      kind: 'APPLY',
      previewId,
      report: expect.objectContaining({ added: 40 }),
    });
    expect(done.startedAt).not.toBeNull();
    expect(Date.parse(done.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(done.startedAt!));
    expect(done.requestedBy).toMatch(/jobs-admin/);
    expect(await sql(`SELECT title FROM "Movie" WHERE id = $1`, [firstId])).toEqual([{ title: cat.titles[0] }]);
    // A folder that is not an upload or download (the server's data folder) is never deleted.
    expect(existsSync(cat.dir)).toBe(true);
  });

  it("deletes an upload's files once its reload is applied, cancelled or failed, and keeps a dry run's for its reload", async () => {
    const admin = await createUser({ email: uniqueEmail('jobs-upload') });
    const upload = (movies: number, extra: string[] = []) => {
      const dir = uploadDir(newUploadId());
      writeSyntheticCatalogue(dir, {
        movies,
        firstId: uniqueMovieId(),
        seed: 13,
        withRatings: false,
        extraMovieLines: extra,
      });
      for (let i = 1; i < movies + 5; i++) uniqueMovieId();
      return dir;
    };
    const preview = async (dir: string) => {
      const id = await createImport({
        requestedBy: admin,
        dataDir: dir,
        kind: 'PREVIEW',
        source: { type: 'upload', label: 'movies.csv' },
      });
      await handleImport(job(id));
      return id;
    };
    const apply = async (dir: string, previewId: number) => {
      const id = await createImport({
        requestedBy: admin,
        dataDir: dir,
        kind: 'APPLY',
        previewId,
        maxRejectShare: 0.01,
      });
      await handleImport(job(id));
      return id;
    };

    // Applied: the dry run keeps the files, the reload deletes them.
    const good = upload(6);
    const p1 = await preview(good);
    expect((await getImport(p1)).status).toBe('SUCCEEDED');
    expect(existsSync(good)).toBe(true);
    expect((await getImport(await apply(good, p1))).status).toBe('SUCCEEDED');
    expect(existsSync(good)).toBe(false);
    // A reload of a dry run whose files are gone is refused with what to do.
    await expect(enqueueApply(admin, p1, 0.01)).rejects.toThrow(/files of this dry run were removed/);

    // Failed (above the threshold): deleted.
    const bad = upload(4, ['x,Broken (2000),Drama']);
    const p2 = await preview(bad);
    expect((await getImport(await apply(bad, p2))).status).toBe('FAILED');
    expect(existsSync(bad)).toBe(false);

    // Cancelled before it started: deleted when the worker picks it up.
    const cancelled = upload(3);
    const p3 = await preview(cancelled);
    const a3 = await createImport({ requestedBy: admin, dataDir: cancelled, kind: 'APPLY', previewId: p3 });
    expect(await requestCancel(a3)).toBe(true);
    await handleImport(job(a3));
    expect((await getImport(a3)).status).toBe('CANCELLED');
    expect(existsSync(cancelled)).toBe(false);

    // A dry run that failed (no movies.csv): its files are of no use, deleted.
    const empty = uploadDir(newUploadId());
    mkdirSync(empty, { recursive: true });
    writeFileSync(join(empty, 'notes.txt'), 'no catalogue here');
    expect((await getImport(await preview(empty))).status).toBe('FAILED');
    expect(existsSync(empty)).toBe(false);
  });

  it("keeps every rejected row for the CSV, past the loaders' old caps, while the report lists the first ones", async () => {
    const many = writeSyntheticCatalogue(join(root, 'many'), {
      movies: 10,
      firstId: uniqueMovieId(),
      seed: 14,
      ratingsPerMovie: 1,
      extraMovieLines: Array.from({ length: 300 }, (_, x) => `bad${x},Broken ${x} (2000),Drama`),
    });
    for (let i = 1; i < 20; i++) uniqueMovieId();
    const ratingsCsv = join(many.dir, 'movielens', 'ml-latest-small', 'ratings.csv');
    appendFileSync(ratingsCsv, Array.from({ length: 250 }, (_, x) => `user${x},1,4.0,1500000000\n`).join(''));
    const id = await createImport({ requestedBy: null, dataDir: many.dir, kind: 'PREVIEW' });
    await handleImport(job(id));
    const preview = await getImport(id);
    expect(preview.status).toBe('SUCCEEDED');
    const report = preview.report as { rejected: number; issues: unknown[] };
    expect(report.rejected).toBe(550);
    expect(report.issues).toHaveLength(500); // the report (polled by the page) stays small
    expect(await countImportRejects(id)).toBe(550);
    const rows = [...(await listImportRejects(id, -1, 400)), ...(await listImportRejects(id, 399, 400))];
    expect(rows.map((r) => r.seq)).toEqual([...Array(550).keys()]);
    const movieLines = rows.filter((r) => r.file === 'movies.csv').map((r) => r.line);
    expect(movieLines).toEqual(Array.from({ length: 300 }, (_, x) => 12 + x)); // header + 10 movies, then the broken
    const ratingRows = rows.filter((r) => r.file === 'ratings.csv');
    expect(ratingRows).toHaveLength(250);
    expect(ratingRows.every((r) => r.line > 10 && r.message.length > 0)).toBe(true);
    const csv = rejectsCsv(rows);
    expect(csv.split('\r\n')).toHaveLength(1 + 550 + 1);
    expect(csv).toContain('\r\nmovies.csv,311,');
    // A rerun of the job replaces its rows rather than adding to them.
    const again = await createImport({ requestedBy: null, dataDir: many.dir, kind: 'PREVIEW' });
    await handleImport(job(again));
    expect(await countImportRejects(again)).toBe(550);
    expect(await countImportRejects(id)).toBe(550);
  });

  it('sweeps upload and download folders older than the limit at worker start, except those of active jobs', () => {
    const uploads = join(root, 'uploads');
    const downloads = join(root, 'downloads');
    const roots = [uploads, downloads];
    const now = Date.now();
    const folder = (r: string, name: string, ageHours: number) => {
      const dir = join(r, name);
      mkdirSync(join(dir, 'movielens'), { recursive: true });
      writeFileSync(join(dir, 'movielens', 'movies.csv'), 'movieId,title,genres\n');
      const t = new Date(now - ageHours * 3_600_000);
      for (const p of [join(dir, 'movielens', 'movies.csv'), join(dir, 'movielens'), dir]) utimesSync(p, t, t);
      return dir;
    };
    const old = folder(uploads, 'a'.repeat(24), 30);
    const fresh = folder(uploads, 'b'.repeat(24), 2);
    const oldDownload = folder(downloads, 'import-7', 48);
    const busy = folder(uploads, 'c'.repeat(24), 72);
    // An old folder with one file still being written (an upload in progress) counts as new.
    const writing = folder(uploads, 'd'.repeat(24), 50);
    writeFileSync(join(writing, 'movielens', 'links.csv'), 'movieId,imdbId,tmdbId\n');

    const removed = sweepCatalogueFolders({
      maxAgeMs: 24 * 3_600_000,
      keep: [join(busy, 'movielens'), null],
      now,
      roots,
    });
    expect(removed.sort()).toEqual([old, oldDownload].sort());
    for (const d of [fresh, busy, writing]) expect(existsSync(d)).toBe(true);
    expect(existsSync(old) || existsSync(oldDownload)).toBe(false);
    // Only folders inside the roots are ever removed.
    expect(removeCatalogueFiles(root, roots)).toBeNull();
    expect(removeCatalogueFiles(join(fresh, 'movielens', 'movies.csv'), roots)).toBe(fresh);
    expect(existsSync(fresh)).toBe(false);
    expect(existsSync(root)).toBe(true);
  });

  it('allows one queued or running job at a time, and cancels a queued one before it starts', async () => {
    const a = await createImport({ requestedBy: null, dataDir: cat.dir, kind: 'PREVIEW' });
    await expect(createImport({ requestedBy: null, dataDir: cat.dir, kind: 'APPLY' })).rejects.toThrow(
      /already running/,
    );
    expect(await requestCancel(a)).toBe(true);
    await handleImport(job(a)); // the worker gets it afterwards and leaves it alone
    expect(await getImport(a)).toMatchObject({ status: 'CANCELLED' });
    const b = await createImport({ requestedBy: null, dataDir: cat.dir, kind: 'PREVIEW' });
    await handleImport(job(b));
    expect((await listImports(1))[0]).toMatchObject({ id: b, status: 'SUCCEEDED' });
  });

  it('fails a reload above the reject threshold with the reason, writing nothing', async () => {
    const bad = writeSyntheticCatalogue(join(root, 'bad'), {
      movies: 5,
      firstId: firstId + 50,
      seed: 12,
      withRatings: false,
      extraMovieLines: ['x,Broken (2000),Drama'],
    });
    const id = await createImport({ requestedBy: null, dataDir: bad.dir, kind: 'APPLY', maxRejectShare: 0.01 });
    await handleImport(job(id));
    const j = await getImport(id);
    expect(j.status).toBe('FAILED');
    expect(j.error).toMatch(/rejected .* more than the 1\.00 % allowed/);
    expect(await sql(`SELECT 1 FROM "Movie" WHERE id = $1`, [firstId + 50])).toHaveLength(0);
  });
});
