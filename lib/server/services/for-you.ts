import 'server-only';
import { buildRatingMatrix, type BuiltRatingMatrix } from '@/lib/recommender/sparse';
import { fitPopularity, popularityRecommender, type PopularityModel } from '@/lib/recommender/popularity';
import { contentCosine, createServingScratch, explainPage, predictRating, ratingContext, scoreUser, servedOrder, topN, trainedOn, type ServingModel, type UserRatings } from '@/lib/recommender/serving';
import { mmrRerank } from '@/lib/recommender/mmr';
import { SLOT_WINDOW } from '@/lib/recommender/coverage-floor';
import type { FeedQuery } from '@/lib/validation/feed';
import { db } from '../db';
import { getMovieCards, type MovieCard } from '../data/movies';
import { listDismissedIds } from '../data/dismissals';
import { favouriteGenreOf, getCreditsFor, movieIdsMatching } from '../data/credits';
import { getFavouriteGenres } from '../data/preferences';
import { getServingModel } from './model-cache';
import { refineReasons } from './reasons';

export type FeedSource = 'collaborative' | 'content' | 'popular';

export interface FeedItem {
  movie: MovieCard;
  /** Predicted rating on the 0.5–5 scale. */
  predicted: number;
  reason: string;
  source: FeedSource;
  /** The movie the reason names ("Because you liked …"), when it names one with evidence behind it. */
  because?: number | null;
}

export interface FeedPage {
  items: FeedItem[];
  nextCursor: number | null;
  modelVersion: number | null;
}

const POOL = 300;
/**
 * Onboarding genres steer a cold member's list: within the candidate pool, a movie in a favourite genre moves up
 * this many places (so such titles lead the list without hiding everything else).
 */
const FAVOURITE_GENRE_LIFT = 100;

/** Stable re-order of a ranked pool: items with `lifted` true move up `lift` places. */
export function liftRanked(pool: readonly number[], lifted: (i: number) => boolean, lift: number): number[] {
  return pool
    .map((item, rank) => {
      const up = lifted(item);
      return { item, key: rank - (up ? lift : 0), up, rank };
    })
    .sort((a, b) => a.key - b.key || Number(b.up) - Number(a.up) || a.rank - b.rank)
    .map((x) => x.item);
}

async function userRatings(userId: number): Promise<{ movieId: number; value: number; updatedAt: Date }[]> {
  return db.rating.findMany({ where: { userId }, select: { movieId: true, value: true, updatedAt: true } });
}

/** MMR similarity: cosine of the content vectors, or of the ALS item factors when the catalogue has no content. */
function cosine(model: ServingModel): (a: number, b: number) => number {
  if (model.contentVectors.nCols > 0) return contentCosine(model);
  const { k, itemFactors: Y } = model;
  const norms = new Float32Array(model.itemIds.length);
  return (a, b) => {
    const na = (norms[a] ||= Math.hypot(...Y.subarray(a * k, a * k + k)) || 1);
    const nb = (norms[b] ||= Math.hypot(...Y.subarray(b * k, b * k + k)) || 1);
    let s = 0;
    for (let f = 0; f < k; f++) s += Y[a * k + f] * Y[b * k + f];
    return s / (na * nb);
  };
}

/**
 * The For You feed: the active model's blended scores for the user's current ratings (folded in at request time,
 * so a rating made a second ago already counts), minus rated and dismissed movies, optionally filtered, re-ranked
 * for diversity (MMR), each with a predicted rating and the reason that contributed most.
 */
