// `npm run db:seed`: migrate and seed the database in DATABASE_URL (creating it if missing).
import { resolve } from 'node:path';
import { loadLocalEnv } from './local-env';

loadLocalEnv();
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('Set DATABASE_URL (npm start seeds the embedded database by itself).');
  process.exit(2);
}
const { ensureDatabase } = await import('../lib/db/ensure-database');
await ensureDatabase(url);
const { env } = await import('../lib/env');
const { migrate } = await import('../lib/db/migrate');
await migrate(url, resolve('prisma', 'migrations'), { log: console.log });
const { seed } = await import('../lib/server/services/seed');
const result = await seed({ demo: env.REEL_DEMO_PASSWORD!, admin: env.REEL_ADMIN_PASSWORD! });
console.log(`Catalogue holds ${result.movies} movies.`);
const { disconnectDatabase } = await import('../lib/server/data/connection');
await disconnectDatabase();
