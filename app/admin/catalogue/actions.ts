'use server';

import { action } from '@/lib/server/action';
import { requestCancel } from '@/lib/server/data/imports';
import { AppError } from '@/lib/server/errors';
import { enqueueApply, enqueuePreview } from '@/lib/server/jobs/import-catalogue';
import { enqueueRecompute } from '@/lib/server/jobs/recompute-model';
import { finishUpload } from '@/lib/server/services/catalogue-sources';
import { resolveDataDir } from '@/lib/server/services/data-source';
import { ApplyCatalogueInput, ImportIdInput, PreviewCatalogueInput } from '@/lib/validation/admin-catalogue';
import { z } from 'zod';

/** Queues a dry run of uploaded files, the server's data folder or a release URL; returns the job id. */
export const previewCatalogueAction = action(
  PreviewCatalogueInput,
  async (input, { user }) => {
    if (input.source === 'upload') {
      const { dir, files } = await finishUpload(input.uploadId);
      return { importId: await enqueuePreview(user.id, { type: 'upload', label: files.join(', ') }, dir) };
    }
    if (input.source === 'server') {
      const dir = resolveDataDir();
      if (!dir)
        throw new AppError(
          'INVALID',
          'The server has no data folder: set DATA_DIR to a folder holding movielens/ml-latest-small/*.csv.',
        );
      return { importId: await enqueuePreview(user.id, { type: 'server', label: dir }, dir) };
    }
    const source = { type: 'url' as const, label: input.url, url: input.url, sha256: input.sha256 || undefined };
    return { importId: await enqueuePreview(user.id, source, null) };
  },
  { auth: 'admin', revalidate: ['/admin/catalogue'] },
);

/** Queues the reload of a finished dry run's files, refused by the job above the reject threshold. */
export const applyCatalogueAction = action(
  ApplyCatalogueInput,
  async ({ previewId, maxRejectPercent }, { user }) => ({
    importId: await enqueueApply(user.id, previewId, maxRejectPercent / 100),
  }),
  { auth: 'admin', revalidate: ['/admin/catalogue'] },
);

/** Asks the running dry run or reload to stop; a reload puts back what it had switched. */
export const cancelImportAction = action(
  ImportIdInput,
  async ({ importId }) => {
    if (!(await requestCancel(importId))) throw new AppError('CONFLICT', 'That job has already finished.');
  },
  { auth: 'admin', revalidate: ['/admin/catalogue'] },
);

/** "Retrain now" after a reload: queues a model version on the new catalogue. */
export const retrainNowAction = action(z.object({}), async () => ({ versionId: await enqueueRecompute('admin') }), {
  auth: 'admin',
  revalidate: ['/admin', '/admin/catalogue'],
});
