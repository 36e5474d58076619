'use server';

import { action } from '@/lib/server/action';
import { activateVersion } from '@/lib/server/data/models';
import { enqueueRecompute } from '@/lib/server/jobs/recompute-model';
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
