// When a For You reason is believable: the thresholds and checks, pure so they can be tested without a database.

/** Co-rating counts of one (pick, named movie) pair: raters who liked both, and each. */
export interface CoLikes {
  both: number;
  pick: number;
  named: number;
}

/** Co-rating counts as evidence when at least this many raters liked both… */
export const MIN_CO_LIKES = 5;
/** …at least this share of the named movie's fans also liked the pick… */
export const MIN_CONFIDENCE = 0.2;
/** …and that is clearly more than chance (lift over the base rate of liking the pick). */
export const MIN_LIFT = 1.5;
/** Genre overlap that counts as evidence: Jaccard of the two genre sets. */
export const MIN_GENRE_JACCARD = 0.5;
/** A person reason needs this many of their other films rated by the member, at this average or above. */
export const PERSON_MIN_FILMS = 2;
export const PERSON_MIN_AVG = 4;

export function genreJaccard(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const sa = new Set(a);
  const inter = b.filter((g) => sa.has(g)).length;
  return inter / (sa.size + new Set(b).size - inter);
}

export function strongCoRating(c: CoLikes | undefined, likers: number): boolean {
  if (!c || c.both < MIN_CO_LIKES || c.named === 0 || c.pick === 0 || likers === 0) return false;
  const confidence = c.both / c.named;
  const lift = confidence / (c.pick / likers);
  return confidence >= MIN_CONFIDENCE && lift >= MIN_LIFT;
}
