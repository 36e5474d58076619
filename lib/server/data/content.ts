import 'server-only';
import { db } from '../db';
import type { ContentSource, ContentTag } from '@/lib/recommender/algorithms/content-docs';

/** The catalogue's content fields for the content model (genres, cast, directors, keywords, overview, tags). */
export async function loadContentSources(): Promise<{ movies: ContentSource[]; tags: ContentTag[] }> {
  const [movies, tags] = await Promise.all([
    db.movie.findMany({
      select: {
        id: true,
        year: true,
        overview: true,
        originalLanguage: true,
        genres: { select: { genre: { select: { name: true } } } },
        keywords: { select: { keyword: { select: { name: true } } } },
        credits: { select: { kind: true, job: true, order: true, person: { select: { name: true } } } },
      },
    }),
    db.tag.findMany({ select: { movieId: true, tag: true } }),
  ]);
  return {
    movies: movies.map((m) => ({
      movieId: m.id,
      year: m.year,
      overview: m.overview,
      originalLanguage: m.originalLanguage,
      genres: m.genres.map((g) => g.genre.name),
      keywords: m.keywords.map((k) => k.keyword.name),
      cast: m.credits.filter((c) => c.kind === 'CAST').map((c) => ({ name: c.person.name, order: c.order ?? 99 })),
      directors: m.credits.filter((c) => c.job === 'Director').map((c) => c.person.name),
    })),
    tags,
  };
}
