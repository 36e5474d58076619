import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listMigrations, migrate, MigrationError } from '../../lib/db/migrate';
import { MIGRATIONS_DIR, scratchDatabase, sql } from './helpers';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function emptyDatabase(): Promise<string> {
  const db = await scratchDatabase({ migrated: false });
  cleanups.push(db.drop);
  return db.url;
}

function tempMigrations(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'reel-migrations-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, 'migration.sql'), body);
  }
  return dir;
}

describe('migrator', () => {
  it('applies every migration once and skips them on the second run', async () => {
    const url = await emptyDatabase();
    const all = listMigrations(MIGRATIONS_DIR).map((m) => m.name);
    expect(all.length).toBeGreaterThan(0);

    const first = await migrate(url, MIGRATIONS_DIR);
    expect(first).toEqual({ applied: all, skipped: [] });
    const second = await migrate(url, MIGRATIONS_DIR);
    expect(second).toEqual({ applied: [], skipped: all });

    const rows = await sql<{ migration_name: string; finished: boolean }>(
      `SELECT migration_name, finished_at IS NOT NULL AS finished FROM "_prisma_migrations" ORDER BY migration_name`,
      [],
      url,
    );
    expect(rows).toEqual(all.map((migration_name) => ({ migration_name, finished: true })));
    const tables = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('User', 'Movie', 'Rating')`,
      [],
      url,
    );
    expect(tables[0].n).toBe(3);
  });

  it('refuses to run when an applied migration was edited afterwards', async () => {
    const url = await emptyDatabase();
    const dir = tempMigrations({ '20200101000000_one': 'CREATE TABLE "Widget" (id int PRIMARY KEY);' });
    expect((await migrate(url, dir)).applied).toEqual(['20200101000000_one']);

    writeFileSync(join(dir, '20200101000000_one', 'migration.sql'), 'CREATE TABLE "Widget" (id bigint PRIMARY KEY);');
    mkdirSync(join(dir, '20200102000000_two'));
    writeFileSync(join(dir, '20200102000000_two', 'migration.sql'), 'CREATE TABLE "Gadget" (id int PRIMARY KEY);');

    const attempt = migrate(url, dir);
    await expect(attempt).rejects.toBeInstanceOf(MigrationError);
    await expect(attempt).rejects.toThrow(/20200101000000_one was edited after it was applied/);
    // Nothing after the edited migration ran.
    const gadget = await sql(`SELECT 1 FROM information_schema.tables WHERE table_name = 'Gadget'`, [], url);
    expect(gadget).toHaveLength(0);
  });

  it('rolls back a failing migration and records nothing for it', async () => {
    const url = await emptyDatabase();
    const dir = tempMigrations({
      '20200101000000_ok': 'CREATE TABLE "Widget" (id int PRIMARY KEY);',
      '20200102000000_bad': 'CREATE TABLE "Half" (id int); SELECT * FROM "NoSuchTable";',
    });
    await expect(migrate(url, dir)).rejects.toThrow(/20200102000000_bad failed and was rolled back/);
    const names = await sql<{ migration_name: string }>(`SELECT migration_name FROM "_prisma_migrations"`, [], url);
    expect(names.map((r) => r.migration_name)).toEqual(['20200101000000_ok']);
    expect(await sql(`SELECT 1 FROM information_schema.tables WHERE table_name = 'Half'`, [], url)).toHaveLength(0);
  });

  it('lets concurrent migrators apply each migration exactly once (advisory lock)', async () => {
    const url = await emptyDatabase();
    // Not idempotent on purpose: a second application would fail with "relation already exists", and the
    // pg_sleep widens the window in which an unlocked second migrator would start the same migration.
    const dir = tempMigrations({
      '20200101000000_slow': 'SELECT pg_sleep(0.3); CREATE TABLE "Widget" (id int PRIMARY KEY);',
      '20200102000000_next': 'CREATE TABLE "Gadget" (id int PRIMARY KEY);',
    });
    const results = await Promise.all([migrate(url, dir), migrate(url, dir), migrate(url, dir), migrate(url, dir)]);

    const appliedCounts = new Map<string, number>();
    for (const r of results) {
      for (const name of r.applied) appliedCounts.set(name, (appliedCounts.get(name) ?? 0) + 1);
      expect([...r.applied, ...r.skipped].sort()).toEqual(['20200101000000_slow', '20200102000000_next']);
    }
    expect(Object.fromEntries(appliedCounts)).toEqual({ '20200101000000_slow': 1, '20200102000000_next': 1 });
    const rows = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM "_prisma_migrations"`, [], url);
    expect(rows[0].n).toBe(2);
  });
});
