import 'server-only';
import { displayTitle } from '@/lib/titles/display-title';
import type { ActivityReport, MovieTrend } from '@/lib/validation/admin-activity';
import { db } from '../db';

/** Members' activity (imported MovieLens raters left out): the last `days` days, and this week against the last. */
/** `top`: how many movies the most-rated and rising lists keep (the page shows 10). */
export async function getActivityReport(days = 30, top = 10): Promise<ActivityReport> {
  const [daily, distribution, active, trendRows] = await Promise.all([
    db.$queryRaw<{ day: Date; ratings: number; signUps: number; activeMembers: number }[]>`
      WITH d AS (SELECT generate_series(current_date - ${days - 1}::int, current_date, '1 day')::date AS day)
      SELECT d.day,
        (SELECT count(*)::int FROM "Rating" r JOIN "User" u ON u.id = r."userId" AND u.kind = 'MEMBER'
          WHERE r."updatedAt" >= d.day AND r."updatedAt" < d.day + 1) AS ratings,
        (SELECT count(*)::int FROM "User" u WHERE u.kind = 'MEMBER' AND u."createdAt" >= d.day AND u."createdAt" < d.day + 1) AS "signUps",
        (SELECT count(DISTINCT r."userId")::int FROM "Rating" r JOIN "User" u ON u.id = r."userId" AND u.kind = 'MEMBER'
          WHERE r."updatedAt" >= d.day AND r."updatedAt" < d.day + 1) AS "activeMembers"
      FROM d ORDER BY d.day`,
    db.$queryRaw<{ value: number; count: number }[]>`
      SELECT r.value::float8 AS value, count(*)::int AS count FROM "Rating" r JOIN "User" u ON u.id = r."userId" AND u.kind = 'MEMBER'
      GROUP BY r.value ORDER BY r.value`,
    db.$queryRaw<{ n: number }[]>`
      SELECT count(DISTINCT r."userId")::int AS n FROM "Rating" r JOIN "User" u ON u.id = r."userId" AND u.kind = 'MEMBER'
      WHERE r."updatedAt" >= now() - interval '7 days'`,
    db.$queryRaw<{ movieId: number; title: string; thisWeek: number; lastWeek: number }[]>`
      SELECT m.id AS "movieId", m.title,
        count(*) FILTER (WHERE r."updatedAt" >= now() - interval '7 days')::int AS "thisWeek",
        count(*) FILTER (WHERE r."updatedAt" < now() - interval '7 days')::int AS "lastWeek"
      FROM "Rating" r JOIN "User" u ON u.id = r."userId" AND u.kind = 'MEMBER' JOIN "Movie" m ON m.id = r."movieId"
      WHERE r."updatedAt" >= now() - interval '14 days'
      GROUP BY m.id, m.title`,
  ]);
  const trends = trendRows.map((t) => ({ ...t, title: displayTitle(t.title) }));
  const byThisWeek = (a: MovieTrend, b: MovieTrend) => b.thisWeek - a.thisWeek || a.title.localeCompare(b.title);
  return {
    days: daily.map((d) => ({ ...d, day: d.day.toISOString().slice(0, 10) })),
    distribution: [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5].map((value) => ({ value, count: distribution.find((x) => x.value === value)?.count ?? 0 })),
    activeMembers7d: active[0]?.n ?? 0,
    mostRated: trends.filter((t) => t.thisWeek > 0).sort(byThisWeek).slice(0, top),
    rising: trends
      .filter((t) => t.thisWeek > t.lastWeek)
      .sort((a, b) => b.thisWeek - b.lastWeek - (a.thisWeek - a.lastWeek) || byThisWeek(a, b))
      .slice(0, top),
  };
}

/**
 * Up to `limit` raters with their ratings, for comparing model versions: members who rated most recently first;
 * MovieLens raters only when no member has rated yet.
 */
export async function listRatersForComparison(limit = 200): Promise<{ userId: number; kind: 'MEMBER' | 'IMPORTED'; ratings: { movieId: number; value: number }[] }[]> {
  let users = await db.$queryRaw<{ id: number }[]>`
    SELECT r."userId" AS id FROM "Rating" r JOIN "User" u ON u.id = r."userId" AND u.kind = 'MEMBER'
    GROUP BY r."userId" ORDER BY max(r."updatedAt") DESC LIMIT ${limit}`;
  let kind: 'MEMBER' | 'IMPORTED' = 'MEMBER';
  if (users.length === 0) {
    kind = 'IMPORTED';
    users = await db.$queryRaw<{ id: number }[]>`SELECT id FROM "User" WHERE kind = 'IMPORTED' ORDER BY id LIMIT ${limit}`;
  }
  const ids = users.map((u) => u.id);
  const rows = await db.rating.findMany({ where: { userId: { in: ids } }, select: { userId: true, movieId: true, value: true } });
  const byUser = new Map<number, { movieId: number; value: number }[]>(ids.map((id) => [id, []]));
  for (const r of rows) byUser.get(r.userId)!.push({ movieId: r.movieId, value: r.value });
  return ids.map((userId) => ({ userId, kind, ratings: byUser.get(userId)! }));
}
