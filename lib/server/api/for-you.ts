import 'server-only';
import { getRequestUser, type RequestCredentials } from '@/lib/server/request-user';
import { FeedRateLimitedError, getForYouFeed } from '@/lib/server/services/feed-cache';
import { FeedQuery } from '@/lib/validation/feed';

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array<ArrayBuffer>;
}

const encoder = new TextEncoder();
const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'private, no-store' };

function error(status: number, message: string, extra: Record<string, string> = {}): ApiResponse {
  return { status, headers: { ...JSON_HEADERS, ...extra }, body: encoder.encode(JSON.stringify({ error: message })) };
}

/**
 * GET /api/for-you?cursor=&limit=&genre=&yearFrom=&yearTo=&diversity= — one page of the signed-in user's For You
 * feed as JSON (the infinite scroll's data source): 401 when signed out, 400 with the field's message on bad
 * parameters. Framework-neutral so the Next route handler and the production server's fast path
 * (scripts/server.ts) answer with the same code.
 */
export async function forYouApi(req: RequestCredentials, search: URLSearchParams): Promise<ApiResponse> {
  const user = await getRequestUser(req);
  if (!user) return error(401, 'Please sign in first.');
  const raw = Object.fromEntries([...search].filter(([, v]) => v !== ''));
  const query = FeedQuery.safeParse(raw);
  if (!query.success) {
    const issue = query.error.issues[0];
    return error(400, `${issue?.path.join('.') || 'query'}: ${issue?.message ?? 'invalid'}`);
  }
  let feed;
  try {
    feed = await getForYouFeed(user, query.data);
  } catch (err) {
    if (err instanceof FeedRateLimitedError) return error(429, err.message, { 'retry-after': String(err.retryAfterSeconds) });
    throw err; // busy → 503 and anything else → 500, by the caller (scripts/server.ts, app/api/for-you/route.ts)
  }
  // The cached page's JSON bytes, serialised once per cached page (not on every hit).
  return { status: 200, headers: { ...JSON_HEADERS, 'x-feed-cache': feed.hit ? 'hit' : 'miss' }, body: feed.json() };
}
