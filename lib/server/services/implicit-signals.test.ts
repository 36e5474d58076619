import { describe, expect, it } from 'vitest';
import { LIKE, WATCH, WATCHLIST } from '@/lib/recommender/core/interactions';
import {
  LIKE_VALUE,
  WATCH_VALUE,
  implicitRowsOf,
  mergeTasteSignals,
  watchedDirectorCounts,
  watchedFilmsBy,
} from './implicit-signals';

const at = (s: string) => new Date(`${s}T12:00:00Z`);
const secs = (s: string) => at(s).getTime() / 1000;

describe('mergeTasteSignals', () => {
  it('keeps an explicit rating over a like or a watch of the same movie, and marks it liked', () => {
    const out = mergeTasteSignals(
      [{ movieId: 1, value: 2, updatedAt: at('2026-01-01') }],
      [{ movieId: 1, createdAt: at('2026-02-01') }],
      [{ movieId: 1, createdAt: at('2026-03-01') }],
    );
    expect(out).toEqual([{ movieId: 1, value: 2, time: secs('2026-01-01'), kind: 'rating', liked: true }]);
  });

  it('turns a like without a rating and a bare watch into implicit signals with their kinds’ confidences', () => {
    const out = mergeTasteSignals(
      [],
      [{ movieId: 2, createdAt: at('2026-02-01') }],
      [
        { movieId: 3, createdAt: at('2026-01-05') },
        { movieId: 3, createdAt: at('2026-04-05') },
        { movieId: 2, createdAt: at('2026-05-01') },
      ],
    );
    expect(out).toEqual([
      { movieId: 2, value: LIKE_VALUE, time: secs('2026-05-01'), kind: 'like', liked: true },
      { movieId: 3, value: WATCH_VALUE, time: secs('2026-04-05'), kind: 'watch', liked: false },
    ]);
    // Confidences relative to a positive rating (core/interactions.ts): both are positives, a like at least a watch.
    expect(LIKE_VALUE).toBeGreaterThanOrEqual(WATCH_VALUE);
    expect(WATCH_VALUE).toBeGreaterThan(0);
  });

  it('gives one signal per movie, ratings first in their order', () => {
    const out = mergeTasteSignals(
      [
        { movieId: 9, value: 4, updatedAt: at('2026-01-02') },
        { movieId: 8, value: 1, updatedAt: at('2026-01-01') },
      ],
      [{ movieId: 7, createdAt: at('2026-01-03') }],
      [
        { movieId: 8, createdAt: at('2026-01-04') },
        { movieId: 6, createdAt: at('2026-01-04') },
      ],
    );
    expect(out.map((s) => [s.movieId, s.kind])).toEqual([
      [9, 'rating'],
      [8, 'rating'],
      [7, 'like'],
      [6, 'watch'],
    ]);
  });

  it('returns nothing for a member with no history', () => {
    expect(mergeTasteSignals([], [], [])).toEqual([]);
  });
});

describe('watched films by a director', () => {
  it('counts distinct watched films per director, rewatches and co-directors once per film', () => {
    const directors = new Map<number, string[]>([
      [1, ['Denis Villeneuve']],
      [2, ['Denis Villeneuve']],
      [3, ['Denis Villeneuve', 'Denis Villeneuve']],
      [4, ['Joel Coen', 'Ethan Coen']],
    ]);
    const counts = watchedDirectorCounts([1, 2, 2, 3, 4, 5], (id) => directors.get(id));
    expect(counts).toEqual(
      new Map([
        ['Denis Villeneuve', 3],
        ['Joel Coen', 1],
        ['Ethan Coen', 1],
      ]),
    );
  });

  it('says the number in words below ten', () => {
    expect(watchedFilmsBy(3, 'Denis Villeneuve')).toBe('Because you watched three films by Denis Villeneuve');
    expect(watchedFilmsBy(12, 'Agnès Varda')).toBe('Because you watched 12 films by Agnès Varda');
  });
});

describe('implicitRowsOf (the nightly fit input)', () => {
  it('turns unrated watches, likes and watchlist adds into implicit rows of their kind and skips rated pairs', () => {
    const snap = {
      userIds: Int32Array.from([1, 1, 1, 1, 2]),
      movieIds: Int32Array.from([10, 11, 12, 13, 10]),
      watches: Int32Array.from([2, 0, 1, 0, 1]),
      liked: Uint8Array.from([0, 1, 1, 0, 1]),
      watchlisted: Uint8Array.from([0, 0, 0, 1, 0]),
      rated: Uint8Array.from([0, 0, 0, 0, 1]),
      lastAt: Float64Array.from([100, 200, 300, 400, 500]),
    };
    const r = implicitRowsOf(snap);
    const got = Array.from(
      r.userIds,
      (u, x) =>
        `${u}:${r.movieIds[x]}:${r.kinds[x] === LIKE ? 'like' : r.kinds[x] === WATCH ? 'watch' : r.kinds[x] === WATCHLIST ? 'watchlist' : '?'}:${r.timestamps![x]}`,
    );
    expect(got).toEqual(['1:10:watch:100', '1:11:like:200', '1:12:watch:300', '1:12:like:300', '1:13:watchlist:400']);
  });
});
