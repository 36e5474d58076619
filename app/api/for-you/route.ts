import type { NextRequest } from 'next/server';
import { forYouApi } from '@/lib/server/api/for-you';

/**
 * GET /api/for-you — see lib/server/api/for-you.ts (the production server answers it on a fast path too). forYouApi
 * maps every failure itself (lib/server/http-errors.ts: busy → 503 with retry-after, bugs → a logged 500), so both
 * paths answer errors identically.
 */
export async function GET(req: NextRequest) {
  const res = await forYouApi(req, req.nextUrl.searchParams);
  return new Response(res.body, { status: res.status, headers: res.headers });
}
