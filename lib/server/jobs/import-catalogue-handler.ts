import 'server-only';
import type PgBoss from 'pg-boss';
import { getImport, isCancelRequested, updateImport } from '../data/imports';
import { ReloadStoppedError } from '../data/catalogue';
import { AppError } from '../errors';
import { applyCatalogue, previewCatalogue, type ImportProgress } from '../services/catalogue-import';
import { downloadCatalogue } from '../services/catalogue-sources';
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

async function runOne(importId: number): Promise<void> {
  const job = await getImport(importId);
  if (job.status !== 'QUEUED') return;
  if (job.cancelRequested) {
    await updateImport(importId, {
      status: 'CANCELLED',
      phase: 'cancelled',
      error: 'Cancelled before it started.',
      finished: true,
    });
    return;
  }
  await updateImport(importId, { status: 'RUNNING', started: true, phase: 'starting', phaseStarted: true });
  const { onProgress, shouldStop } = progressWriter(importId);
  try {
    let dataDir = job.dataDir;
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
      const report = await previewCatalogue(dataDir, onProgress);
      await updateImport(importId, { status: 'SUCCEEDED', phase: 'done', progress: 1, report, finished: true });
      return;
    }
    const report = await applyCatalogue(dataDir, onProgress, {
      key: `i${importId}`,
      maxRejectShare: job.maxRejectShare,
      shouldStop,
    });
    await updateImport(importId, { status: 'SUCCEEDED', phase: 'done', progress: 1, report, finished: true });
  } catch (err) {
    if (err instanceof ReloadStoppedError) {
      await updateImport(importId, {
        status: 'CANCELLED',
        phase: 'cancelled',
        error: 'Cancelled: the previous catalogue was kept.',
        finished: true,
      });
      return;
    }
    await updateImport(importId, {
      status: 'FAILED',
      error: err instanceof Error ? err.message : String(err),
      finished: true,
    });
    if (!(err instanceof AppError)) throw err;
  }
}

/** The import queue's handler: dry runs and reloads, one at a time. */
export async function handleImport(jobs: PgBoss.Job<ImportJob>[]): Promise<void> {
  for (const job of jobs) await runOne(job.data.importId);
}
