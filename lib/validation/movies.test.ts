import { describe, expect, it } from 'vitest';
import { BrowseQuery } from './movies';

describe('BrowseQuery', () => {
  it('keeps a keyword trimmed and drops one that is empty, too long or holds control characters', () => {
    expect(BrowseQuery.parse({ keyword: '  time travel ' }).keyword).toBe('time travel');
    expect(BrowseQuery.parse({ keyword: '' }).keyword).toBeUndefined();
    expect(BrowseQuery.parse({ keyword: 'x'.repeat(101) }).keyword).toBeUndefined();
    expect(BrowseQuery.parse({ keyword: 'heist\u0000' }).keyword).toBeUndefined();
    // A bad keyword never fails the page: the other filters still apply.
    expect(BrowseQuery.parse({ keyword: ['a', 'b'], genre: 'Drama' })).toMatchObject({
      genre: 'Drama',
      keyword: undefined,
    });
  });
});
