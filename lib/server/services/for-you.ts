import 'server-only';
import { buildRatingMatrix, type BuiltRatingMatrix } from '@/lib/recommender/core/sparse';
import { fitPopularity, popularityRecommender, type PopularityModel } from '@/lib/recommender/algorithms/popularity';
import {
  contentCosine,
  createServingScratch,
  explainPage,
  predictRating,
  ratingContext,
  scoreUser,
  servedOrder,
  topN,
  trainedOn,
  type ServingModel,
  type ServingScratch,
  type UserRatings,
  chooseReason,
  watchedDirectorCounts,
} from '@/lib/recommender/serving';
import { mmrRerank } from '@/lib/recommender/serving/mmr';
import { SLOT_WINDOW } from '@/lib/recommender/serving/coverage-floor';
import type { FeedItem, FeedPage, FeedQuery, FeedSource } from '@/lib/validation/feed';
import { getMovieCards } from '../data/movies';
import { listDismissedIds } from '../data/dismissals';
import { listRatingsForScoring } from '../data/ratings';
import { snapshotRatings } from '../data/models';
import { favouriteGenreOf, getCreditsFor, movieIdsMatching } from '../data/credits';
import { getFavouriteGenres } from '../data/preferences';
import { listSeedMovieIds } from '../data/lists';
import { getServingModel } from './model-cache';
import { listAllLikes } from '../data/likes';
import { listAllWatches } from '../data/watches';
import { refineReasons } from './reasons';
import { mergeTasteSignals, watchedFilmsBy, type TasteSignal } from './implicit-signals';

export type { FeedItem, FeedPage, FeedSource } from '@/lib/validation/feed';

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

/**
 * Ratings, likes and watches as one signal per movie (likes and bare watches as pseudo-ratings: implicit-signals.ts),
 * and the ids of every movie the member logged a viewing of (for "Because you watched three films by …").
 */
async function userSignals(userId: number, listId?: number): Promise<{ signals: TasteSignal[]; watchedIds: number[] }> {
  const [ratings, likes, watches, seeds] = await Promise.all([
    listRatingsForScoring(userId),
    listAllLikes(userId),
    listAllWatches(userId),
    listId ? listSeedMovieIds(userId, listId) : [],
  ]);
  // "Recommend from this list": the list's movies count as liked for this feed only (never written).
  const now = new Date();
  const seeded = [...likes, ...seeds.map((movieId) => ({ movieId, createdAt: now }))];
  return {
    signals: mergeTasteSignals(ratings, seeded, watches),
    watchedIds: [...new Set(watches.map((w) => w.movieId))],
  };
}

/** The signals as the engine's fold-in input (movies outside the model are skipped). */
function toUserRatings(
  model: ServingModel,
  itemIndex: Map<number, number>,
  signals: readonly TasteSignal[],
  userId: number,
): UserRatings {
  const user: UserRatings = {
    itemIdx: new Int32Array(signals.length),
    values: new Float32Array(signals.length),
    times: new Float64Array(signals.length),
    newMember: !trainedOn(model, userId),
  };
  const implicit = { itemIdx: new Int32Array(signals.length), values: new Float32Array(signals.length) };
  let n = 0;
  let m = 0;
  for (const s of signals) {
    const idx = itemIndex.get(s.movieId);
    if (idx === undefined) continue;
    // Ratings are the member's ratings; likes and bare watches go to the implicit models only, as in the nightly fit.
    if (s.kind === 'rating') {
      user.itemIdx[n] = idx;
      user.values[n] = s.value;
      user.times![n++] = s.time;
    } else {
      implicit.itemIdx[m] = idx;
      implicit.values[m++] = s.value;
    }
  }
  user.itemIdx = user.itemIdx.subarray(0, n);
  user.values = user.values.subarray(0, n);
  user.times = user.times!.subarray(0, n);
  if (m > 0) user.implicit = { itemIdx: implicit.itemIdx.subarray(0, m), values: implicit.values.subarray(0, m) };
  return user;
}

interface ScoringBuffers {
  scratch: ServingScratch;
  scores: Float32Array;
}

/**
 * Scoring buffers of finished requests, per model: a request takes a set from scoring to its explanations (it awaits
 * in between, so concurrent requests never share one) and gives it back; scoreUser overwrites every buffer it reads.
 * Saves allocating (and collecting) ≈ 0.6 MB per request at 10k items.
 */
const freeBuffers = new WeakMap<ServingModel, ScoringBuffers[]>();
const MAX_FREE_BUFFERS = 4;

function takeScoringBuffers(model: ServingModel): ScoringBuffers {
  return (
    freeBuffers.get(model)?.pop() ?? {
      scratch: createServingScratch(model),
      scores: new Float32Array(model.itemIds.length),
    }
  );
}