export async function buildForYouFeed(userId: number, query: FeedQuery, opts: { refineReasons?: boolean } = {}): Promise<FeedPage> {
  const [loaded, rated, dismissed] = await Promise.all([getServingModel(), userRatings(userId), listDismissedIds(userId)]);
  if (!loaded) return popularityFeed(rated, dismissed, query);
  const { model, itemIndex, versionId } = loaded;
  const user: UserRatings = {
    itemIdx: new Int32Array(rated.length),
    values: new Float32Array(rated.length),
    times: new Float64Array(rated.length),
    newMember: !trainedOn(model, userId),
  };
  let n = 0;
  for (const r of rated) {
    const idx = itemIndex.get(r.movieId);
    if (idx === undefined) continue;
    user.itemIdx[n] = idx;
    user.values[n] = r.value;
    user.times![n++] = r.updatedAt.getTime() / 1000;
  }
  user.itemIdx = user.itemIdx.subarray(0, n);
  user.values = user.values.subarray(0, n);
  user.times = user.times!.subarray(0, n);
  const scratch = createServingScratch(model);
  const scores = new Float32Array(model.itemIds.length);
  scoreUser(model, user, scores, scratch);
  const exclude = new Set<number>(user.itemIdx);
  for (const id of dismissed) {
    const idx = itemIndex.get(id);
    if (idx !== undefined) exclude.add(idx);
  }
  if (query.genre || query.yearFrom || query.yearTo) {
    const allowed = new Set((await movieIdsMatching(query)).map((id) => itemIndex.get(id)).filter((i) => i !== undefined));
    for (let i = 0; i < scores.length; i++) if (!allowed.has(i)) scores[i] = Number.NEGATIVE_INFINITY;
  }
  const cold = n <= model.coldUserThreshold;
  // Onboarding genres only steer cold members, so only they pay for reading them.
  const favourites = cold ? await getFavouriteGenres(userId) : [];
  const steer = favourites.length > 0;
  // The pool must not depend on the cursor: MMR's greedy picks (and its relevance scaling) depend on the pool, and
  // page 2 must continue page 1 exactly. With a fixed pool, picking cursor + limit items gives page 1's picks first.
  let pool = topN(scores, [...exclude], POOL).filter((i) => Number.isFinite(scores[i]));
  const genreOf = steer ? await favouriteGenreOf(pool.map((i) => model.itemIds[i]), favourites) : new Map<number, string>();
  // MMR trades relevance against similarity; once the pool is re-ordered, relevance is the new rank (1 … 0).
  let relevance = (i: number) => scores[i];
  if (steer) {
    pool = liftRanked(pool, (i) => genreOf.has(model.itemIds[i]), FAVOURITE_GENRE_LIFT);
    const position = new Map(pool.map((item, rank) => [item, rank]));
    relevance = (i) => 1 - position.get(i)! / pool.length;
  }
  // Discovery slots (when the model has them) re-order the first 20 of whatever order the slider gives.
  const mmrPicks = model.discoverySlots ? Math.max(query.cursor + query.limit, SLOT_WINDOW) : query.cursor + query.limit;
  const ranked = servedOrder(
    model,
    n,
    query.diversity > 0
      ? mmrRerank(pool.map((i) => ({ itemIdx: i, score: relevance(i) })), mmrPicks, 1 - query.diversity, cosine(model)).map((s) => s.itemIdx)
      : pool,
  );
  const page = ranked.slice(query.cursor, query.cursor + query.limit);
  const contributions = explainPage(model, user, scratch, page);
  const fromIds = contributions.filter((c) => c.fromItemIdx >= 0).map((c) => model.itemIds[c.fromItemIdx]);
  const pageIds = page.map((i) => model.itemIds[i]);
  const [cards, credits, fromCards] = await Promise.all([
    getMovieCards(pageIds),
    getCreditsFor([...pageIds, ...fromIds]),
    getMovieCards([...new Set(fromIds)]),
  ]);
  const cardById = new Map(cards.map((c) => [c.id, c]));
  const titleById = new Map(fromCards.map((c) => [c.id, c.title]));
  const ratingByIdx = new Map<number, number>();
  user.itemIdx.forEach((idx, t) => ratingByIdx.set(idx, user.values[t]));
  const ratingCtx = ratingContext(model, user);
  const items = page.flatMap((i, x): FeedItem[] => {
    const movie = cardById.get(model.itemIds[i]);
    if (!movie) return [];
    const c = contributions[x];
    let reason: string;
    let source: FeedSource;
    const from = c.fromItemIdx >= 0 ? model.itemIds[c.fromItemIdx] : null;
    const liked = from !== null && (ratingByIdx.get(c.fromItemIdx) ?? 0) >= 3.5;
    if (c.base === 'content' && from !== null) {
      source = 'content';
      const mine = credits.get(movie.id)!;
      const theirs = credits.get(from)!;
      const director = mine.directors.find((d) => theirs.directors.includes(d));
      const actor = mine.cast.find((a) => theirs.cast.includes(a));
      reason = director
        ? `More from ${director}`
        : actor
          ? `With ${actor}, like ${titleById.get(from)}`
          : `Because you liked ${titleById.get(from)}`;
    } else if (c.source === 'collaborative' && liked) {
      source = 'collaborative';
      reason = `Because you liked ${titleById.get(from!)}`;
    } else if (c.source === 'collaborative' || c.source === 'content') {
      source = c.source;
      reason = 'Popular with people like you';
    } else {
      source = 'popular';
      const genre = genreOf.get(movie.id);
      reason = genre
        ? `Popular in ${genre}, a genre you picked`
        : cold
          ? n === 0
            ? 'Popular on Reel — rate a few movies to personalise'
            : 'Popular on Reel — rate a few more to personalise'
          : 'Popular with people like you';
    }
    const named = from !== null && titleById.has(from) && reason.endsWith(titleById.get(from)!) ? from : null;
    return [{ movie, predicted: predictRating(model, ratingCtx, i), reason, source, because: named }];
  });
  const nextCursor = query.cursor + query.limit < pool.length ? query.cursor + query.limit : null;
  // Reasons that name a movie must have evidence behind them (shared people, genres or strong co-rating).
  const reasoned = opts.refineReasons === false ? items : await refineReasons(userId, items);
  return { items: reasoned, nextCursor, modelVersion: versionId };
}

