import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type PgBoss from 'pg-boss';
import { afterAll, describe, expect, it } from 'vitest';
import { createImport, getImport, listImports, requestCancel } from '../../lib/server/data/imports';
import { handleImport } from '../../lib/server/jobs/import-catalogue-handler';
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
