import type { NextRequest } from 'next/server';
import { forYouApi } from '@/lib/server/api/for-you';
import { isBusyError } from '@/lib/server/errors';

/** GET /api/for-you — see lib/server/api/for-you.ts (the production server answers it on a fast path too). */
export async function GET(req: NextRequest) {
  try {
    const res = await forYouApi(req, req.nextUrl.searchParams);
    return new Response(res.body, { status: res.status, headers: res.headers });
  } catch (err) {
    if (!isBusyError(err)) throw err;
    console.warn('[reel] GET /api/for-you: database busy or unreachable:', String(err));
    return Response.json({ error: 'Reel is busy — try again.' }, { status: 503, headers: { 'retry-after': '1', 'cache-control': 'no-store' } });
  }
}
