import { requireAdmin } from '@/lib/server/auth';
import { listVersionLog } from '@/lib/server/data/model-logs';
import { getVersionStatus } from '@/lib/server/data/models';
import { NotFoundError } from '@/lib/server/errors';
import { withHttpErrors } from '@/lib/server/http-errors';

/** GET /api/admin/models/:versionId/log — a model version's training log, newest line first (403 for members). */
export const GET = withHttpErrors(async (_req: Request, ctx: { params: Promise<{ versionId: string }> }) => {
  await requireAdmin();
  const id = Number((await ctx.params).versionId);
  if (!Number.isInteger(id) || id <= 0 || id > 2 ** 31 - 1 || !(await getVersionStatus(id)))
    throw new NotFoundError('That model version does not exist.');
  return Response.json({ lines: await listVersionLog(id) }, { headers: { 'cache-control': 'no-store' } });
});
