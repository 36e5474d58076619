import { NextResponse } from 'next/server';
import { adminOrForbidden } from '@/lib/server/admin-guard';
import { listImports } from '@/lib/server/data/imports';

/** GET: the latest dry runs and reloads with their live progress (the console polls it). */
export async function GET() {
  const admin = await adminOrForbidden();
  if (admin instanceof NextResponse) return admin;
  return NextResponse.json({ imports: await listImports(25) }, { headers: { 'cache-control': 'no-store' } });
}
