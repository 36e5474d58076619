// How a member's likes and bare watches enter the engine (issue #23). Pure: no database, so the rules are unit-tested
// (implicit-signals.test.ts).
//
// The engine reads a watch, a like or a watchlist add as an implicit row with its own weight on the rating scale
// (lib/recommender/core/interactions.ts): only the implicit bases (EASE, RP3beta, implicit ALS) read them, counting a
// row as a positive when its value ≥ 3.5 (their threshold); item-kNN, content, MF and the rating blend see ratings
// only. At request time for-you.ts passes them as the member's `implicit` rows, never as ratings. The weights are the
// engine's DEFAULT_IMPLICIT_WEIGHTS, chosen on the validation carve of the ranking split
// (docs/benchmarks/implicit-feedback.md); the same weights are used in the nightly fit (implicitRowsOf →
// model-training.ts) and at request-time fold-in (mergeTasteSignals), so a new watch or like moves the next For You
// the way the model learnt them:
//   - an explicit rating always wins (the member said how much; a like never overrides it);
//   - a like without a rating → LIKE_VALUE, the like's confidence (a positive);
//   - a watch without a rating (and no like) → WATCH_VALUE, the watch's confidence.
// Predicted ratings shown to the member keep using explicit ratings only (see for-you.ts): an implicit value is a
// ranking signal, not something the member said.
import {
  DEFAULT_IMPLICIT_WEIGHTS,
  type ImplicitRows,
  LIKE,
  WATCH,
  WATCHLIST,
} from '@/lib/recommender/core/interactions';
import type { ImplicitFeedbackSnapshot } from '../data/models';

export const LIKE_VALUE = DEFAULT_IMPLICIT_WEIGHTS.like;
export const WATCH_VALUE = DEFAULT_IMPLICIT_WEIGHTS.watch;

/**
 * The nightly snapshot's unrated watches, likes and watchlist adds as the engine's implicit rows: a watched pair
 * without a rating → a watch, a liked one → a like, a listed one → a watchlist add (a pair may give several; the engine
 * keeps the strongest kind's weight). Rated pairs give no row (the rating wins). Timestamps are the pair's latest event.
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
    if (s.watchlisted[x]) {
      u.push(s.userIds[x]);
      m.push(s.movieIds[x]);
      k.push(WATCHLIST);
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
  /** A rating (0.5–5), or for a like / bare watch the kind's confidence weight for the implicit models. */
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

// Counting a member's watched films per director is the engine's (serving/reasons.ts), next to the reason choice.
export { watchedDirectorCounts } from '@/lib/recommender/serving/reasons';

const SMALL = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

/** "Because you watched three films by Denis Villeneuve" (numbers below ten in words). */
export function watchedFilmsBy(count: number, director: string): string {
  return `Because you watched ${count < SMALL.length ? SMALL[count] : count} films by ${director}`;
}
