import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listMigrations } from '../../lib/db/migrate';
import { diffSchemas } from '../../lib/db/schema-diff';
import { MIGRATIONS_DIR, databaseUrl } from './helpers';

const lastMigration = () => {
  const last = listMigrations(MIGRATIONS_DIR).at(-1);
  if (!last) throw new Error('no migrations in prisma/migrations');
  return last.name;
};

describe('schema drift guard', () => {
  it('has a migration for every change in prisma/schema.prisma', async () => {
    const name = lastMigration();
    const snapshot = readFileSync(join(MIGRATIONS_DIR, name, 'schema.prisma'), 'utf8');
    const current = readFileSync('prisma/schema.prisma', 'utf8');
    const pending = await diffSchemas(snapshot, current, databaseUrl());
    // Non-empty means schema.prisma changed after the last migration: run `npm run db:migration:new -- <name>`.
    expect(pending, `schema.prisma differs from the snapshot of ${name}`).toBe('');
  });

  it('notices an unmigrated change (the guard can fail)', async () => {
    const snapshot = readFileSync(join(MIGRATIONS_DIR, lastMigration(), 'schema.prisma'), 'utf8');
    const changed = snapshot.replace(/model Movie \{/, 'model Movie {\n  driftProbe String?');
    expect(changed).not.toBe(snapshot);
    const pending = await diffSchemas(snapshot, changed, databaseUrl());
    expect(pending).toMatch(/ALTER TABLE "Movie" ADD COLUMN\s+"driftProbe" TEXT/);
  });
});
