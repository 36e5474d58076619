import { describe, expect, it } from 'vitest';
import type { CatalogueMovie } from '@/lib/recommender/io/catalogue';
import { movieFingerprint, planCatalogue, type LiveMovieKey } from './catalogue-plan';

const movie = (movieId: number, over: Partial<CatalogueMovie> = {}): CatalogueMovie => ({
  movieId,
  title: `Movie ${movieId}`,
  year: 2000,
  genres: ['Drama'],
  imdbId: null,
  tmdbId: null,
  originalTitle: null,
  overview: null,
  runtime: null,
  releaseDate: null,
  originalLanguage: null,
  popularity: null,
  voteAverage: null,
  voteCount: null,
  posterPath: null,
  cast: [],
  directors: [],
  keywords: [],
  ...over,
});
const live = (id: number, m: CatalogueMovie | null, over: Partial<LiveMovieKey> = {}): LiveMovieKey => ({
  id,
  tmdbId: m?.tmdbId ?? null,
  imdbId: m?.imdbId ?? null,
  hash: m ? movieFingerprint(m) : null,
  ...over,
});

describe('planCatalogue', () => {
  it('leaves an identical movie alone, updates a changed one, adds a new one and counts live movies not in the files', () => {
    const same = movie(1);
    const changed = movie(2, { title: 'Renamed' });
    const plan = planCatalogue([same, changed, movie(3)], [live(1, same), live(2, movie(2)), live(9, movie(9))]);
    expect(plan.movies.map((m) => [m.movieId, m.targetId, m.action])).toEqual([
      [1, 1, 'same'],
      [2, 2, 'update'],
      [3, 3, 'add'],
    ]);
    expect(plan.counts).toEqual({ added: 1, updated: 1, unchanged: 1, notInFiles: 1, matchedByLink: 0 });
  });

  it('matches by MovieLens id first, then tmdbId, then imdbId, each live movie once', () => {
    const plan = planCatalogue(
      [
        movie(100, { tmdbId: 55 }),
        movie(101, { tmdbId: 55 }),
        movie(102, { imdbId: '0123' }),
        movie(7, { tmdbId: 70 }),
      ],
      [live(7, null, { tmdbId: 70 }), live(8, null, { tmdbId: 55 }), live(9, null, { imdbId: '0123' })],
    );
    expect(plan.movies.map((m) => [m.movieId, m.targetId, m.action])).toEqual([
      [100, 8, 'update'], // renumbered: keeps the live id (members' ratings point at it)
      [101, 101, 'add'], // the same tmdbId twice: the live movie is claimed once
      [102, 9, 'update'],
      [7, 7, 'update'], // no fingerprint yet: rewritten once
    ]);
    expect(plan.counts.matchedByLink).toBe(2);
  });

  it('keeps the first of a movieId listed twice and reports the other', () => {
    const plan = planCatalogue([movie(5), movie(5, { title: 'Dup' })], []);
    expect(plan.movies).toHaveLength(1);
    expect(plan.movies[0].title).toBe('Movie 5');
    expect(plan.issues).toEqual([
      expect.objectContaining({ file: 'movies.csv', message: expect.stringMatching(/listed twice/) }),
    ]);
  });

  it('fingerprints every field a reload writes, tags included, and nothing else', () => {
    const m = movie(1, { cast: [{ name: 'A', order: 0 }], keywords: ['k'] });
    expect(movieFingerprint(m)).toBe(movieFingerprint({ ...m }));
    expect(movieFingerprint(m)).not.toBe(movieFingerprint({ ...m, cast: [{ name: 'A', order: 1 }] }));
    expect(movieFingerprint(m)).not.toBe(movieFingerprint({ ...m, keywords: ['k2'] }));
    // A new original title alone is a change (and a database loaded before the column existed gets it on the next reload).
    expect(movieFingerprint(m)).not.toBe(movieFingerprint({ ...m, originalTitle: 'Film 1' }));
    const tags = [
      { userId: 1, movieId: 1, tag: 'x', timestamp: 5 },
      { userId: 2, movieId: 1, tag: 'y', timestamp: 6 },
    ];
    expect(movieFingerprint(m, tags)).toBe(movieFingerprint(m, [...tags].reverse()));
    expect(movieFingerprint(m, tags)).not.toBe(movieFingerprint(m));
  });
});
