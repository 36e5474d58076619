import 'server-only';
import { db, Prisma } from '../db';
import { NotFoundError } from '../errors';
import { displayTitle, parseCatalogueTitle, titleVariants } from '@/lib/titles/display-title';
import { browseYears, type BrowseQuery, type MovieCard, type MovieDetail } from '@/lib/validation/movies';

export const PAGE_SIZE = 24;

export type { MovieCard, MovieDetail } from '@/lib/validation/movies';

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

export type BrowseFilters = Omit<BrowseQuery, 'page' | 'sort'>;

function browseWhere(query: Partial<BrowseFilters>, sort: BrowseQuery['sort']): Prisma.MovieWhereInput {
  const { from, to } = browseYears(query);
  const minRatings = Math.max(query.minRatings ?? 0, sort === 'top' ? 20 : 0);
  return {
    ...(query.genre ? { genres: { some: { genre: { name: query.genre } } } } : {}),
    ...(query.q ? { title: { contains: query.q, mode: 'insensitive' } } : {}),
    ...(from !== undefined || to !== undefined ? { year: { gte: from, lte: to } } : {}),
    ...(query.runtimeMin !== undefined || query.runtimeMax !== undefined ? { runtime: { gte: query.runtimeMin, lte: query.runtimeMax } } : {}),
    ...(query.language ? { originalLanguage: query.language } : {}),
    ...(minRatings > 0 ? { ratingCount: { gte: minRatings } } : {}),
    ...(query.person ? { credits: { some: { personId: query.person } } } : {}),
    ...(query.keyword ? { keywords: { some: { keyword: { name: { equals: query.keyword, mode: 'insensitive' } } } } } : {}),
  };
}

export async function listMovies(
  query: Partial<BrowseFilters> & { page: number; sort: Exclude<BrowseQuery['sort'], 'foryou'> },
): Promise<{ movies: MovieCard[]; total: number; pageCount: number }> {
  const where = browseWhere(query, query.sort);
  const orderBy: Prisma.MovieOrderByWithRelationInput[] =
    query.sort === 'top'
      ? [{ ratingMean: { sort: 'desc', nulls: 'last' } }, { id: 'asc' }]
      : query.sort === 'newest'
        ? [{ year: { sort: 'desc', nulls: 'last' } }, { ratingCount: 'desc' }, { id: 'desc' }]
        : query.sort === 'oldest'
          ? [{ year: { sort: 'asc', nulls: 'last' } }, { ratingCount: 'desc' }, { id: 'asc' }]
          : query.sort === 'title'
            ? [{ title: 'asc' }, { id: 'asc' }]
            : [{ ratingCount: 'desc' }, { id: 'asc' }];
  const [rows, total] = await Promise.all([
    db.movie.findMany({ where, orderBy, skip: (query.page - 1) * PAGE_SIZE, take: PAGE_SIZE, select: cardSelect }),
    db.movie.count({ where }),
  ]);
  return { movies: rows.map(toCard), total, pageCount: Math.max(1, Math.ceil(total / PAGE_SIZE)) };
}

/** How many of `ids` are movies in the catalogue (duplicates count once). */
export async function countMoviesIn(ids: Iterable<number>): Promise<number> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return 0;
  return db.movie.count({ where: { id: { in: unique } } });
}

/** Every movie id matching the filters (for an order computed outside the database, such as predicted rating). */
export async function listMovieIdsMatching(query: BrowseFilters): Promise<number[]> {
  const rows = await db.movie.findMany({ where: browseWhere(query, 'popular'), select: { id: true }, orderBy: [{ ratingCount: 'desc' }, { id: 'asc' }] });
  return rows.map((r) => r.id);
}

let languageCache: { at: number; codes: Promise<{ code: string; movies: number }[]> } | null = null;

/** Original languages with at least 5 movies, most common first (for the Browse filter); re-read once a minute. */
export async function listLanguages(): Promise<{ code: string; movies: number }[]> {
  if (!languageCache || Date.now() - languageCache.at > 60_000) {
    const codes = db.movie
      .groupBy({ by: ['originalLanguage'], where: { originalLanguage: { not: null } }, _count: { _all: true } })
      .then((rows) =>
        rows
          .filter((r) => r.originalLanguage && r._count._all >= 5)
          .map((r) => ({ code: r.originalLanguage!, movies: r._count._all }))
          .sort((a, b) => b.movies - a.movies || a.code.localeCompare(b.code)),
      );
    languageCache = { at: Date.now(), codes };
    codes.catch(() => (languageCache = null));
  }
  return languageCache.codes;
}

export async function getPersonName(id: number): Promise<string | null> {
  return (await db.person.findUnique({ where: { id }, select: { name: true } }))?.name ?? null;
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
      originalTitle: true,
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
  const parsed = parseCatalogueTitle(m.title);
  return {
    ...toCard(m),
    ...titleVariants(parsed.title, m.originalTitle, parsed.alternates),
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
