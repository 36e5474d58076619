import 'server-only';
import { LRUCache } from 'lru-cache';
import { env } from '@/lib/env';
import type { FeedQuery } from '@/lib/validation/feed';
import type { SessionUser } from '../data/users';
import { AppError } from '../errors';
import { buildForYouFeed, type FeedPage } from './for-you';
import { getServingModel } from './model-cache';

/**
 * For You pages cached per user, filters and cursor. The key holds the user's taste version (bumped in the same
 * write as every rating, "not interested" or favourite-genre change) and the active model version, so a cached page is never
 * served after either changes — on this instance or any other one sharing the database. Entries also expire after
 * ten minutes so popularity-driven picks follow the catalogue; the cache holds at most ≈ 64 MB.
 */
interface Entry {
  page: FeedPage;
  /** The page as UTF-8 JSON, serialised on the first API read and reused by every later one. */
  body?: Uint8Array<ArrayBuffer>;
}
// One cache per process, kept on globalThis: the production server's fast path (scripts/server.ts) and Next's
// bundle each load this module, and both should see the same pages (as model-cache.ts shares the model).
const shared = globalThis as unknown as {
  reelFeedCache?: { cache: LRUCache<string, Entry>; inflight: Map<string, Promise<FeedPage>> };
};
const { cache, inflight } = (shared.reelFeedCache ??= {
  cache: new LRUCache<string, Entry>({
    // Bounded by memory, not count: ≈ 700 bytes per feed item on the heap plus its JSON (≈ 250 bytes per item).
    maxSize: 64 * 1024 * 1024,
    sizeCalculation: (entry) => 1_000 + entry.page.items.length * 950,
    ttl: 10 * 60_000,
  }),
  inflight: new Map(),
});

export interface CachedFeed {
  page: FeedPage;
  hit: boolean;
  /** The page as UTF-8 JSON (what GET /api/for-you sends), computed once per cached page. */
  json(): Uint8Array<ArrayBuffer>;
}

const encoder = new TextEncoder();

function served(entry: Entry, hit: boolean): CachedFeed {
  return { page: entry.page, hit, json: () => (entry.body ??= encoder.encode(JSON.stringify(entry.page))) };
}

function keyFor(user: Pick<SessionUser, 'id' | 'tasteVersion'>, modelVersion: number | null, q: FeedQuery): string {
  return [
    user.id,
    user.tasteVersion,
    modelVersion ?? 'none',
    q.cursor,
    q.limit,
    q.genre ?? '',
    q.yearFrom ?? '',
    q.yearTo ?? '',
    q.diversity,
    q.list ?? '',
  ].join('|');
}

/**
 * Cache misses one member may cause: a token bucket per member (FEED_MISSES_PER_SECOND, burst of the same size).
 * A miss beyond it waits for its turn, so one member cycling through filters slows only their own requests, not
 * everyone's (issue 19: another member's cached p50 went from 5 to 126 ms); a wait longer than MAX_MISS_WAIT_MS is
 * refused with RATE_LIMITED (429 on the API).
 */
const MAX_MISS_WAIT_MS = 3_000;
const missBuckets = ((
  shared as { reelFeedMissBuckets?: LRUCache<number, { tokens: number; at: number }> }
).reelFeedMissBuckets ??= new LRUCache<number, { tokens: number; at: number }>({ max: 50_000, ttl: 60_000 }));

export class FeedRateLimitedError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('RATE_LIMITED', `Too many feed requests — try again in ${retryAfterSeconds} s.`);
    this.name = 'FeedRateLimitedError';
  }
}

/** Takes one miss token for `userId`, waiting for it when the bucket is empty. Exported for tests. */
export async function takeMissToken(
  userId: number,
  perSecond = env.FEED_MISSES_PER_SECOND,
  now = Date.now(),
): Promise<void> {
  const bucket = missBuckets.get(userId) ?? { tokens: perSecond, at: now };
  bucket.tokens = Math.min(perSecond, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
  bucket.at = now;
  const waitMs = bucket.tokens >= 1 ? 0 : Math.ceil(((1 - bucket.tokens) / perSecond) * 1000);
  if (waitMs > MAX_MISS_WAIT_MS) {
    missBuckets.set(userId, bucket);
    throw new FeedRateLimitedError(Math.ceil(waitMs / 1000));
  }
  bucket.tokens -= 1; // may go negative: queued misses reserve their future tokens
  missBuckets.set(userId, bucket);
  if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
}

export async function getForYouFeed(
  user: Pick<SessionUser, 'id' | 'tasteVersion'>,
  query: FeedQuery,
): Promise<CachedFeed> {
  const loaded = await getServingModel();
  const key = keyFor(user, loaded?.versionId ?? null, query);
  const cached = cache.get(key);
  if (cached) return served(cached, true);
  // Concurrent requests for the same key (a double-clicked "Load more", a refresh storm) share one computation.
  let pending = inflight.get(key);
  if (!pending) {
    await takeMissToken(user.id);
    const again = cache.get(key); // filled while this request waited for its turn
    if (again) return served(again, true);
    pending = inflight.get(key);
  }
  if (!pending) {
    pending = buildForYouFeed(user.id, query).finally(() => inflight.delete(key));
    inflight.set(key, pending);
  }
  const entry: Entry = { page: await pending };
  // Only cache a page built against the model that is still active (a swap may have happened meanwhile).
  if (entry.page.modelVersion === (loaded?.versionId ?? null)) cache.set(key, entry);
  return served(entry, false);
}

/** Forgets every cached page of one user (their account was deleted): nothing of theirs stays in memory. */
export function dropCachedFeeds(userId: number): void {
  const prefix = `${userId}|`;
  for (const key of cache.keys()) if (key.startsWith(prefix)) cache.delete(key);
}
