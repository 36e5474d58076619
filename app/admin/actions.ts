'use server';

import { action } from '@/lib/server/action';
import { activateVersion } from '@/lib/server/data/models';
import { enqueueRecompute } from '@/lib/server/jobs/recompute-model';
import { enqueueImport } from '@/lib/server/jobs/import-catalogue';
import { ActivateVersionInput, NoInput, type AdminNotice } from '@/lib/validation/admin';

export const retrainAction = action(
  NoInput,
  async (): Promise<AdminNotice> => {
    const id = await enqueueRecompute('admin');
    return { message: `Queued model version ${id}.` };
  },
  { auth: 'admin', revalidate: ['/admin'] },
);

export const activateVersionAction = action(
  ActivateVersionInput,
  async ({ versionId }): Promise<AdminNotice> => {
    await activateVersion(versionId);
    return { message: `Model version ${versionId} is now serving.` };
  },
  { auth: 'admin', revalidate: ['/admin'] },
);

export const reloadCatalogueAction = action(
  NoInput,
  async (_input, { user }): Promise<AdminNotice> => {
    const id = await enqueueImport(user.id);
    return { message: `Catalogue reload ${id} queued.` };
  },
  { auth: 'admin', revalidate: ['/admin'] },
);
