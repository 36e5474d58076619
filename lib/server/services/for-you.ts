import 'server-only';
import { buildRatingMatrix, type BuiltRatingMatrix } from '@/lib/recommender/sparse';
import { fitPopularity, popularityRecommender, type PopularityModel } from '@/lib/recommender/popularity';
import { db } from '../db';
import { getMovieCards, type MovieCard } from '../data/movies';
import { listDismissedIds } from '../data/dismissals';

export interface FeedItem {
  movie: MovieCard;
  /** Predicted rating on the 0.5–5 scale. */
  predicted: number;
  reason: string;
  source: 'collaborative' | 'content' | 'popular';
}

const MODEL_TTL_MS = 10 * 60_000;
let cache: { data: BuiltRatingMatrix; model: PopularityModel; at: number } | null = null;

async function loadPopularity() {
  if (cache && Date.now() - cache.at < MODEL_TTL_MS) return cache;
  const rows = await db.rating.findMany({ select: { userId: true, movieId: true, value: true } });
  const data = buildRatingMatrix(
    {
      userIds: Int32Array.from(rows, (r) => r.userId),
      itemIds: Int32Array.from(rows, (r) => r.movieId),
      ratings: Float32Array.from(rows, (r) => r.value),
    },
    { scale: [0.5, 5] },
  );
  cache = { data, model: fitPopularity(data, { mode: 'bayes', priorCount: 25 }), at: Date.now() };
  return cache;
}

/** Bayesian-average popularity, minus what the user rated or dismissed. */
export async function buildForYouFeed(userId: number, limit = 24): Promise<FeedItem[]> {
  const [{ data, model }, rated, dismissed] = await Promise.all([
    loadPopularity(),
    db.rating.findMany({ where: { userId }, select: { movieId: true } }),
    listDismissedIds(userId),
  ]);
  const exclude = new Set<number>();
  for (const id of [...rated.map((r) => r.movieId), ...dismissed]) {
    const idx = data.items.index(id);
    if (idx !== undefined) exclude.add(idx);
  }
  const picks = popularityRecommender.recommend(model, data, -1, limit, { exclude });
  const cards = await getMovieCards(picks.map((p) => data.items.ids[p.itemIdx]));
  const byId = new Map(cards.map((c) => [c.id, c]));
  return picks.flatMap((p) => {
    const movie = byId.get(data.items.ids[p.itemIdx]);
    if (!movie) return [];
    const n = model.count[p.itemIdx];
    return [
      {
        movie,
        predicted: popularityRecommender.predict(model, data, -1, p.itemIdx),
        reason: `Popular with viewers: ★${(movie.ratingMean ?? model.bayesMean[p.itemIdx]).toFixed(1)} from ${n.toLocaleString('en')} ratings`,
        source: 'popular' as const,
      },
    ];
  });
}
