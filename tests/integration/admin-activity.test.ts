import { describe, expect, it } from 'vitest';
import { getActivityReport } from '../../lib/server/data/activity';
import { upsertRating } from '../../lib/server/data/ratings';
import { createMember } from '../../lib/server/data/users';
import { createMovies, createUser, sql, uniqueEmail } from './helpers';

describe('admin activity report', () => {
  it("counts members' ratings, sign-ups and active members today, and ranks this week's movies; imported raters are left out", async () => {
    const before = await getActivityReport(7);
    const today = before.days.at(-1)!;
    const a = await createMember({ name: 'Act A', email: uniqueEmail('act'), password: 'long-enough-pw' });
    const b = await createMember({ name: 'Act B', email: uniqueEmail('act'), password: 'long-enough-pw' });
    const [hot, rising] = await createMovies(['Activity hot', 'Activity rising']);
    await upsertRating(a.id, hot, 5);
    await upsertRating(b.id, hot, 4.5);
    await upsertRating(a.id, rising, 0.5);
    // Two weeks ago, and an imported rater: neither counts as this week's member activity.
    await sql(`UPDATE "Rating" SET "updatedAt" = now() - interval '10 days' WHERE "userId" = $1 AND "movieId" = $2`, [
      a.id,
      rising,
    ]);
    await upsertRating(b.id, rising, 3);
    const imported = await createUser({ movielensId: 700_000 + Math.floor(Math.random() * 90_000) });
    await sql(`INSERT INTO "Rating" ("userId", "movieId", value, "updatedAt") VALUES ($1, $2, 1, now())`, [
      imported,
      hot,
    ]);

    // Every movie of the week, not the page's 10: other test files rate movies in this database too.
    const after = await getActivityReport(7, 100_000);
    expect(after.days).toHaveLength(7);
    const now = after.days.at(-1)!;
    expect(now.ratings - today.ratings).toBe(3); // hot ×2 and rising by b; a's rising rating moved to 10 days ago
    expect(now.signUps - today.signUps).toBe(2);
    expect(now.activeMembers - today.activeMembers).toBe(2);
    const dist = (r: typeof after, v: number) => r.distribution.find((d) => d.value === v)!.count;
    expect(dist(after, 5) - dist(before, 5)).toBe(1);
    expect(dist(after, 1) - dist(before, 1)).toBe(0); // the imported rater's 1 is not a member's
    expect(after.mostRated.find((m) => m.movieId === hot)).toMatchObject({ thisWeek: 2, lastWeek: 0 });
    expect(after.rising.find((m) => m.movieId === rising)).toBeUndefined(); // 1 this week, 1 the week before: not rising
    expect(after.rising.find((m) => m.movieId === hot)).toMatchObject({ thisWeek: 2 });
  });
});
