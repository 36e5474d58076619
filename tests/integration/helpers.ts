// Shared helpers for integration tests. Each test creates its own rows with ids no other test uses.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import pg from 'pg';
import { dropDatabase, ensureDatabase } from '../../lib/db/ensure-database';
import { migrate } from '../../lib/db/migrate';
import { freshDatabaseUrl } from '../db-urls';

export const MIGRATIONS_DIR = resolve('prisma', 'migrations');
export const FIXTURE_DATA_DIR = resolve('tests', 'fixtures', 'data');

/** The run's database (created and migrated by global-setup.ts). */
export function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set; run through `vitest --project integration`.');
  return url;
}

// Movie ids far above MovieLens' (max ≈ 193,609) and the fixture's (1–5), random per file so files never collide.
let nextMovieId = 1_000_000 + randomBytes(3).readUIntBE(0, 3) * 100;
export function uniqueMovieId(): number {
  return nextMovieId++;
}

export function uniqueEmail(label = 'user'): string {
  return `${label}-${randomBytes(4).toString('hex')}@it.reel.local`;
}

/** Runs one statement on a short-lived connection (raw SQL, no Prisma). */
export async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(
  text: string,
  params: unknown[] = [],
  url = databaseUrl(),
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

/** Inserts bare movies (title only) and returns their ids. */
export async function createMovies(titles: string[]): Promise<number[]> {
  const ids = titles.map(() => uniqueMovieId());
  await sql(`INSERT INTO "Movie" (id, title, "updatedAt") SELECT * , now() FROM unnest($1::int[], $2::text[])`, [
    ids,
    titles,
  ]);
  return ids;
}

/** Inserts a user (imported when `movielensId` is given, else a member without a password) and returns its id. */
export async function createUser(opts: { name?: string; email?: string; movielensId?: number } = {}): Promise<number> {
  const rows = await sql<{ id: number }>(
    `INSERT INTO "User" (name, email, kind, "movielensId", "updatedAt") VALUES ($1, $2, $3::"UserKind", $4, now()) RETURNING id`,
    [opts.name ?? 'Test user', opts.email ?? null, opts.movielensId ? 'IMPORTED' : 'MEMBER', opts.movielensId ?? null],
  );
  return rows[0].id;
}

/** A fresh, empty database on the same server (migrated unless `migrated: false`); `drop()` removes it. */
export async function scratchDatabase(
  opts: { migrated?: boolean } = {},
): Promise<{ url: string; drop: () => Promise<void> }> {
  const url = freshDatabaseUrl('reel_it_scratch', databaseUrl());
  await ensureDatabase(url);
  if (opts.migrated !== false) await migrate(url, MIGRATIONS_DIR);
  return { url, drop: () => dropDatabase(url) };
}
