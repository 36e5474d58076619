import { requireAdmin } from '@/lib/server/auth';
import { listVersionLog } from '@/lib/server/data/model-logs';
import { getVersionStatus } from '@/lib/server/data/models';
import { NotFoundError } from '@/lib/server/errors';
import { withHttpErrors } from '@/lib/server/http-errors';
import { parseIdParam } from '@/lib/validation/common';

/** GET /api/admin/models/:versionId/log — a model version's training log, newest line first (403 for members). */
export const GET = withHttpErrors(async (_req: Request, ctx: { params: Promise<{ versionId: string }> }) => {
  await requireAdmin();
  const id = parseIdParam((await ctx.params).versionId);
  if (id === null || !(await getVersionStatus(id))) throw new NotFoundError('That model version does not exist.');
  return Response.json({ lines: await listVersionLog(id) }, { headers: { 'cache-control': 'no-store' } });
});
