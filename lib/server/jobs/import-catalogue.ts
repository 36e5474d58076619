import 'server-only';
import type PgBoss from 'pg-boss';
import { createImport, updateImport } from '../data/imports';
import { importCatalogue } from '../services/catalogue-import';
import { resolveDataDir } from '../services/data-source';
import { getBoss, IMPORT_QUEUE, type ImportJob } from './queue';
import { enqueueRecompute } from './recompute-model';

export async function enqueueImport(requestedBy: number): Promise<number> {
  const importId = await createImport(requestedBy, resolveDataDir());
  const boss = await getBoss();
  await boss.send(IMPORT_QUEUE, { importId } satisfies ImportJob, { retryLimit: 0 });
  return importId;
}

/** Reloads the catalogue in one transaction, records progress and the report, then queues a model recompute. */
export async function handleImport(jobs: PgBoss.Job<ImportJob>[]): Promise<void> {
  for (const job of jobs) {
    const { importId } = job.data;
    const dataDir = resolveDataDir();
    if (!dataDir) {
      await updateImport(importId, {
        status: 'FAILED',
        error:
          'No data folder found: set DATA_DIR to a folder holding movielens/ml-latest-small/*.csv (and tmdb/*.csv).',
        finished: true,
      });
      continue;
    }
    await updateImport(importId, { status: 'RUNNING', phase: 'reading files', progress: 0 });
    try {
      let last = 0;
      const report = await importCatalogue(dataDir, (p) => {
        const now = Date.now();
        if (now - last < 500 && p.done !== p.total) return;
        last = now;
        void updateImport(importId, { phase: p.phase, progress: p.total ? p.done / p.total : 0 }).catch((err) =>
          console.error(`[worker] progress update of import ${importId} failed`, err),
        );
      });
      await updateImport(importId, { status: 'SUCCEEDED', phase: 'done', progress: 1, report, finished: true });
      await enqueueRecompute('admin');
    } catch (err) {
      await updateImport(importId, {
        status: 'FAILED',
        error: err instanceof Error ? err.message : String(err),
        finished: true,
      });
      throw err;
    }
  }
}
