import { requireAdmin } from '@/lib/server/auth';
import { withHttpErrors } from '@/lib/server/http-errors';
import { getAdminStatus } from '@/lib/server/services/admin-status';

/** GET /api/admin/status — the admin dashboard's polling source: 401 signed out, 403 for members. */
export const GET = withHttpErrors(async () => {
  await requireAdmin();
  return Response.json(await getAdminStatus(), { headers: { 'cache-control': 'no-store' } });
});
