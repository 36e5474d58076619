import 'server-only';
import { coLikeCounts, countLikers, keyPeopleOf, memberAveragesByPerson } from '../data/evidence';
import {
  MIN_GENRE_JACCARD,
  PERSON_MIN_AVG,
  PERSON_MIN_FILMS,
  genreJaccard,
  strongCoRating,
} from '@/lib/feed/evidence-rules';
import { getCreditsFor, type MovieCredits } from '../data/credits';
import type { MovieCard } from '../data/movies';
import { getMovieCards } from '../data/movies';

export type Evidence = 'people' | 'genres' | 'co-rating';

/**
 * Catalogue rows a caller has already read, so the evidence check does not read them again: `credits` as
 * getCreditsFor returns them (used when it holds every movie asked about), `cards` read by getMovieCards for a superset
 * of the named movies (a named id missing from it is a movie not in the catalogue).
 */
export interface KnownCatalogue {
  credits?: Map<number, MovieCredits>;
  cards?: Map<number, MovieCard>;
}

/**
 * What backs "because you liked <named>" for <pick>: a shared director or top-billed actor, overlapping genres, or
 * strong co-rating (many fans of the named movie also liked the pick, well above chance); null when nothing does.
 */
export async function reasonEvidence(
  pairs: { pick: MovieCard; named: number }[],
  known: KnownCatalogue = {},
): Promise<(Evidence | null)[]> {
  if (pairs.length === 0) return [];
  const namedIds = [...new Set(pairs.map((p) => p.named))];
  const creditIds = [...new Set([...pairs.map((p) => p.pick.id), ...namedIds])];
  const knownCredits = known.credits && creditIds.every((id) => known.credits!.has(id)) ? known.credits : null;
  const [credits, namedCards, co, likers] = await Promise.all([
    knownCredits ?? getCreditsFor(creditIds),
    known.cards ? namedIds.flatMap((id) => known.cards!.get(id) ?? []) : getMovieCards(namedIds),
    coLikeCounts(pairs.map((p) => [p.pick.id, p.named])),
    countLikers(),
  ]);
  const genresOf = new Map(namedCards.map((c) => [c.id, c.genres]));
  return pairs.map(({ pick, named }) => {
    const a = credits.get(pick.id);
    const b = credits.get(named);
    if (a && b && (a.directors.some((d) => b.directors.includes(d)) || a.cast.some((c) => b.cast.includes(c))))
      return 'people';
    if (genreJaccard(pick.genres, genresOf.get(named) ?? []) >= MIN_GENRE_JACCARD) return 'genres';
    if (strongCoRating(co.get(`${pick.id}:${named}`), likers)) return 'co-rating';
    return null;
  });
}

export interface ReasonedItem {
  movie: MovieCard;
  reason: string;
  /** The movie the reason names ("Because you liked …"), when it names one. */
  because?: number | null;
}

const GENERIC = 'Popular with people like you';
const UNSUPPORTED = 'Liked by people whose ratings match yours';

/**
 * Makes every reason believable: one that names a movie without evidence behind it is replaced (by a person the member
 * rates highly, when the pick has one, else by the honest collaborative wording), and the vague "popular with people
 * like you" gives way to a person reason when there is one: "Directed by Denis Villeneuve, whose films you rate ★ 4.5
 * on average".
 */
export async function refineReasons<T extends ReasonedItem>(
  userId: number,
  items: T[],
  known: KnownCatalogue = {},
): Promise<T[]> {
  if (items.length === 0) return items;
  const people = await keyPeopleOf(items.map((i) => i.movie.id));
  const averages = await memberAveragesByPerson(userId, [...new Set(people.map((p) => p.personId))]);
  const named = items.flatMap((item, x) =>
    item.because != null ? [{ x, pick: item.movie, named: item.because }] : [],
  );
  const evidence = await reasonEvidence(named, known);
  const supported = new Map(named.map((n, k) => [n.x, evidence[k]]));
  return items.map((item, x) => {
    const personReason = bestPersonReason(item.movie.id, people, averages);
    if (item.because != null && supported.get(x) == null)
      return { ...item, reason: personReason ?? UNSUPPORTED, because: null };
    if (item.because == null && item.reason === GENERIC && personReason) return { ...item, reason: personReason };
    return item;
  });
}

function bestPersonReason(
  movieId: number,
  people: { movieId: number; personId: number; name: string; isDirector: boolean }[],
  averages: Map<number, { avg: number; n: number; movieIds: number[] }>,
): string | null {
  let best: { name: string; isDirector: boolean; avg: number } | null = null;
  for (const p of people) {
    if (p.movieId !== movieId) continue;
    const a = averages.get(p.personId);
    if (!a) continue;
    // Their other films: the pick itself is never rated (the feed leaves rated movies out), but be sure.
    const n = a.movieIds.filter((id) => id !== movieId).length;
    if (n < PERSON_MIN_FILMS || a.avg < PERSON_MIN_AVG) continue;
    if (!best || (p.isDirector && !best.isDirector) || (p.isDirector === best.isDirector && a.avg > best.avg))
      best = { name: p.name, isDirector: p.isDirector, avg: a.avg };
  }
  if (!best) return null;
  return best.isDirector
    ? `Directed by ${best.name}, whose films you rate ★ ${best.avg.toFixed(1)} on average`
    : `With ${best.name}, whose films you rate ★ ${best.avg.toFixed(1)} on average`;
}
