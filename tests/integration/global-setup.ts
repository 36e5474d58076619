// Creates a fresh database `reel_it_<random>` on the server in DATABASE_URL, applies the migrations with the
// project's own migrator, hands its URL to the test files (inject('databaseUrl')) and drops it afterwards.
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { dropDatabase, ensureDatabase } from '../../lib/db/ensure-database';
import { migrate } from '../../lib/db/migrate';
import { freshDatabaseUrl } from '../db-urls';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const url = freshDatabaseUrl('reel_it');
  try {
    await ensureDatabase(url);
  } catch (err) {
    throw new Error(
      `Integration tests need PostgreSQL at ${new URL(url).host} (set DATABASE_URL to another server, ` +
        `or start the local one: pg_ctlcluster <version> main start): ${(err as Error).message}`,
      { cause: err },
    );
  }
  await migrate(url, resolve('prisma', 'migrations'));
  project.provide('databaseUrl', url);
  return async () => {
    await dropDatabase(url);
  };
}
