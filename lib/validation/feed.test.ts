import { describe, expect, it } from 'vitest';
import { FeedQuery } from './feed';

describe('FeedQuery', () => {
  it('coerces query-string values and fills the defaults', () => {
    expect(FeedQuery.parse({ cursor: '24', yearFrom: '1990', diversity: '0.5' })).toEqual({ cursor: 24, limit: 24, yearFrom: 1990, diversity: 0.5 });
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
