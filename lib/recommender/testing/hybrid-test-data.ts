/**
 * A small seeded "genre world" for the hybrid, content and explanation tests. Test support only.
 *
 * Items belong to one of three genres and one of six directors (two per genre); each user loves
 * one genre (ratings 4–5) and dislikes the others (1–2). Item popularity is skewed (item k is
 * seen with probability ∝ 1/(1 + k/8)), timestamps grow with the item index per user so a
 * temporal split is meaningful.
 */
import type { ContentDoc } from '../algorithms/content-tfidf';
import { createRng } from '../core/rng';

export const WORLD_GENRES = ['Action', 'Comedy', 'Drama'] as const;

export interface GenreWorld {
  userIds: Int32Array;
  movieIds: Int32Array;
  ratings: Float32Array;
  timestamps: Float64Array;
  docs: ContentDoc[];
  /** Genre index of item id k (ids are 1..nItems). */
  genreOf: (movieId: number) => number;
  /** Loved genre of user id u (ids are 1..nUsers). */
  tasteOf: (userId: number) => number;
}

export function genreWorld(nUsers: number, nItems: number, seed: number, density = 0.35): GenreWorld {
  const rng = createRng(seed);
  const genreOf = (m: number) => (m - 1) % 3;
  const tasteOf = (u: number) => (u - 1) % 3;
  const u: number[] = [];
  const i: number[] = [];
  const r: number[] = [];
  const t: number[] = [];
  for (let a = 1; a <= nUsers; a++) {
    for (let m = 1; m <= nItems; m++) {
      const p = density / (1 + (m - 1) / 8);
      if (rng.next() >= p) continue;
      const loves = genreOf(m) === tasteOf(a);
      u.push(a);
      i.push(m);
      r.push(loves ? 4 + rng.int(2) : 1 + rng.int(2));
      t.push(1_000_000 + m * 1000 + a + rng.int(500));
    }
  }
  const docs: ContentDoc[] = [];
  for (let m = 1; m <= nItems; m++) {
    const g = genreOf(m);
    docs.push({
      itemId: m,
      fields: {
        g: [WORLD_GENRES[g]],
        d: [`Director ${g * 2 + (m % 2)}`],
        k: [`theme ${g}`, `motif ${m % 5}`],
      },
    });
  }
  return {
    userIds: Int32Array.from(u),
    movieIds: Int32Array.from(i),
    ratings: Float32Array.from(r),
    timestamps: Float64Array.from(t),
    docs,
    genreOf,
    tasteOf,
  };
}
