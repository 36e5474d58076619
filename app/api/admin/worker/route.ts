import { NextResponse } from 'next/server';
import { requireAdmin } from '@/lib/server/auth';
import { AppError } from '@/lib/server/errors';
import { getWorkerStatus } from '@/lib/server/data/worker-heartbeat';

/** GET /api/admin/worker — the background worker's heartbeat (admin only), polled by app/admin/worker-status.tsx. */
export async function GET() {
  try {
    await requireAdmin();
  } catch (err) {
    if (err instanceof AppError)
      return NextResponse.json({ error: err.message }, { status: err.code === 'UNAUTHORIZED' ? 401 : 403 });
    throw err;
  }
  return NextResponse.json(await getWorkerStatus(), { headers: { 'cache-control': 'no-store' } });
}
