import { describe, expect, it } from 'vitest';
import { FeedQuery } from './feed';

describe('FeedQuery', () => {
  it('coerces query-string values and fills the defaults', () => {
    expect(FeedQuery.parse({ cursor: '24', yearFrom: '1990', diversity: '0.5' })).toEqual({
      cursor: 24,
      limit: 24,
      yearFrom: 1990,
      diversity: 0.5,
    });
    expect(FeedQuery.parse({})).toEqual({ cursor: 0, limit: 24, diversity: 0.2 });
  });

  it('names the field of a bad value', () => {
    const tooMany = FeedQuery.safeParse({ limit: '500' });
    expect(tooMany.success).toBe(false);
    expect(tooMany.error?.issues[0].path).toEqual(['limit']);
    const backwards = FeedQuery.safeParse({ yearFrom: '2000', yearTo: '1990' });
    expect(backwards.success).toBe(false);
    expect(backwards.error?.issues[0]).toMatchObject({ path: ['yearFrom'], message: 'must not be later than To year' });
    expect(FeedQuery.safeParse({ yearFrom: '1990', yearTo: '1990' }).success).toBe(true);
  });
});

describe('FeedQuery snapping (cache keys)', () => {
  it('snaps diversity to the slider steps; the other values are integers in their ranges', () => {
    expect(FeedQuery.parse({ diversity: '0.2345' }).diversity).toBe(0.2);
    expect(FeedQuery.parse({ diversity: '0.25' }).diversity).toBe(0.3);
    expect(FeedQuery.parse({ diversity: '0.96' }).diversity).toBe(1);
    expect(FeedQuery.parse({ diversity: '0.7' }).diversity).toBe(0.7);
    expect(FeedQuery.safeParse({ limit: '10.5' }).success).toBe(false);
    expect(FeedQuery.safeParse({ cursor: '1e400' }).success).toBe(false);
    expect(FeedQuery.safeParse({ yearFrom: '1999.9' }).success).toBe(false);
  });

  it('turns 10,000 random diversity values into at most 11 distinct keys', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) seen.add(FeedQuery.parse({ diversity: String(Math.random()) }).diversity);
    expect(seen.size).toBeLessThanOrEqual(11);
    for (const d of seen) expect(Math.round(d * 10)).toBeCloseTo(d * 10, 10);
  });

  it('refuses a genre with a NUL byte', () => {
    const res = FeedQuery.safeParse({ genre: 'Dra\u0000ma' });
    expect(res.success).toBe(false);
    expect(res.error?.issues[0].path).toEqual(['genre']);
  });
});
