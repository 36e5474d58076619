import 'server-only';
import { displayTitle } from '@/lib/titles/display-title';
import { db } from '../db';

export async function getPosterInfo(movieId: number) {
  const m = await db.movie.findUnique({
    where: { id: movieId },
    select: { title: true, year: true, posterPath: true, genres: { select: { genre: { select: { name: true } } }, take: 2 } },
  });
  return m && { title: displayTitle(m.title), year: m.year, posterPath: m.posterPath, genres: m.genres.map((g) => g.genre.name) };
}
