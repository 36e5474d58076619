/**
 * Which reason a pick gets, from its score decomposition ({@link Contribution}) and what the member did with the movie
 * the decomposition names (issue #23): a rating, a like (heart) or a bare watch. Pure: the app passes the member's
 * signal for that movie and the two movies' directors and cast, and turns the choice into words and titles.
 *
 * - content pick with a shared director: "Because you watched three films by X" when the member logged viewings of
 *   at least {@link WATCHED_DIRECTOR_MIN} of X's films, else "More from X"; with a shared actor, "With Y, like Z";
 *   otherwise "Because you watched / liked Z" by what the member did with Z;
 * - collaborative pick from a liked movie (hearted, or rated ≥ {@link LIKED_RATING}) or a watched one: "Because you
 *   liked / watched Z" (a like wins over a watch, the kinds the implicit models read with their own confidences);
 * - any other personal pick: "Popular with people like you"; a popularity pick: the app's popularity wording.
 */
import type { Contribution } from './explain';

/** A rating at least this high reads as "liked" (the implicit models' positive threshold). */
export const LIKED_RATING = 3.5;

/** A shared director names the member's viewings from this many of their films on. */
export const WATCHED_DIRECTOR_MIN = 2;

/** What the member did with a movie: one signal per movie (a rating wins over a like, a like over a watch). */
export interface MovieSignal {
  kind: 'rating' | 'like' | 'watch';
  /** The rating for kind 'rating' (else the kind's weight, unused here). */
  value: number;
  /** Hearted (also true for a rated movie the member likes). */
  liked: boolean;
}

/** The people of a movie, for content reasons. */
export interface MoviePeople {
  directors: readonly string[];
  cast: readonly string[];
}

export type ReasonChoice =
  | { kind: 'watched-director'; director: string; films: number }
  | { kind: 'more-from'; director: string }
  | { kind: 'with-actor'; actor: string; fromItemIdx: number }
  | { kind: 'because'; verb: 'liked' | 'watched'; fromItemIdx: number }
  | { kind: 'people-like-you'; source: 'collaborative' | 'content' }
  | { kind: 'popular' };

/**
 * The reason of one pick. `signal` is the member's signal for the named movie (`c.fromItemIdx`), `people` the pick's
 * and the named movie's people (null without credits), `watchedByDirector` how many distinct films of each director
 * the member logged a viewing of. O(|directors| + |cast|).
 */
export function chooseReason(
  c: Contribution,
  signal: MovieSignal | undefined,
  people: { pick: MoviePeople; from: MoviePeople } | null,
  watchedByDirector: ReadonlyMap<string, number>,
): ReasonChoice {
  const from = c.fromItemIdx;
  const liked =
    signal !== undefined &&
    (signal.liked || signal.kind === 'like' || (signal.kind === 'rating' && signal.value >= LIKED_RATING));
  const watched = signal?.kind === 'watch';
  if (c.base === 'content' && from >= 0) {
    const director = people?.pick.directors.find((d) => people.from.directors.includes(d));
    if (director !== undefined) {
      const films = watchedByDirector.get(director) ?? 0;
      return films >= WATCHED_DIRECTOR_MIN
        ? { kind: 'watched-director', director, films }
        : { kind: 'more-from', director };
    }
    const actor = people?.pick.cast.find((a) => people.from.cast.includes(a));
    if (actor !== undefined) return { kind: 'with-actor', actor, fromItemIdx: from };
    return { kind: 'because', verb: watched ? 'watched' : 'liked', fromItemIdx: from };
  }
  if (c.source === 'collaborative' && from >= 0 && (liked || watched))
    return { kind: 'because', verb: liked ? 'liked' : 'watched', fromItemIdx: from };
  if (c.source === 'collaborative' || c.source === 'content') return { kind: 'people-like-you', source: c.source };
  return { kind: 'popular' };
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
