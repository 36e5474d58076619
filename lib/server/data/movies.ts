import 'server-only';
import { db, Prisma } from '../db';
import { NotFoundError } from '../errors';
import { displayTitle, parseCatalogueTitle } from '@/lib/titles/display-title';

export const PAGE_SIZE = 24;

export interface MovieCard {
  id: number;
  /** As people write it ("The Matrix"); the catalogue form ("Matrix, The") stays in the database for search. */
  title: string;
  year: number | null;
  posterPath: string | null;
  genres: string[];
  ratingMean: number | null;
  ratingCount: number;
}

export interface MovieDetail extends MovieCard {
  /** Other titles the catalogue gives (often the original-language one), formatted: "La Cité des enfants perdus". */
  alsoKnownAs: string[];
  overview: string | null;
  runtime: number | null;
  releaseDate: string | null;
  originalLanguage: string | null;
  voteAverage: number | null;
  voteCount: number | null;
  tmdbId: number | null;
  imdbId: string | null;
  directors: { id: number; name: string }[];
  cast: { id: number; name: string; character: string | null }[];
  keywords: string[];
  tags: string[];
}

const cardSelect = {
  id: true,
  title: true,
  year: true,
  posterPath: true,
  ratingMean: true,
  ratingCount: true,
  genres: { select: { genre: { select: { name: true } } } },
} satisfies Prisma.MovieSelect;

type CardRow = Prisma.MovieGetPayload<{ select: typeof cardSelect }>;

function toCard(m: CardRow): MovieCard {
  return {
    id: m.id,
    title: displayTitle(m.title),
    year: m.year,
    posterPath: m.posterPath,
    ratingMean: m.ratingMean,
    ratingCount: m.ratingCount,
    genres: m.genres.map((g) => g.genre.name).sort(),
  };
}

let genreCache: { at: number; names: Promise<string[]> } | null = null;

/** Genre names with at least one movie, for the filters; they change only with a catalogue reload, so one read a minute is plenty. */
export async function listGenres(): Promise<string[]> {
  if (!genreCache || Date.now() - genreCache.at > 60_000) {
    const names = db.genre.findMany({ where: { movies: { some: {} } }, select: { name: true }, orderBy: { name: 'asc' } }).then((rows) => rows.map((r) => r.name));
    genreCache = { at: Date.now(), names };
    names.catch(() => (genreCache = null));
  }
  return genreCache.names;
}

export async function listMovies(query: {
  page: number;
  genre?: string;
  q?: string;
  sort: 'popular' | 'top' | 'newest' | 'title';
}): Promise<{ movies: MovieCard[]; total: number; pageCount: number }> {
  const where: Prisma.MovieWhereInput = {
    ...(query.genre ? { genres: { some: { genre: { name: query.genre } } } } : {}),
    ...(query.q ? { title: { contains: query.q, mode: 'insensitive' } } : {}),
    ...(query.sort === 'top' ? { ratingCount: { gte: 20 } } : {}),
  };
  const orderBy: Prisma.MovieOrderByWithRelationInput[] =
    query.sort === 'top'
      ? [{ ratingMean: { sort: 'desc', nulls: 'last' } }, { id: 'asc' }]
      : query.sort === 'newest'
        ? [{ year: { sort: 'desc', nulls: 'last' } }, { id: 'desc' }]
        : query.sort === 'title'
          ? [{ title: 'asc' }, { id: 'asc' }]
          : [{ ratingCount: 'desc' }, { id: 'asc' }];
  const [rows, total] = await Promise.all([
    db.movie.findMany({ where, orderBy, skip: (query.page - 1) * PAGE_SIZE, take: PAGE_SIZE, select: cardSelect }),
    db.movie.count({ where }),
  ]);
  return { movies: rows.map(toCard), total, pageCount: Math.max(1, Math.ceil(total / PAGE_SIZE)) };
}

/** Cards in the order of `ids` (missing ids are dropped). */
export async function getMovieCards(ids: number[]): Promise<MovieCard[]> {
  if (ids.length === 0) return [];
  const rows = await db.movie.findMany({ where: { id: { in: ids } }, select: cardSelect });
  const byId = new Map(rows.map((r) => [r.id, toCard(r)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function getMovie(id: number): Promise<MovieDetail> {
  const m = await db.movie.findUnique({
    where: { id },
    select: {
      ...cardSelect,
      overview: true,
      runtime: true,
      releaseDate: true,
      originalLanguage: true,
      voteAverage: true,
      voteCount: true,
      tmdbId: true,
      imdbId: true,
      credits: {
        select: { kind: true, job: true, order: true, character: true, person: { select: { id: true, name: true } } },
        orderBy: [{ order: { sort: 'asc', nulls: 'last' } }, { id: 'asc' }],
      },
      keywords: { select: { keyword: { select: { name: true } } } },
      tags: { select: { tag: true }, take: 200 },
    },
  });
  if (!m) throw new NotFoundError('That movie is not in the catalogue.');
  const tagCounts = new Map<string, number>();
  for (const t of m.tags) tagCounts.set(t.tag.toLowerCase(), (tagCounts.get(t.tag.toLowerCase()) ?? 0) + 1);
  return {
    ...toCard(m),
    alsoKnownAs: parseCatalogueTitle(m.title).alternates,
    overview: m.overview,
    runtime: m.runtime,
    releaseDate: m.releaseDate ? m.releaseDate.toISOString().slice(0, 10) : null,
    originalLanguage: m.originalLanguage,
    voteAverage: m.voteAverage,
    voteCount: m.voteCount,
    tmdbId: m.tmdbId,
    imdbId: m.imdbId,
    directors: m.credits.filter((c) => c.kind === 'CREW' && c.job === 'Director').map((c) => c.person),
    cast: m.credits
      .filter((c) => c.kind === 'CAST')
      .map((c) => ({ id: c.person.id, name: c.person.name, character: c.character })),
    keywords: m.keywords.map((k) => k.keyword.name).sort(),
    tags: [...tagCounts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 12).map(([t]) => t),
  };
}
