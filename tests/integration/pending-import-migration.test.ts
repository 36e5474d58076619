import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listMigrations, migrate } from '../../lib/db/migrate';
import { MIGRATIONS_DIR, scratchDatabase, sql } from './helpers';

// The data migration that moves an import's kept watches and likes ("PendingImportItem", issue #21) into the diary
// and the hearts ("Watch", "Like", issue #23), then drops the table. It runs on a database migrated up to just before
// it, holding rows the old import code wrote.
const MOVE = '_move_pending_imports_to_history';
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('moving kept import items into the diary and likes', () => {
  it('moves watches (dedupe by movie, day and rewatch) and likes, bumps the taste version, renames old summaries, drops the table', async () => {
    const db = await scratchDatabase({ migrated: false });
    cleanups.push(db.drop);
    const all = listMigrations(MIGRATIONS_DIR).map((m) => m.name);
    const cut = all.findIndex((n) => n.endsWith(MOVE));
    expect(cut).toBeGreaterThan(0);
    const dir = mkdtempSync(join(tmpdir(), 'reel-migrations-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    for (const name of all.slice(0, cut)) cpSync(join(MIGRATIONS_DIR, name), join(dir, name), { recursive: true });
    await migrate(db.url, dir);

    const q = (text: string, params: unknown[] = []) => sql(text, params, db.url);
    const [u1, u2, quiet] = (
      await q(
        `INSERT INTO "User" (name, kind, "updatedAt") VALUES ('a', 'MEMBER', now()), ('b', 'MEMBER', now()), ('c', 'MEMBER', now()) RETURNING id`,
      )
    ).map((r) => r.id as number);
    const [m1, m2] = (
      await q(`INSERT INTO "Movie" (id, title, "updatedAt") VALUES (1, 'One', now()), (2, 'Two', now()) RETURNING id`)
    ).map((r) => r.id as number);
    // u1 already logged m1 on 2020-01-01 in the diary: the kept watch of that day is the same entry.
    await q(
      `INSERT INTO "Watch" ("userId", "movieId", "watchedOn", rewatch, rating, "updatedAt") VALUES ($1, $2, '2020-01-01', false, 3, now())`,
      [u1, m1],
    );
    await q(
      `INSERT INTO "PendingImportItem" ("userId", kind, "movieId", date, rewatch, rating, source) VALUES
        ($1, 'WATCH', $3, '2020-01-01', false, 4.5, 'letterboxd'),
        ($1, 'WATCH', $3, '2020-02-01', true, 4, 'letterboxd'),
        ($1, 'WATCH', $4, '1850-01-01', false, null, 'letterboxd'),
        ($1, 'LIKE', $4, '2020-03-03', false, null, 'letterboxd'),
        ($2, 'LIKE', $3, '2021-01-01', false, null, 'letterboxd'),
        ($2, 'LIKE', $3, '2020-12-01', false, null, 'letterboxd')`,
      [u1, u2, m1, m2],
    );
    await q(
      `INSERT INTO "MemberImport" ("userId", source, "fileName", payload, summary) VALUES ($1, 'letterboxd', 'x.zip', '{}', '{"ratingsAdded": 1, "pendingWatches": 2, "pendingLikes": 1}')`,
      [u1],
    );
    const versions = async () =>
      Object.fromEntries((await q(`SELECT id, "tasteVersion" FROM "User"`)).map((r) => [r.id, r.tasteVersion]));
    const before = await versions();

    await migrate(db.url, MIGRATIONS_DIR);

    const watches = await q(
      `SELECT "userId", "movieId", to_char("watchedOn", 'YYYY-MM-DD') AS day, rewatch, rating, to_char("createdAt", 'YYYY-MM-DD') = to_char("watchedOn", 'YYYY-MM-DD') AS "loggedThatDay" FROM "Watch" ORDER BY "userId", "watchedOn", rewatch`,
    );
    expect(watches).toEqual([
      { userId: u1, movieId: m1, day: '2020-01-01', rewatch: false, rating: 3, loggedThatDay: false }, // the member's own entry, untouched
      { userId: u1, movieId: m1, day: '2020-02-01', rewatch: true, rating: 4, loggedThatDay: true },
      // 1850 cannot be stored (the diary starts in 1870): left out.
    ]);
    const likes = await q(
      `SELECT "userId", "movieId", to_char("createdAt", 'YYYY-MM-DD') AS day FROM "Like" ORDER BY "userId"`,
    );
    expect(likes).toEqual([
      { userId: u1, movieId: m2, day: '2020-03-03' },
      { userId: u2, movieId: m1, day: '2020-12-01' }, // liked twice: the earliest date
    ]);
    const after = await versions();
    expect(after[u1]).toBe(before[u1] + 1);
    expect(after[u2]).toBe(before[u2] + 1);
    expect(after[quiet]).toBe(before[quiet]);
    const [{ summary }] = await q(`SELECT summary FROM "MemberImport" WHERE "userId" = $1`, [u1]);
    expect(summary).toEqual({ ratingsAdded: 1, watchesAdded: 2, likesAdded: 1 });
    expect(await q(`SELECT to_regclass('"PendingImportItem"') AS t`)).toEqual([{ t: null }]);
  });
});
