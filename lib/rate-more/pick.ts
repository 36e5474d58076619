// Which movies to offer on the rate-more page: ones the member has probably seen, whose rating tells the most about
// their taste, spread over genres and decades, and different from member to member. Pure: the data layer supplies the
// candidate statistics.

export interface RateCandidate {
  id: number;
  year: number | null;
  genres: string[];
  /** Number of ratings: a proxy for "has probably seen it". */
  count: number;
  /** Standard deviation of its ratings: a divisive film says more about a taste than one everyone rates 4. */
  spread: number;
}

export interface PickOptions {
  n: number;
  /** Genres the member picked: at least two thirds of the picks come from them when there are enough. */
  genres: string[];
  /** First years of the decades the member picked (1990 = the 1990s): same rule. */
  decades: number[];
  exclude: ReadonlySet<number>;
  seed: number;
  /** At most this many picks share a first genre, or a decade (spread). */
  maxPerGroup?: number;
}

/** mulberry32: tiny seeded generator, so a member sees the same batch on a reload but members differ. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Informativeness of asking about a movie, after Rashid et al. (2002), "Getting to know you: learning new user
 * preferences in recommender systems": log(popularity) × spread of its ratings (their log-pop × entropy strategy).
 */
export function informativeness(c: Pick<RateCandidate, 'count' | 'spread'>): number {
  return Math.log1p(c.count) * Math.max(0.1, c.spread);
}

/**
 * Sampling weight = informativeness^SHARPNESS: with 1, a film rated 13 times would come up a third as often as one
 * rated 400 times (most members have not seen it); 3 keeps the batch mostly to well-known films and still varied.
 */
const SHARPNESS = 3;

function decadeOf(year: number | null): number | null {
  return year === null ? null : year - (year % 10);
}

/**
 * Weighted sampling without replacement (Efraimidis & Spirakis 2006: key = u^(1/w)), weight = informativeness, so the
 * most telling films come up most often without everyone getting the same dozen; then a greedy pass keeps at most
 * `maxPerGroup` per first genre and per decade, and puts the member's genres and decades first.
 */
export function pickRateCandidates(candidates: RateCandidate[], opts: PickOptions): number[] {
  const random = rng(opts.seed);
  const liked = new Set(opts.genres);
  const decades = new Set(opts.decades);
  const matches = (c: RateCandidate) =>
    (liked.size === 0 || c.genres.some((g) => liked.has(g))) &&
    (decades.size === 0 || decades.has(decadeOf(c.year) ?? -1));
  const keyed = candidates
    .filter((c) => !opts.exclude.has(c.id))
    .map((c) => ({ c, key: Math.pow(random(), 1 / Math.pow(informativeness(c), SHARPNESS)), fits: matches(c) }))
    .sort((a, b) => Number(b.fits) - Number(a.fits) || b.key - a.key);
  const max = opts.maxPerGroup ?? Math.max(2, Math.ceil(opts.n / 4));
  const perGenre = new Map<string, number>();
  const perDecade = new Map<number, number>();
  const picked: RateCandidate[] = [];
  const wantFitting = Math.ceil((opts.n * 2) / 3);
  for (const pass of [0, 1]) {
    for (const { c, fits } of keyed) {
      if (picked.length >= opts.n) break;
      if (picked.includes(c)) continue;
      // Pass 0 takes the member's genres/decades (up to two thirds) with the spread limits; pass 1 fills the rest.
      if (pass === 0 && (!fits || picked.length >= wantFitting)) continue;
      const g = c.genres[0] ?? '';
      const d = decadeOf(c.year) ?? -1;
      // The member's own genres may fill more slots; everything else is spread out.
      const genreCap = liked.has(g) ? max * 2 : max;
      const decadeCap = decades.has(d) ? max * 3 : max;
      if ((perGenre.get(g) ?? 0) >= genreCap || (perDecade.get(d) ?? 0) >= decadeCap) continue;
      picked.push(c);
      perGenre.set(g, (perGenre.get(g) ?? 0) + 1);
      perDecade.set(d, (perDecade.get(d) ?? 0) + 1);
    }
  }
  // Spread limits can leave slots empty on a small catalogue: fill them in key order.
  for (const { c } of keyed) {
    if (picked.length >= opts.n) break;
    if (!picked.includes(c)) picked.push(c);
  }
  const fitting = picked.filter(matches);
  return [...fitting, ...picked.filter((c) => !matches(c))].map((c) => c.id);
}
