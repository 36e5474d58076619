import 'server-only';
import { db } from '../db';
import { rankCandidates, titleForms, foldForMatch, type SearchCandidate } from '@/lib/search/rank';
import { getMovieCards, type MovieCard } from './movies';
import type { PersonHit } from '@/lib/validation/search';

export interface SearchResult {
  movies: MovieCard[];
  people: PersonHit[];
}

/** Candidates per kind read from the database before ranking; ranking needs more than it shows. */
const CANDIDATES = 60;
/** A person is listed when the whole name is this similar… (movies are always listed: a title search wants options) */
const MIN_PERSON_SIMILARITY = 0.5;
/** …or the query matches one stretch of the name this well (word_similarity). */
const MIN_PERSON_WORD_SIMILARITY = 0.75;

/**
 * Movies and people whose title/name is close to `q`: trigram similarity on accent-folded text (GIN indexes from the
 * search_trigram migration, on PostgreSQL and PGlite alike), so typos ("godfater"), the article in front ("the
 * matrix") and accents ("amelie") all match. Ordered by rankCandidates (exact, then similarity and popularity).
 */
export async function searchCatalogue(q: string, limits: { movies: number; people: number }): Promise<SearchResult> {
  const query = q.trim();
  if (foldForMatch(query).length < 2) return { movies: [], people: [] };
  const [movieRows, personRows] = await Promise.all([
    limits.movies > 0
      ? db.$queryRaw<{ id: number; title: string; similarity: number; popularity: number }[]>`
          WITH q AS (SELECT reel_fold(${query}) AS q)
          SELECT m.id, m.title, m."ratingCount" AS popularity,
                 GREATEST(similarity(reel_fold(m.title), q.q), word_similarity(q.q, reel_fold(m.title)))::float8 AS similarity
          FROM "Movie" m, q
          WHERE reel_fold(m.title) % q.q OR q.q <% reel_fold(m.title) OR reel_fold(m.title) LIKE '%' || q.q || '%'
          ORDER BY similarity DESC, m."ratingCount" DESC
          LIMIT ${CANDIDATES}`
      : [],
    limits.people > 0
      ? db.$queryRaw<{ id: number; name: string; similarity: number; whole: number; word: number; popularity: number; films: number }[]>`
          WITH q AS (SELECT reel_fold(${query}) AS q),
          hits AS (
            SELECT p.id, p.name,
                   similarity(reel_fold(p.name), q.q)::float8 AS whole,
                   word_similarity(q.q, reel_fold(p.name))::float8 AS word,
                   GREATEST(similarity(reel_fold(p.name), q.q), word_similarity(q.q, reel_fold(p.name)))::float8 AS similarity
            FROM "Person" p, q
            WHERE reel_fold(p.name) % q.q OR q.q <% reel_fold(p.name) OR reel_fold(p.name) LIKE '%' || q.q || '%'
            ORDER BY similarity DESC
            LIMIT ${CANDIDATES}
          )
          SELECT h.id, h.name, h.similarity, h.whole, h.word,
                 COALESCE(SUM(m."ratingCount"), 0)::float8 AS popularity, COUNT(DISTINCT c."movieId")::int AS films
          FROM hits h
          LEFT JOIN "Credit" c ON c."personId" = h.id
          LEFT JOIN "Movie" m ON m.id = c."movieId"
          GROUP BY h.id, h.name, h.similarity, h.whole, h.word`
      : [],
  ]);
  const movieCandidates: (SearchCandidate & { title: string })[] = movieRows.map((r) => ({ ...r, text: r.title, similarity: Number(r.similarity), popularity: Number(r.popularity) }));
  const rankedMovies = rankCandidates(query, movieCandidates, (c) => titleForms(c.title)).slice(0, limits.movies);
  // A person's popularity is how often their films are rated, damped so one blockbuster does not drown a better match.
  // A name is shown only when it is a real match: the whole name is close, or one of its words nearly spelled out.
  // Measured pairs: "villneuve" → Denis Villeneuve (0.63 / 0.79) and "tom hank" (0.73 / 0.89) pass; "the matrix" →
  // Thom Mathews (0.33 / 0.40), "amelie" → Robbie Amell (0.33 / 0.71), "x-men" → Ben Mendelsohn (0.24 / 0.67) do not.
  const personCandidates = personRows
    .filter((r) => Number(r.whole) >= MIN_PERSON_SIMILARITY || Number(r.word) >= MIN_PERSON_WORD_SIMILARITY)
    .map((r) => ({ id: r.id, text: r.name, name: r.name, films: r.films, similarity: Number(r.similarity), popularity: Math.sqrt(Number(r.popularity)) }));
  const people = rankCandidates(query, personCandidates, (c) => [foldForMatch(c.name)])
    .slice(0, limits.people)
    .map((p) => ({ id: p.id, name: p.name, films: p.films }));
  return { movies: await getMovieCards(rankedMovies.map((m) => m.id)), people };
}

/** The person a typed name most likely means (Browse's person field), with the search box's tolerance; null: nobody. */
export async function findPersonByName(name: string): Promise<PersonHit | null> {
  const [best] = (await searchCatalogue(name, { movies: 0, people: 1 })).people;
  return best ?? null;
}

/** EXPLAIN ANALYZE of the movie candidate query (for scripts/measure-search.ts: does it use the trigram index?). */
export async function explainMovieSearch(q: string): Promise<string[]> {
  const rows = await db.$queryRaw<{ 'QUERY PLAN': string }[]>`
    EXPLAIN ANALYZE SELECT m.id FROM "Movie" m, (SELECT reel_fold(${q}) AS q) q
    WHERE reel_fold(m.title) % q.q OR q.q <% reel_fold(m.title) OR reel_fold(m.title) LIKE '%' || q.q || '%'`;
  return rows.map((r) => r['QUERY PLAN']);
}
