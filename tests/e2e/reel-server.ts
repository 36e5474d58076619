// Starts Reel exactly as `npm start` does (tsx --conditions=react-server scripts/start.ts) on a free port,
// waits until it answers, and stops the whole process group afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dropDatabase } from '../../lib/db/ensure-database';
import { freshDatabaseUrl } from '../db-urls';
import { freePort } from '../../scripts/free-port';

export type DatabaseMode = 'embedded' | 'server';

/** The database modes of this run: E2E_MODES=embedded (or server) starts and tests only one. */
export const E2E_MODES: DatabaseMode[] = (process.env.E2E_MODES ?? 'embedded,server')
  .split(',')
  .filter((m): m is DatabaseMode => m === 'embedded' || m === 'server');

export interface ReelServer {
  baseUrl: string;
  mode: DatabaseMode;
  demoPassword: string;
  adminPassword: string;
  /** Everything the server printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/** First answer can take minutes: `next build` runs when the sources changed, then the first-run import. */
const READY_TIMEOUT_MS = Number(process.env.E2E_READY_TIMEOUT_S || 540) * 1000;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal); // detached → the child leads its own group (tsx, node, the server)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((done) => {
    const t = setTimeout(() => done(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      done(true);
    });
  });
}

const running = new Set<ChildProcess>();
// Last resort if the test process dies without running afterAll: never leave a server behind.
process.once('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

/** What the e2e global set-up hands to the test files for each server it started. */
export interface SharedReel {
  baseUrl: string;
  demoPassword: string;
  adminPassword: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    reelServers: Partial<Record<DatabaseMode, SharedReel>>;
  }
}

/**
 * The Reel server for `mode`. Inside a test file it is the one the e2e global set-up started for the whole run
 * (every file shares it, and `stop()` leaves it to the set-up); anywhere else a new server is started.
 */
export async function startReel(mode: DatabaseMode): Promise<ReelServer> {
  if (process.env.VITEST_POOL_ID !== undefined) {
    const { inject } = await import('vitest');
    const shared = inject('reelServers')?.[mode];
    if (shared) return { ...shared, mode, output: () => '(see the e2e global set-up output)', stop: async () => {} };
  }
  return launchReel(mode);
}

async function launchReel(mode: DatabaseMode): Promise<ReelServer> {
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const demoPassword = `e2e-demo-${port}`;
  const adminPassword = `e2e-admin-${port}`;
  const cleanups: (() => Promise<void> | void)[] = [];

  const env: NodeJS.ProcessEnv = { ...process.env };
  // The child is a production server, not a test process.
  for (const key of Object.keys(env))
    if (key === 'NODE_ENV' || key.startsWith('VITEST') || key === 'TEST') delete env[key];
  Object.assign(env, {
    PORT: String(port),
    NEXTAUTH_URL: baseUrl,
    NEXTAUTH_SECRET: `e2e-secret-${'x'.repeat(40)}`,
    REEL_DEMO_PASSWORD: demoPassword,
    REEL_ADMIN_PASSWORD: adminPassword,
    NEXT_TELEMETRY_DISABLED: '1',
    // Every e2e sign-up comes from 127.0.0.1: the per-IP sign-up throttle (10 an hour) would stop the suite.
    THROTTLE_SIGNUP_PER_IP: '500',
  });
  if (mode === 'embedded') {
    const dir = mkdtempSync(join(tmpdir(), 'reel-e2e-pglite-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    // Empty (not deleted) so a DATABASE_URL in .env.local cannot fill it in: empty counts as unset.
    env.DATABASE_URL = '';
    env.PGLITE_DATA_DIR = dir;
  } else {
    const url = freshDatabaseUrl('reel_e2e');
    cleanups.push(() => dropDatabase(url));
    env.DATABASE_URL = url; // start.ts creates the database
  }

  let log = '';
  const child = spawn(resolve('node_modules', '.bin', 'tsx'), ['--conditions=react-server', 'scripts/start.ts'], {
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const append = (chunk: Buffer) => {
    const text = chunk.toString();
    log += text;
    if (log.length > 400_000) log = log.slice(-200_000);
    // Echo start-up progress (build, migrations, import) so a slow first start is visible in CI logs.
    for (const line of text.split('\n')) if (line.startsWith('[reel]')) console.log(`[e2e ${mode}] ${line}`);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);

  const stop = async () => {
    if (running.has(child)) {
      killGroup(child, 'SIGTERM');
      if (!(await exited(child, 15_000))) {
        killGroup(child, 'SIGKILL');
        await exited(child, 5_000);
      }
      // start.ts forwards SIGTERM to `next start`; make sure nothing of the group survives it.
      killGroup(child, 'SIGKILL');
      running.delete(child);
    }
    for (const c of cleanups.reverse()) await c();
    cleanups.length = 0;
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`npm start exited early (code ${child.exitCode}, signal ${child.signalCode})`);
      }
      try {
        const res = await fetch(`${baseUrl}/sign-in`, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
        if (res.status === 200) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`no answer from ${baseUrl} within ${READY_TIMEOUT_MS / 1000} s`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- server output (tail) ---\n${log.slice(-6000)}`, { cause: err });
  }
  return { baseUrl, mode, demoPassword, adminPassword, output: () => log, stop };
}
