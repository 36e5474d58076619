import 'server-only';
import { getRequestUser, type RequestCredentials } from '@/lib/server/request-user';
import { FeedRateLimitedError, getForYouFeed } from '@/lib/server/services/feed-cache';
import { FeedQuery } from '@/lib/validation/feed';
import { httpError, toHttpError, type HttpError } from '@/lib/server/http-errors';

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array<ArrayBuffer>;
}

const encoder = new TextEncoder();
const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'private, no-store' };

function error(e: HttpError, extra: Record<string, string> = {}): ApiResponse {
  return { status: e.status, headers: { ...JSON_HEADERS, ...extra }, body: encoder.encode(JSON.stringify(e.body)) };
}

/**
 * GET /api/for-you?cursor=&limit=&genre=&yearFrom=&yearTo=&diversity= — one page of the signed-in user's For You
 * feed as JSON (the infinite scroll's data source): 401 when signed out, 400 with the field's message on bad
 * parameters, a logged 500 with a generic message on anything unexpected (statuses from lib/server/http-errors.ts).
 * Framework-neutral so the Next route handler and the production server's fast path (scripts/server.ts) answer
 * with the same code.
 */
export async function forYouApi(req: RequestCredentials, search: URLSearchParams): Promise<ApiResponse> {
  try {
    const user = await getRequestUser(req);
    if (!user) return error(httpError('UNAUTHORIZED', 'Please sign in first.'));
    const raw = Object.fromEntries([...search].filter(([, v]) => v !== ''));
    const query = FeedQuery.safeParse(raw);
    if (!query.success) {
      const issue = query.error.issues[0];
      return error(httpError('INVALID', `${issue?.path.join('.') || 'query'}: ${issue?.message ?? 'invalid'}`));
    }
    const feed = await getForYouFeed(user, query.data);
    // The cached page's JSON bytes, serialised once per cached page (not on every hit).
    return { status: 200, headers: { ...JSON_HEADERS, 'x-feed-cache': feed.hit ? 'hit' : 'miss' }, body: feed.json() };
  } catch (err) {
    if (err instanceof FeedRateLimitedError) {
      return error(httpError('RATE_LIMITED', err.message), { 'retry-after': String(err.retryAfterSeconds) });
    }
    const mapped = toHttpError(err, 'GET /api/for-you');
    return error(mapped, mapped.body.code === 'BUSY' ? { 'retry-after': '1' } : {});
  }
}
