// `npm start`: one command from a fresh clone to a running app.
//   1. secrets → .env.local   2. database: DATABASE_URL, or embedded PGlite under .data/pglite
//   3. migrations   4. first-run seed + demo accounts   5. first model   6. next build (cached)   7. scripts/server.ts
//   (Next's production handler behind the For You API's fast path)
import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { loadLocalEnv } from './local-env';
import { isBuildFresh, markBuilt, sourceHash } from './build-cache';

const log = (line: string) => console.log(`[reel] ${line}`);

const generatedNow = loadLocalEnv(log);
const port = Number(process.env.PORT ?? 3000);

let stopEmbedded: (() => Promise<void>) | null = null;
let databaseUrl = process.env.DATABASE_URL;
if (databaseUrl) {
  const { ensureDatabase } = await import('../lib/db/ensure-database');
  if (await ensureDatabase(databaseUrl)) log(`Created database ${new URL(databaseUrl).pathname.slice(1)}.`);
  log(`Using PostgreSQL at ${new URL(databaseUrl).host}${new URL(databaseUrl).pathname}.`);
} else {
  const { startEmbeddedPostgres } = await import('../lib/db/embedded');
  const pgliteDir = resolve(process.env.PGLITE_DATA_DIR || resolve('.data', 'pglite'));
  const embedded = await startEmbeddedPostgres(pgliteDir);
  databaseUrl = embedded.url;
  stopEmbedded = embedded.stop;
  process.env.DATABASE_URL = databaseUrl;
  log(`Started embedded PostgreSQL (PGlite, data in ${pgliteDir}) at ${new URL(databaseUrl).host}.`);
}

// Everything below reads configuration through lib/env (validated once, now that the variables are set).
const { env } = await import('../lib/env');
const { migrate } = await import('../lib/db/migrate');
const migrated = await migrate(databaseUrl, resolve('prisma', 'migrations'), { log: (l) => log(l) });
log(`Migrations: ${migrated.applied.length} applied, ${migrated.skipped.length} already in place.`);

const { seed, DEMO_ADMIN_EMAIL, DEMO_USER_EMAIL } = await import('../lib/server/services/seed');
await seed({ demo: env.REEL_DEMO_PASSWORD!, admin: env.REEL_ADMIN_PASSWORD! }, log);
const afterSeed = await import('./start-hooks');
await afterSeed.afterSeed(log);

// `npm run dev` (--dev): `next dev` instead of the production build and server.
const devMode = process.argv.includes('--dev');
if (devMode) {
  log('Development mode: next dev (no production build; GET /api/for-you goes through its route handler).');
} else {
  await buildIfStale();
}

/** `next build` when the sources changed since the last build (hash kept in .next/), or with --rebuild. */
async function buildIfStale(): Promise<void> {
  const hash = sourceHash();
  if (isBuildFresh(hash) && !process.argv.includes('--rebuild')) {
    log('Production build is up to date.');
    return;
  }
  log('Building the app (next build) …');
  // The build must not depend on a database, and must not inherit the react-server condition.
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '', NEXT_TELEMETRY_DISABLED: '1' };
  delete childEnv.DATABASE_URL;
  const build = spawnSync(resolve('node_modules', '.bin', 'next'), ['build'], { stdio: 'inherit', env: childEnv });
  if (build.status !== 0) {
    console.error('[reel] next build failed; see the output above.');
    await stopEmbedded?.();
    process.exit(build.status ?? 1);
  }
  markBuilt(hash);
}

const { disconnectDatabase } = await import('../lib/server/data/connection');
await disconnectDatabase();

const serverEnv: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_OPTIONS: '',
  NEXT_TELEMETRY_DISABLED: '1',
  DATABASE_URL: databaseUrl,
};
afterSeed.startWorker(serverEnv, log);
const nextAuthUrl = env.NEXTAUTH_URL ?? `http://localhost:${port}`;
// scripts/server.ts: Next's production request handler plus the For You API's fast path (see that file).
const server = devMode
  ? spawn(resolve('node_modules', '.bin', 'next'), ['dev', '-p', String(port)], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...serverEnv, NEXTAUTH_URL: nextAuthUrl },
    })
  : spawn(resolve('node_modules', '.bin', 'tsx'), ['--conditions=react-server', resolve('scripts', 'server.ts')], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...serverEnv, NODE_ENV: 'production', PORT: String(port), NEXTAUTH_URL: nextAuthUrl },
    });
log(`Reel is starting on http://localhost:${port}`);
// Passwords are shown only on the run that generated them; later runs point at the owner-only file instead.
const shown = (key: 'REEL_DEMO_PASSWORD' | 'REEL_ADMIN_PASSWORD', value: string | undefined) =>
  generatedNow.includes(key)
    ? `${value} (shown once; kept in .env.local)`
    : `password from ${key} (.env.local or the environment)`;
log(`  Demo viewer: ${DEMO_USER_EMAIL} / ${shown('REEL_DEMO_PASSWORD', env.REEL_DEMO_PASSWORD)}`);
log(`  Demo admin:  ${DEMO_ADMIN_EMAIL} / ${shown('REEL_ADMIN_PASSWORD', env.REEL_ADMIN_PASSWORD)}`);

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  server.kill('SIGTERM');
  await afterSeed.beforeExit();
  await stopEmbedded?.();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
server.on('exit', (code) => void shutdown(code ?? 0));
