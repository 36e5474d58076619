import 'server-only';
import type PgBoss from 'pg-boss';
import { getImport, isCancelRequested, saveImportRejects, updateImport } from '../data/imports';
import { ReloadStoppedError } from '../data/catalogue';
import { AppError } from '../errors';
import { applyCatalogue, previewCatalogue, type ImportProgress } from '../services/catalogue-import';
import { downloadCatalogue, removeCatalogueFiles } from '../services/catalogue-sources';
import type { ImportJob } from './queue';

/** Writes progress at most twice a second, and polls the cancel flag at the same pace. */
function progressWriter(importId: number) {
  let last = 0;
  let phase = '';
  let cancelled = false;
  const onProgress = (p: ImportProgress) => {
    const now = Date.now();
    const newPhase = p.phase !== phase;
    if (!newPhase && now - last < 500 && p.done !== p.total) return;
    last = now;
    phase = p.phase;
    void updateImport(importId, {
      phase: p.phase,
      rowsDone: p.done,
      rowsTotal: p.total,
      progress: p.total ? p.done / p.total : 0,
      phaseStarted: newPhase,
    }).catch((err) => console.error(`[worker] progress update of import ${importId} failed`, err));
    void isCancelRequested(importId)
      .then((c) => {
        cancelled ||= c;
      })
      .catch((err) => console.error(`[worker] cancel check of import ${importId} failed`, err));
  };
  return { onProgress, shouldStop: () => cancelled };
}

/**
 * An uploaded or downloaded folder is deleted once nothing can use it: after its reload (applied, cancelled or failed)
 * or a dry run that did not succeed. A successful dry run keeps its files for the reload (the worker's start-up sweep
 * deletes them after CATALOGUE_UPLOAD_MAX_AGE_HOURS). The server's data folder is never deleted.
 */
function releaseFiles(importId: number, dataDir: string | null): void {
  const removed = removeCatalogueFiles(dataDir);
  if (removed) console.log(`[worker] catalogue job ${importId}: removed its files (${removed})`);
}

async function runOne(importId: number): Promise<void> {
  const job = await getImport(importId);
  if (job.status !== 'QUEUED') {
    // Cancelled while queued (requestCancel finishes it at once): its files can go.
    if (job.status === 'CANCELLED' && !job.startedAt) releaseFiles(importId, job.dataDir);
    return;
  }
  if (job.cancelRequested) {
    await updateImport(importId, {
      status: 'CANCELLED',
      phase: 'cancelled',
      error: 'Cancelled before it started.',
      finished: true,
    });
    releaseFiles(importId, job.dataDir);
    return;
  }
  await updateImport(importId, { status: 'RUNNING', started: true, phase: 'starting', phaseStarted: true });
  const { onProgress, shouldStop } = progressWriter(importId);
  let dataDir = job.dataDir;
  // Every rejected row, for the downloadable CSV (the report keeps the first ones for the page).
  const onRejects = (issues: { file: string; line: number; message: string }[]) => saveImportRejects(importId, issues);
  try {
    if (!dataDir && job.source?.type === 'url' && job.source.url) {
      onProgress({ phase: 'downloading', done: 0, total: 0 });
      const got = await downloadCatalogue(job.source.url, `import-${importId}`, {
        sha256: job.source.sha256,
        onProgress: (done, total) => onProgress({ phase: 'downloading', done, total }),
      });
      dataDir = got.dir;
      await updateImport(importId, { dataDir });
    }
    if (!dataDir) {
      throw new AppError(
        'INVALID',
        'No data folder found: set DATA_DIR to a folder holding movielens/ml-latest-small/*.csv (and tmdb/*.csv).',
      );
    }
    if (job.kind === 'PREVIEW') {
      const report = await previewCatalogue(dataDir, onProgress, { onRejects });
      await updateImport(importId, { status: 'SUCCEEDED', phase: 'done', progress: 1, report, finished: true });
      return;
    }
    const report = await applyCatalogue(dataDir, onProgress, {
      key: `i${importId}`,
      maxRejectShare: job.maxRejectShare,
      shouldStop,
      onRejects,
    });
    await updateImport(importId, { status: 'SUCCEEDED', phase: 'done', progress: 1, report, finished: true });
    releaseFiles(importId, dataDir);
  } catch (err) {
    if (err instanceof ReloadStoppedError) {
      await updateImport(importId, {
        status: 'CANCELLED',
        phase: 'cancelled',
        error: 'Cancelled: the previous catalogue was kept.',
        finished: true,
      });
      releaseFiles(importId, dataDir);
      return;
    }
    await updateImport(importId, {
      status: 'FAILED',
      error: err instanceof Error ? err.message : String(err),
      finished: true,
    });
    releaseFiles(importId, dataDir);
    if (!(err instanceof AppError)) throw err;
  }
}

/** The import queue's handler: dry runs and reloads, one at a time. */
export async function handleImport(jobs: PgBoss.Job<ImportJob>[]): Promise<void> {
  for (const job of jobs) await runOne(job.data.importId);
}
