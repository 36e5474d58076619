// How a member's likes and bare watches enter the engine at request time (issue #23), until the engine learns its own
// confidence weights for them. Pure: no database, so the rules are unit-tested (implicit-signals.test.ts).
//
// The served model folds a member in from (movie, value) pairs on the 0.5–5 scale (lib/recommender/serving.ts):
// the implicit bases (EASE, RP3beta, implicit ALS) count a pair as a positive when value ≥ 3.5 (their threshold),
// EASE weighting positives from `minWeight` at 3.5 up to 1 at 5; item-kNN and content use value − the member's mean.
// So an implicit signal is given a pseudo-rating:
//   - an explicit rating always wins (the member said how much; a like never overrides it);
//   - a like without a rating → LIKE_VALUE 4.5: a strong positive (the simulation also turns ratings ≥ 4.5
//     into likes, so 4.5 is the value a like stands for);
//   - a watch without a rating (and no like) → WATCH_VALUE 3.5: a positive at the threshold, the lowest EASE weight.
// Predicted ratings shown to the member keep using explicit ratings only (see for-you.ts): a pseudo-rating is a
// ranking signal, not something the member said.
// TODO(#23): replace the two constants with confidence weights learned on validation inside lib/recommender.

export const LIKE_VALUE = 4.5;
export const WATCH_VALUE = 3.5;

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
    out.push({ movieId: r.movieId, value: r.value, time: r.updatedAt.getTime() / 1000, kind: 'rating', liked: liked.has(r.movieId) });
  }
  const lastWatch = new Map<number, number>();
  for (const w of watches) lastWatch.set(w.movieId, Math.max(lastWatch.get(w.movieId) ?? -Infinity, w.createdAt.getTime() / 1000));
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
export function watchedDirectorCounts(watchedIds: Iterable<number>, directorsOf: (movieId: number) => readonly string[] | undefined): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of new Set(watchedIds)) for (const d of new Set(directorsOf(id) ?? [])) counts.set(d, (counts.get(d) ?? 0) + 1);
  return counts;
}

const SMALL = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

/** "Because you watched three films by Denis Villeneuve" (numbers below ten in words). */
export function watchedFilmsBy(count: number, director: string): string {
  return `Because you watched ${count < SMALL.length ? SMALL[count] : count} films by ${director}`;
}
