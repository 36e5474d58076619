import { NextResponse } from 'next/server';
import { requireAdmin } from '@/lib/server/auth';
import { AppError } from '@/lib/server/errors';
import { getAdminStatus } from '@/lib/server/services/admin-status';

export async function GET() {
  try {
    await requireAdmin();
  } catch (err) {
    if (err instanceof AppError) return NextResponse.json({ error: err.message }, { status: err.code === 'UNAUTHORIZED' ? 401 : 403 });
    throw err;
  }
  return NextResponse.json(await getAdminStatus(), { headers: { 'cache-control': 'no-store' } });
}
