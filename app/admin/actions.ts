'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { requireAdmin } from '@/lib/server/auth';
import { activateVersion } from '@/lib/server/data/models';
import { toActionError } from '@/lib/server/errors';
import { enqueueRecompute } from '@/lib/server/jobs/recompute-model';
import { enqueueImport } from '@/lib/server/jobs/import-catalogue';

type Result = { ok: true; message: string } | { ok: false; error: string };

export async function retrainAction(): Promise<Result> {
  try {
    await requireAdmin();
    const id = await enqueueRecompute('admin');
    revalidatePath('/admin');
    return { ok: true, message: `Queued model version ${id}.` };
  } catch (err) {
    return toActionError(err);
  }
}

export async function activateVersionAction(raw: unknown): Promise<Result> {
  const input = z.object({ versionId: z.coerce.number().int().positive() }).safeParse(raw);
  if (!input.success) return { ok: false, error: 'Unknown model version.' };
  try {
    await requireAdmin();
    await activateVersion(input.data.versionId);
    revalidatePath('/admin');
    return { ok: true, message: `Model version ${input.data.versionId} is now serving.` };
  } catch (err) {
    return toActionError(err);
  }
}

export async function reloadCatalogueAction(): Promise<Result> {
  try {
    const admin = await requireAdmin();
    const id = await enqueueImport(admin.id);
    revalidatePath('/admin');
    return { ok: true, message: `Catalogue reload ${id} queued.` };
  } catch (err) {
    return toActionError(err);
  }
}
