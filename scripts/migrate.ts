// `npm run db:migrate`: applies pending migrations to the database in DATABASE_URL (creating it if missing).
import { resolve } from 'node:path';
import { ensureDatabase } from '../lib/db/ensure-database';
import { migrate } from '../lib/db/migrate';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('Set DATABASE_URL (npm start migrates the embedded database by itself).');
  process.exit(2);
}
if (await ensureDatabase(url)) console.log(`created database ${new URL(url).pathname.slice(1)}`);
const result = await migrate(url, resolve('prisma', 'migrations'), { log: console.log });
console.log(`${result.applied.length} applied, ${result.skipped.length} already in place.`);
