import { describe, expect, it } from 'vitest';
import { genreJaccard, strongCoRating } from './evidence-rules';

describe('genreJaccard', () => {
  it('is 1 for the same genres, 0 for none shared or none known', () => {
    expect(genreJaccard(['Drama', 'War'], ['War', 'Drama'])).toBe(1);
    expect(genreJaccard(['Drama', 'Western'], ['Adventure', 'Animation', 'Children', 'Comedy', 'Musical'])).toBe(0);
    expect(genreJaccard([], ['Drama'])).toBe(0);
  });
  it('counts the overlap over the union', () => {
    expect(genreJaccard(['Action', 'Sci-Fi', 'Thriller'], ['Action', 'Sci-Fi'])).toBeCloseTo(2 / 3);
  });
});

describe('strongCoRating', () => {
  const likers = 600;
  it('needs enough raters who liked both', () => {
    expect(strongCoRating({ both: 4, pick: 10, named: 10 }, likers)).toBe(false);
    expect(strongCoRating({ both: 8, pick: 20, named: 20 }, likers)).toBe(true);
  });
  it('rejects a pair that only reflects the pick being liked by everyone (lift near 1)', () => {
    // 300 of 600 like the pick; 50 % of the named movie's fans liking it is just the base rate.
    expect(strongCoRating({ both: 50, pick: 300, named: 100 }, likers)).toBe(false);
  });
  it('rejects a weak share of the named movie’s fans', () => {
    expect(strongCoRating({ both: 10, pick: 20, named: 200 }, likers)).toBe(false);
  });
  it('handles missing counts', () => {
    expect(strongCoRating(undefined, likers)).toBe(false);
    expect(strongCoRating({ both: 10, pick: 0, named: 10 }, likers)).toBe(false);
  });
});
