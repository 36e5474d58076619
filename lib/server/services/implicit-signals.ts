// How a member's likes and bare watches enter the engine (issue #23). Pure: no database, so the rules are unit-tested
// (implicit-signals.test.ts).
//
// The engine reads a watch or a like as an implicit row with its own weight on the rating scale
// (lib/recommender/core/interactions.ts): the implicit bases (EASE, RP3beta, implicit ALS) count a row as a positive
// when its value ≥ 3.5 (their threshold), item-kNN and content use value − the member's mean. The weights are the
// engine's DEFAULT_IMPLICIT_WEIGHTS, chosen on the validation carve of the ranking split
// (docs/benchmarks/implicit-feedback.md); the same weights are used in the nightly fit (implicitRowsOf →
// model-training.ts) and at request-time fold-in (mergeTasteSignals), so a new watch or like moves the next For You
// the way the model learnt them:
//   - an explicit rating always wins (the member said how much; a like never overrides it);
//   - a like without a rating → LIKE_VALUE: a strong positive;
//   - a watch without a rating (and no like) → WATCH_VALUE.
// Predicted ratings shown to the member keep using explicit ratings only (see for-you.ts): an implicit value is a
// ranking signal, not something the member said.
import { DEFAULT_IMPLICIT_WEIGHTS, type ImplicitRows, LIKE, WATCH } from '@/lib/recommender/core/interactions';
import type { ImplicitFeedbackSnapshot } from '../data/models';

export const LIKE_VALUE = DEFAULT_IMPLICIT_WEIGHTS.like;
export const WATCH_VALUE = DEFAULT_IMPLICIT_WEIGHTS.watch;

/**
 * The nightly snapshot's bare watches and likes as the engine's implicit rows: a watched pair without a rating → a
 * watch, a liked pair without a rating → a like (both when watched and liked). Rated pairs give no row (the rating
 * wins); watchlist-only pairs give none (not measured yet). Timestamps are the pair's latest event.
 */
export function implicitRowsOf(s: ImplicitFeedbackSnapshot): ImplicitRows {
  const u: number[] = [];
  const m: number[] = [];
  const k: number[] = [];
  const t: number[] = [];
  for (let x = 0; x < s.userIds.length; x++) {
    if (s.rated[x]) continue;
    if (s.watches[x] > 0) {
      u.push(s.userIds[x]);
      m.push(s.movieIds[x]);
      k.push(WATCH);
      t.push(s.lastAt[x]);
    }
    if (s.liked[x]) {
      u.push(s.userIds[x]);
      m.push(s.movieIds[x]);
      k.push(LIKE);
      t.push(s.lastAt[x]);
    }
  }
  return {
    userIds: Int32Array.from(u),
    movieIds: Int32Array.from(m),
    kinds: Uint8Array.from(k),
    timestamps: Float64Array.from(t),
  };
}

export type SignalKind = 'rating' | 'like' | 'watch';

export interface TasteSignal {
  movieId: number;
  /** Rating or pseudo-rating, 0.5–5. */
  value: number;
  /** When the member expressed it (rating change, like, latest watch logged), unix seconds. */
  time: number;
  kind: SignalKind;
  /** The member also likes the movie (also true for rated movies), for "Because you liked …". */
  liked: boolean;
}

/**
 * One signal per movie from the member's ratings, likes and watches, by the rules above. Output order: ratings, then
 * likes, then watches (each in input order), so the explicit ratings keep their positions.
 */
export function mergeTasteSignals(
  ratings: readonly { movieId: number; value: number; updatedAt: Date }[],
  likes: readonly { movieId: number; createdAt: Date }[],
  watches: readonly { movieId: number; createdAt: Date }[],
): TasteSignal[] {
  const liked = new Set(likes.map((l) => l.movieId));
  const out: TasteSignal[] = [];
  const seen = new Set<number>();
  for (const r of ratings) {
    if (seen.has(r.movieId)) continue;
    seen.add(r.movieId);
    out.push({
      movieId: r.movieId,
      value: r.value,
      time: r.updatedAt.getTime() / 1000,
      kind: 'rating',
      liked: liked.has(r.movieId),
    });
  }
  const lastWatch = new Map<number, number>();
  for (const w of watches)
    lastWatch.set(w.movieId, Math.max(lastWatch.get(w.movieId) ?? -Infinity, w.createdAt.getTime() / 1000));
  for (const l of likes) {
    if (seen.has(l.movieId)) continue;
    seen.add(l.movieId);
    const time = Math.max(l.createdAt.getTime() / 1000, lastWatch.get(l.movieId) ?? -Infinity);
    out.push({ movieId: l.movieId, value: LIKE_VALUE, time, kind: 'like', liked: true });
  }
  for (const [movieId, time] of lastWatch) {
    if (seen.has(movieId)) continue;
    seen.add(movieId);
    out.push({ movieId, value: WATCH_VALUE, time, kind: 'watch', liked: false });
  }
  return out;
}

/** How many distinct watched films each director made (directors of `watchedIds` per `directorsOf`). */
export function watchedDirectorCounts(
  watchedIds: Iterable<number>,
  directorsOf: (movieId: number) => readonly string[] | undefined,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of new Set(watchedIds))
    for (const d of new Set(directorsOf(id) ?? [])) counts.set(d, (counts.get(d) ?? 0) + 1);
  return counts;
}

const SMALL = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

/** "Because you watched three films by Denis Villeneuve" (numbers below ten in words). */
export function watchedFilmsBy(count: number, director: string): string {
  return `Because you watched ${count < SMALL.length ? SMALL[count] : count} films by ${director}`;
}