function giveBackScoringBuffers(model: ServingModel, b: ScoringBuffers): void {
  let free = freeBuffers.get(model);
  if (!free) freeBuffers.set(model, (free = []));
  if (free.length < MAX_FREE_BUFFERS) free.push(b);
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
 * The For You feed: the active model's blended scores for the user's current ratings, likes and watches (folded in at
 * request time, so a rating, like or watch made a second ago already counts), minus rated, liked, watched and
 * dismissed movies, optionally filtered, re-ranked
 * for diversity (MMR), each with a predicted rating and the reason that contributed most.
 */
export async function buildForYouFeed(
  userId: number,
  query: FeedQuery,
  opts: { refineReasons?: boolean } = {},
): Promise<FeedPage> {
  const [loaded, { signals, watchedIds }, dismissed] = await Promise.all([
    getServingModel(),
    userSignals(userId, query.list),
    listDismissedIds(userId),
  ]);
  if (!loaded) return popularityFeed(signals, dismissed, query);
  const { model, itemIndex, versionId } = loaded;
  // Ranking folds in ratings (every base) and likes and bare watches (the implicit bases); predicted ratings use what
  // the member actually rated.
  const user = toUserRatings(model, itemIndex, signals, userId);
  const n = user.itemIdx.length + (user.implicit?.itemIdx.length ?? 0);
  const buffers = takeScoringBuffers(model);
  const { scratch, scores } = buffers;
  scoreUser(model, user, scores, scratch);
  const exclude = new Set<number>([...user.itemIdx, ...(user.implicit?.itemIdx ?? [])]);
  for (const id of dismissed) {
    const idx = itemIndex.get(id);
    if (idx !== undefined) exclude.add(idx);
  }
  if (query.genre || query.yearFrom || query.yearTo) {
    const allowed = new Set(
      (await movieIdsMatching(query)).map((id) => itemIndex.get(id)).filter((i) => i !== undefined),
    );
    for (let i = 0; i < scores.length; i++) if (!allowed.has(i)) scores[i] = Number.NEGATIVE_INFINITY;
  }
  const cold = n <= model.coldUserThreshold;
  // Onboarding genres only steer cold members, so only they pay for reading them.
  const favourites = cold ? await getFavouriteGenres(userId) : [];
  const steer = favourites.length > 0;
  // The pool must not depend on the cursor: MMR's greedy picks (and its relevance scaling) depend on the pool, and
  // page 2 must continue page 1 exactly. With a fixed pool, picking cursor + limit items gives page 1's picks first.
  let pool = topN(scores, [...exclude], POOL).filter((i) => Number.isFinite(scores[i]));
  const genreOf = steer
    ? await favouriteGenreOf(
        pool.map((i) => model.itemIds[i]),
        favourites,
      )
    : new Map<number, string>();
  // MMR trades relevance against similarity; once the pool is re-ordered, relevance is the new rank (1 … 0).
  let relevance = (i: number) => scores[i];
  if (steer) {
    pool = liftRanked(pool, (i) => genreOf.has(model.itemIds[i]), FAVOURITE_GENRE_LIFT);
    const position = new Map(pool.map((item, rank) => [item, rank]));
    relevance = (i) => 1 - position.get(i)! / pool.length;
  }
  // Discovery slots (when the model has them) re-order the first 20 of whatever order the slider gives.
  const mmrPicks = model.discoverySlots
    ? Math.max(query.cursor + query.limit, SLOT_WINDOW)
    : query.cursor + query.limit;
  const ranked = servedOrder(
    model,
    n,
    query.diversity > 0
      ? mmrRerank(
          pool.map((i) => ({ itemIdx: i, score: relevance(i) })),
          mmrPicks,
          1 - query.diversity,
          cosine(model),
        ).map((s) => s.itemIdx)
      : pool,
  );
  const page = ranked.slice(query.cursor, query.cursor + query.limit);
  const contributions = explainPage(model, user, scratch, page);
  giveBackScoringBuffers(model, buffers); // nothing below reads the scores or the feature columns
  const fromIds = contributions.filter((c) => c.fromItemIdx >= 0).map((c) => model.itemIds[c.fromItemIdx]);
  const pageIds = page.map((i) => model.itemIds[i]);
  // One read of the page's and the reasons' movies (cards and credits), which refineReasons reuses.
  const [cards, credits] = await Promise.all([
    getMovieCards([...new Set([...pageIds, ...fromIds])]),
    getCreditsFor([...new Set([...pageIds, ...fromIds, ...watchedIds])]),
  ]);
  const cardById = new Map(cards.map((c) => [c.id, c]));
  const titleById = new Map(fromIds.flatMap((id) => (cardById.has(id) ? [[id, cardById.get(id)!.title]] : [])));
  const signalByIdx = new Map<number, TasteSignal>();
  for (const s of signals) {
    const idx = itemIndex.get(s.movieId);
    if (idx !== undefined) signalByIdx.set(idx, s);
  }
  const ratingCtx = ratingContext(model, user);
  const watchedByDirector = watchedDirectorCounts(watchedIds, (id) => credits.get(id)?.directors);
  const items = page.flatMap((i, x): FeedItem[] => {
    const movie = cardById.get(model.itemIds[i]);
    if (!movie) return [];
    const c = contributions[x];
    let reason: string;
    let source: FeedSource;
    const from = c.fromItemIdx >= 0 ? model.itemIds[c.fromItemIdx] : null;
    // The engine chooses the reason (serving/reasons.ts); here it becomes words with titles.
    const pick = credits.get(movie.id);
    const theirs = from !== null ? credits.get(from) : undefined;
    const choice = chooseReason(
      c,
      from !== null ? signalByIdx.get(c.fromItemIdx) : undefined,
      pick && theirs ? { pick, from: theirs } : null,
      watchedByDirector,
    );
    if (choice.kind === 'watched-director') {
      source = 'content';
      reason = watchedFilmsBy(choice.films, choice.director);
    } else if (choice.kind === 'more-from') {
      source = 'content';
      reason = `More from ${choice.director}`;
    } else if (choice.kind === 'with-actor') {
      source = 'content';
      reason = `With ${choice.actor}, like ${titleById.get(from!)}`;
    } else if (choice.kind === 'because') {
      source = c.base === 'content' ? 'content' : 'collaborative';
      reason = `Because you ${choice.verb} ${titleById.get(from!)}`;
    } else if (choice.kind === 'people-like-you') {
      source = choice.source;
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
  const reasoned =
    opts.refineReasons === false ? items : await refineReasons(userId, items, { credits, cards: cardById });
  return { items: reasoned, nextCursor, modelVersion: versionId };
}

// Before the first model exists (empty catalogue at first start), the feed is Bayesian-average popularity.
let popularityCache: { data: BuiltRatingMatrix; model: PopularityModel; at: number } | null = null;

async function popularityFeed(
  rated: readonly { movieId: number }[],
  dismissed: number[],
  query: FeedQuery,
): Promise<FeedPage> {
  if (!popularityCache || Date.now() - popularityCache.at > 60_000) {
    const rows = await snapshotRatings();
    const data = buildRatingMatrix(
      { userIds: rows.userIds, itemIds: rows.movieIds, ratings: rows.values },
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
    candidates = Int32Array.from(
      (await movieIdsMatching(query)).map((id) => data.items.index(id) ?? -1).filter((i) => i >= 0),
    );
  }
  const picks = popularityRecommender.recommend(model, data, -1, query.cursor + query.limit + 1, {
    exclude,
    candidates,
  });
  const page = picks.slice(query.cursor, query.cursor + query.limit);
  const cards = await getMovieCards(page.map((p) => data.items.ids[p.itemIdx]));
  const byId = new Map(cards.map((c) => [c.id, c]));
  const items = page.flatMap((p): FeedItem[] => {
    const movie = byId.get(data.items.ids[p.itemIdx]);
    return movie
      ? [
          {
            movie,
            predicted: popularityRecommender.predict(model, data, -1, p.itemIdx),
            reason: 'Popular on Reel',
            source: 'popular',
          },
        ]
      : [];
  });
  return {
    items,
    nextCursor: picks.length > query.cursor + query.limit ? query.cursor + query.limit : null,
    modelVersion: null,
  };
}

/** The active model's prediction of how `userId` would rate `movieId` (null without a model or for unknown movies). */
export async function predictUserRating(userId: number, movieId: number): Promise<number | null> {
  const loaded = await getServingModel();
  const idx = loaded?.itemIndex.get(movieId);
  if (!loaded || idx === undefined) return null;
  // Explicit ratings only: likes and bare watches steer the ranking, not the predicted rating (implicit-signals.ts).
  const rated = await listRatingsForScoring(userId);
  const pairs = rated.flatMap((r) => {
    const i = loaded.itemIndex.get(r.movieId);
    return i === undefined ? [] : [[i, r.value] as const];
  });
  const user = {
    itemIdx: Int32Array.from(pairs, (p) => p[0]),
    values: Float32Array.from(pairs, (p) => p[1]),
    newMember: !trainedOn(loaded.model, userId),
  };
  return predictRating(loaded.model, user, idx);
}
