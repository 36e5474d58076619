import 'server-only';
import { db } from '../db';

/** A rating at or above this is a "like" for co-rating evidence (half a star above the catalogue mean). */
export const LIKE_AT = 4;

import type { CoLikes } from '@/lib/feed/evidence-rules';

/** For each [pick, named] pair: how many raters liked both, and each (ratings ≥ LIKE_AT), in one query. */
export async function coLikeCounts(pairs: [pick: number, named: number][]): Promise<Map<string, CoLikes>> {
  const out = new Map<string, CoLikes>();
  if (pairs.length === 0) return out;
  const rows = await db.$queryRaw<{ a: number; b: number; both: number; la: number; lb: number }[]>`
    WITH pairs AS (SELECT DISTINCT a, b FROM unnest(${pairs.map((p) => p[0])}::int[], ${pairs.map((p) => p[1])}::int[]) AS t(a, b)),
    likes AS (
      SELECT "movieId", "userId" FROM "Rating"
      WHERE value >= ${LIKE_AT} AND "movieId" IN (SELECT a FROM pairs UNION SELECT b FROM pairs)
    ),
    counts AS (SELECT "movieId", COUNT(*)::int AS n FROM likes GROUP BY "movieId")
    SELECT p.a, p.b,
      (SELECT COUNT(*)::int FROM likes la JOIN likes lb ON la."userId" = lb."userId" WHERE la."movieId" = p.a AND lb."movieId" = p.b) AS both,
      COALESCE((SELECT n FROM counts WHERE "movieId" = p.a), 0) AS la,
      COALESCE((SELECT n FROM counts WHERE "movieId" = p.b), 0) AS lb
    FROM pairs p`;
  for (const r of rows) out.set(`${r.a}:${r.b}`, { both: r.both, pick: r.la, named: r.lb });
  return out;
}

let likersCache: { at: number; n: Promise<number> } | null = null;

/** Raters with at least one like (the base rate for lift); changes slowly, so it is re-read every ten minutes. */
export async function countLikers(): Promise<number> {
  if (!likersCache || Date.now() - likersCache.at > 10 * 60_000) {
    const n = db.$queryRaw<{ n: number }[]>`SELECT COUNT(DISTINCT "userId")::int AS n FROM "Rating" WHERE value >= ${LIKE_AT}`.then((r) => r[0]?.n ?? 0);
    likersCache = { at: Date.now(), n };
    n.catch(() => (likersCache = null));
  }
  return likersCache.n;
}

export interface KeyPerson {
  movieId: number;
  personId: number;
  name: string;
  isDirector: boolean;
}

/** Directors and the three top-billed actors of each movie, with person ids. */
export async function keyPeopleOf(movieIds: number[]): Promise<KeyPerson[]> {
  if (movieIds.length === 0) return [];
  const rows = await db.credit.findMany({
    where: { movieId: { in: movieIds }, OR: [{ job: 'Director' }, { kind: 'CAST', order: { lt: 3 } }] },
    select: { movieId: true, job: true, order: true, person: { select: { id: true, name: true } } },
    orderBy: [{ order: { sort: 'asc', nulls: 'first' } }],
  });
  return rows.map((r) => ({ movieId: r.movieId, personId: r.person.id, name: r.person.name, isDirector: r.job === 'Director' }));
}

/** The member's average rating and count over each person's films (any credit), for the given people. */
export async function memberAveragesByPerson(userId: number, personIds: number[]): Promise<Map<number, { avg: number; n: number; movieIds: number[] }>> {
  const out = new Map<number, { avg: number; n: number; movieIds: number[] }>();
  if (personIds.length === 0) return out;
  const rows = await db.$queryRaw<{ personId: number; avg: number; n: number; movies: number[] }[]>`
    SELECT c."personId", AVG(r.value)::float8 AS avg, COUNT(DISTINCT r."movieId")::int AS n, ARRAY_AGG(DISTINCT r."movieId") AS movies
    FROM "Credit" c JOIN "Rating" r ON r."movieId" = c."movieId" AND r."userId" = ${userId}
    WHERE c."personId" = ANY(${personIds}::int[])
    GROUP BY c."personId"`;
  for (const r of rows) out.set(r.personId, { avg: Number(r.avg), n: r.n, movieIds: r.movies });
  return out;
}

/** Every user with at least one rating (imported raters and members), by id: the population reasons are measured on. */
export async function listUserIdsWithRatings(): Promise<number[]> {
  const rows = await db.user.findMany({ where: { ratings: { some: {} } }, select: { id: true }, orderBy: { id: 'asc' } });
  return rows.map((r) => r.id);
}
