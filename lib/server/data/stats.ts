import 'server-only';
import { db } from '../db';

/** Recomputes the denormalised rating count/mean per movie (browse ordering) from the ratings table. */
export const REFRESH_STATS_SQL = `
  UPDATE "Movie" m SET "ratingCount" = coalesce(s.c, 0), "ratingMean" = s.a
  FROM "Movie" m2 LEFT JOIN (SELECT "movieId", count(*)::int AS c, avg(value)::float8 AS a FROM "Rating" GROUP BY "movieId") s
    ON s."movieId" = m2.id
  WHERE m.id = m2.id AND (m."ratingCount" IS DISTINCT FROM coalesce(s.c, 0) OR m."ratingMean" IS DISTINCT FROM s.a)`;

export async function refreshStats(): Promise<void> {
  await db.$executeRawUnsafe(REFRESH_STATS_SQL);
}
