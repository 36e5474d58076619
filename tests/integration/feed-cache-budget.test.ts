// The For You cache's per-member miss budget (issue 19): one member cycling through filters waits for their own
// turns; another member is not slowed; a wait beyond 3 s is refused (429 on the API).
import { describe, expect, it } from 'vitest';
import { FeedQuery } from '../../lib/validation/feed';

const { takeMissToken, FeedRateLimitedError } = await import('../../lib/server/services/feed-cache');

describe('feed cache miss budget', () => {
  it('lets one member cause at most N misses a second, without slowing another member', async () => {
    const greedy = 900_000_001;
    const other = 900_000_002;
    const t0 = performance.now();
    const waits: Promise<void>[] = [];
    for (let i = 0; i < 12; i++) waits.push(takeMissToken(greedy, 4)); // a burst of 4, then 4 a second
    const tOther = performance.now();
    await takeMissToken(other, 4);
    const otherMs = performance.now() - tOther;
    await Promise.all(waits);
    const greedyMs = performance.now() - t0;
    console.log(
      `[figures] feed miss budget: 12 misses by one member took ${greedyMs.toFixed(0)} ms; another member's miss waited ${otherMs.toFixed(1)} ms`,
    );
    expect(greedyMs).toBeGreaterThanOrEqual(1_900); // 8 beyond the burst at 4/s ≈ 2 s
    expect(otherMs).toBeLessThan(50);
  });

  it('refuses a miss that would wait more than 3 s', async () => {
    const user = 900_000_003;
    const pending: Promise<void>[] = [];
    for (let i = 0; i < 16; i++) pending.push(takeMissToken(user, 4)); // 4 burst + 12 queued = 3 s
    await expect(takeMissToken(user, 4)).rejects.toBeInstanceOf(FeedRateLimitedError);
    await Promise.all(pending);
  });

  it('turns any diversity into one of the 11 slider steps, so varying it cannot mint cache keys', () => {
    const keys = new Set(
      Array.from({ length: 5_000 }, () => FeedQuery.parse({ diversity: String(Math.random()) }).diversity),
    );
    expect(keys.size).toBeLessThanOrEqual(11);
  });
});
