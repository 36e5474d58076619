import 'server-only';
import { existsSync } from 'node:fs';
import type { CatalogueSource } from '@/lib/validation/admin-catalogue';
// Queueing only: light enough for server actions (the handler, with the importer, is import-catalogue-handler.ts).
import { createImport, getImport, updateImport } from '../data/imports';
import { AppError } from '../errors';
import { getBoss, IMPORT_QUEUE, type ImportJob } from './queue';

/** Queues a job for an existing import row. */
async function send(importId: number): Promise<void> {
  try {
    const boss = await getBoss();
    await boss.send(IMPORT_QUEUE, { importId } satisfies ImportJob, { retryLimit: 0 });
  } catch (err) {
    // A row left QUEUED without a job would block every later reload (one active job at a time).
    await updateImport(importId, { status: 'FAILED', error: 'The job queue did not accept this job.', finished: true });
    throw err;
  }
}

/** Queues a dry run of `source` (a folder already prepared, or a URL the worker downloads). */
export async function enqueuePreview(
  requestedBy: number,
  source: CatalogueSource,
  dataDir: string | null,
): Promise<number> {
  const importId = await createImport({ requestedBy, dataDir, kind: 'PREVIEW', source });
  await send(importId);
  return importId;
}

/** Queues the reload of a finished dry run's files. */
export async function enqueueApply(requestedBy: number, previewId: number, maxRejectShare: number): Promise<number> {
  const preview = await getImport(previewId);
  if (preview.kind !== 'PREVIEW' || preview.status !== 'SUCCEEDED' || !preview.dataDir) {
    throw new AppError('INVALID', 'Run a dry run of these files first, and wait for it to finish.');
  }
  if (!existsSync(preview.dataDir)) {
    throw new AppError(
      'INVALID',
      'The files of this dry run were removed (after a reload of them, or after a day): upload them again and run a new dry run.',
    );
  }
  const importId = await createImport({
    requestedBy,
    dataDir: preview.dataDir,
    kind: 'APPLY',
    source: preview.source ?? undefined,
    previewId,
    maxRejectShare,
  });
  await send(importId);
  return importId;
}