// Before the first model exists (empty catalogue at first start), the feed is Bayesian-average popularity.
let popularityCache: { data: BuiltRatingMatrix; model: PopularityModel; at: number } | null = null;

async function popularityFeed(rated: { movieId: number }[], dismissed: number[], query: FeedQuery): Promise<FeedPage> {
  if (!popularityCache || Date.now() - popularityCache.at > 60_000) {
    const rows = await db.rating.findMany({ select: { userId: true, movieId: true, value: true } });
    const data = buildRatingMatrix(
      { userIds: Int32Array.from(rows, (r) => r.userId), itemIds: Int32Array.from(rows, (r) => r.movieId), ratings: Float32Array.from(rows, (r) => r.value) },
      { scale: [0.5, 5] },
    );
    popularityCache = { data, model: fitPopularity(data, { mode: 'bayes', priorCount: 25 }), at: Date.now() };
  }
  const { data, model } = popularityCache;
  const exclude = new Set<number>();
  for (const id of [...rated.map((r) => r.movieId), ...dismissed]) {
    const idx = data.items.index(id);
    if (idx !== undefined) exclude.add(idx);
  }
  let candidates: Int32Array | undefined;
  if (query.genre || query.yearFrom || query.yearTo) {
    candidates = Int32Array.from((await movieIdsMatching(query)).map((id) => data.items.index(id) ?? -1).filter((i) => i >= 0));
  }
  const picks = popularityRecommender.recommend(model, data, -1, query.cursor + query.limit + 1, { exclude, candidates });
  const page = picks.slice(query.cursor, query.cursor + query.limit);
  const cards = await getMovieCards(page.map((p) => data.items.ids[p.itemIdx]));
  const byId = new Map(cards.map((c) => [c.id, c]));
  const items = page.flatMap((p): FeedItem[] => {
    const movie = byId.get(data.items.ids[p.itemIdx]);
    return movie
      ? [{ movie, predicted: popularityRecommender.predict(model, data, -1, p.itemIdx), reason: 'Popular on Reel', source: 'popular' }]
      : [];
  });
  return { items, nextCursor: picks.length > query.cursor + query.limit ? query.cursor + query.limit : null, modelVersion: null };
}

/** The active model's prediction of how `userId` would rate `movieId` (null without a model or for unknown movies). */
export async function predictUserRating(userId: number, movieId: number): Promise<number | null> {
  const loaded = await getServingModel();
  const idx = loaded?.itemIndex.get(movieId);
  if (!loaded || idx === undefined) return null;
  const rated = await userRatings(userId);
  const pairs = rated.flatMap((r) => {
    const i = loaded.itemIndex.get(r.movieId);
    return i === undefined ? [] : [[i, r.value] as const];
  });
  const user = { itemIdx: Int32Array.from(pairs, (p) => p[0]), values: Float32Array.from(pairs, (p) => p[1]), newMember: !trainedOn(loaded.model, userId) };
  return predictRating(loaded.model, user, idx);
}
