import { NextResponse, type NextRequest } from 'next/server';
import { getRequestUser } from '@/lib/server/auth';
import { getForYouFeed } from '@/lib/server/services/feed-cache';
import { FeedQuery } from '@/lib/validation/feed';

/**
 * GET /api/for-you?cursor=&limit=&genre=&yearFrom=&yearTo=&diversity= — one page of the signed-in user's For You
 * feed as JSON (the infinite scroll's data source). 401 when signed out, 400 with a message on bad parameters.
 */
export async function GET(req: NextRequest) {
  const user = await getRequestUser(req);
  if (!user) return NextResponse.json({ error: 'Please sign in first.' }, { status: 401 });
  const raw = Object.fromEntries([...req.nextUrl.searchParams].filter(([, v]) => v !== ''));
  const query = FeedQuery.safeParse(raw);
  if (!query.success) {
    const issue = query.error.issues[0];
    return NextResponse.json({ error: `${issue?.path.join('.') || 'query'}: ${issue?.message ?? 'invalid'}` }, { status: 400 });
  }
  const { page, hit } = await getForYouFeed(user, query.data);
  return NextResponse.json(page, { headers: { 'cache-control': 'private, no-store', 'x-feed-cache': hit ? 'hit' : 'miss' } });
}
