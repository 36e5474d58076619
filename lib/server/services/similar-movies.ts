import 'server-only';
import { getMovieCards, type MovieCard } from '../data/movies';
import { getServingModel } from './model-cache';

/**
 * "More like this": the active model's item-kNN neighbours (people who liked this also liked) interleaved with its
 * content neighbours (shared genres, people, keywords, plot), de-duplicated. Empty before the first model exists.
 */
export async function getSimilarMovies(movieId: number, k = 12): Promise<MovieCard[]> {
  const loaded = await getServingModel();
  const idx = loaded?.itemIndex.get(movieId);
  if (!loaded || idx === undefined) return [];
  const { knn, content, itemIds } = loaded.model;
  const lists = [knn, content].map((t) => Array.from(t.indices.subarray(t.indptr[idx], t.indptr[idx + 1])));
  const picked: number[] = [];
  for (let r = 0; picked.length < k && r < Math.max(lists[0].length, lists[1].length); r++) {
    for (const list of lists) {
      const j = list[r];
      if (j !== undefined && !picked.includes(j) && picked.length < k) picked.push(j);
    }
  }
  return getMovieCards(picked.map((j) => itemIds[j]));
}
