import { requireUser } from '@/lib/server/auth';
import { getImportJob } from '@/lib/server/data/member-imports';
import { httpError, errorResponse, withHttpErrors } from '@/lib/server/http-errors';
import { parseIdParam } from '@/lib/validation/common';

/** GET /api/import/<id> — one of the member's own imports as a job (phase, rows done/total, summary); the bar polls it. */
export const GET = withHttpErrors(async (_req: Request, ctx: { params: Promise<{ importId: string }> }) => {
  const user = await requireUser();
  const id = parseIdParam((await ctx.params).importId);
  if (id === null) return errorResponse(httpError('NOT_FOUND', 'There is no such import.'));
  return Response.json(await getImportJob(user.id, id), { headers: { 'cache-control': 'no-store' } });
});
