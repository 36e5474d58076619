/**
 * Bench step 4 (ml-1m): the production server (scripts/start.ts → next start) on 127.0.0.1, the members signed in
 * through next-auth's credentials endpoint, and GET /for-you and /api/for-you under closed-loop (autocannon) and
 * open-loop (Poisson arrivals) load, with the server's CPU per request.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { createRng } from '../../lib/recommender/core/rng';
import { freePort } from '../free-port';
import { load1, log, quantile, round, timings, type BenchRun } from './common';

/**
 * CPU seconds used so far by every live process in a process group (Linux /proc; 0 elsewhere). The server's group
 * holds start.ts, next-server and the worker; Postgres backends are not included.
 */
function groupCpuSeconds(pgid: number): number {
  let ticks = 0;
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return 0;
  }
  for (const pid of entries) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from #3 (state) on
      if (Number(f[2]) !== pgid) continue; // #5 pgrp
      ticks += Number(f[11]) + Number(f[12]); // #14 utime, #15 stime
    } catch {
      // the process exited while we read
    }
  }
  return ticks / 100; // USER_HZ is 100 on Linux
}

/** The next-auth session cookie for one member (credentials provider, as the sign-in form posts it). */
async function signIn(base: string, email: string, password: string): Promise<string> {
  const csrfRes = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const jar = csrfRes.headers.getSetCookie().map((c) => c.split(';')[0]);
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.join('; ') },
    body: new URLSearchParams({ csrfToken, email, password, json: 'true', callbackUrl: `${base}/for-you` }),
  });
  const session = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('next-auth.session-token='));
  if (!session) throw new Error(`sign-in failed for ${email}: HTTP ${res.status}`);
  return session;
}

interface AutocannonResult {
  latency: { p50: number; p90: number; p99: number; max: number; average: number; min: number };
  requests: { average: number; total: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats?: Record<string, { count: number }>;
  duration: number;
}
type AutocannonFn = (opts: Record<string, unknown>) => Promise<AutocannonResult>;

/** One load scenario's server, members and the server's process group. */
interface Load {
  base: string;
  cookies: string[];
  pid: number;
  autocannon: AutocannonFn;
}

/** Starts the production server on a free port and waits until it answers (retrying while another build runs). */
async function startServer(run: BenchRun): Promise<{ base: string; rebuilt: boolean }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key === 'NODE_ENV' || key.startsWith('VITEST')) delete env[key];
  Object.assign(env, {
    DATABASE_URL: run.dbUrl,
    PORT: String(port),
    NEXTAUTH_URL: base,
    NEXTAUTH_SECRET: `bench-secret-${randomBytes(24).toString('hex')}`,
    REEL_DEMO_PASSWORD: `bench-demo-${port}`,
    REEL_ADMIN_PASSWORD: `bench-admin-${port}`,
    NEXT_TELEMETRY_DISABLED: '1',
    DB_POOL_MAX: '10',
  });
  let out = '';
  let attempts = 0;
  const t0 = performance.now();
  const launch = () => {
    attempts++;
    run.serverProc = spawn(resolve('node_modules', '.bin', 'tsx'), ['--conditions=react-server', 'scripts/start.ts'], {
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    run.serverProc.stdout!.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-20_000)));
    run.serverProc.stderr!.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-20_000)));
  };
  launch();
  for (;;) {
    if (run.serverProc!.exitCode !== null) {
      // The checkout is shared: another `next build` (someone's npm start) holds the build lock; wait for it.
      if (/Another next build process is already running/.test(out) && attempts < 20) {
        log('another next build is running; retrying the server start in 20 s');
        out = '';
        await new Promise((r) => setTimeout(r, 20_000));
        launch();
        continue;
      }
      throw new Error(`server exited early:\n${out.slice(-4000)}`);
    }
    try {
      const res = await fetch(`${base}/sign-in`, { signal: AbortSignal.timeout(10_000) });
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (performance.now() - t0 > 15 * 60_000) throw new Error(`server not up within 15 min:\n${out.slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  const rebuilt = /Building the app/.test(out);
  timings.serverStart = { seconds: round((performance.now() - t0) / 1000, 1), load1: load1() };
  run.result.serverStartAttempts = attempts;
  log(`server up on ${base} in ${timings.serverStart.seconds} s${rebuilt ? ' (including next build)' : ''}`);

  return { base, rebuilt };
}

/** Runs one load scenario and adds the server's CPU per request and the load average around it. */
async function measured<T extends { requestsTotal: number }>(load: Load, label: string, run: () => Promise<T>) {
  const loadBefore = loadavg()[0];
  const cpuBefore = groupCpuSeconds(load.pid);
  const stats = await run();
  const serverCpu = groupCpuSeconds(load.pid) - cpuBefore;
  const out = {
    scenario: label,
    ...stats,
    serverCpuMsPerRequest: stats.requestsTotal > 0 ? round((serverCpu * 1000) / stats.requestsTotal, 2) : null,
    load1Before: round(loadBefore, 2),
    load1After: round(loadavg()[0], 2),
  };
  log(`${label}: ${JSON.stringify(out)}`);
  return out;
}

/** One closed-loop autocannon run: `connections` connections, one signed-in member each, `pathFor` per request. */
function closedLoop(load: Load, label: string, pathFor: (rng: () => number) => string, conns: number, seconds: number) {
  const { base, cookies } = load;
  return measured(load, label, async () => {
    let next = 0;
    const rng = createRng(seconds * 1000 + conns);
    const run = await load.autocannon({
      url: base,
      connections: conns,
      duration: seconds,
      timeout: 10,
      requests: [
        {
          method: 'GET',
          setupRequest: (req: { headers?: Record<string, string> }, context: { cookie?: string }) => {
            context.cookie ??= cookies[next++ % cookies.length];
            return { ...req, path: pathFor(() => rng.next()), headers: { ...req.headers, cookie: context.cookie } };
          },
        },
      ],
    });
    return {
      connections: conns,
      users: Math.min(conns, cookies.length),
      durationSeconds: run.duration,
      latencyMs: {
        p50: run.latency.p50,
        p90: run.latency.p90,
        p99: run.latency.p99,
        max: run.latency.max,
        mean: run.latency.average,
        min: run.latency.min,
      },
      requestsPerSecond: run.requests.average,
      requestsTotal: run.requests.total,
      errors: run.errors,
      timeouts: run.timeouts,
      non2xx: run.non2xx,
      statusCodes: run.statusCodeStats,
    };
  });
}

/**
 * Open-loop load: every member sends requests at Poisson arrival times (mean `perMemberRate` per second) without
 * waiting for earlier answers, and latency runs from the scheduled send time (no coordinated omission).
 */
function openLoop(load: Load, label: string, path: string, perMemberRate: number, seconds: number) {
  const { base, cookies } = load;
  return measured(load, label, async () => {
    const rng = createRng(perMemberRate * 7919 + seconds);
    const latencies: number[] = [];
    let errors = 0;
    const start = performance.now() + 200;
    const end = start + seconds * 1000;
    await Promise.all(
      cookies.map(async (cookie) => {
        const inflight: Promise<void>[] = [];
        for (
          let at = start - Math.log(1 - rng.next()) * (1000 / perMemberRate);
          at < end;
          at -= Math.log(1 - rng.next()) * (1000 / perMemberRate)
        ) {
          const wait = at - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          const scheduled = at;
          inflight.push(
            fetch(`${base}${path}`, { headers: { cookie }, signal: AbortSignal.timeout(10_000) }).then(
              async (res) => {
                await res.arrayBuffer();
                if (!res.ok) errors++;
                latencies.push(performance.now() - scheduled);
              },
              () => void errors++,
            ),
          );
        }
        await Promise.all(inflight);
      }),
    );
    const total = latencies.length + errors;
    return {
      members: cookies.length,
      perMemberRate,
      durationSeconds: seconds,
      latencyMs: {
        p50: round(quantile(latencies, 0.5), 1),
        p90: round(quantile(latencies, 0.9), 1),
        p99: round(quantile(latencies, 0.99), 1),
        max: round(Math.max(...latencies), 1),
      },
      requestsPerSecond: round(total / seconds, 1),
      requestsTotal: total,
      errors,
      timeouts: 0,
      non2xx: 0,
    };
  });
}

/** Step 4: server start, sign-ins and warm-up, then every load scenario. */
export async function driveServer(run: BenchRun, emails: string[], password: string) {
  const { base, rebuilt } = await startServer(run);
  const cookies: string[] = [];
  for (const email of emails) cookies.push(await signIn(base, email, password));
  // Warm-up, not counted: every member's first page (server-side model load, JIT).
  const tw = performance.now();
  const first = await fetch(`${base}/for-you`, { headers: { cookie: cookies[0] }, redirect: 'manual' });
  const firstMs = performance.now() - tw;
  const body = await first.text();
  if (first.status !== 200 || !/For You/.test(body))
    throw new Error(`GET /for-you as a member gave HTTP ${first.status}`);
  await Promise.all(cookies.map((cookie) => fetch(`${base}/for-you`, { headers: { cookie } }).then((r) => r.text())));

  const load: Load = {
    base,
    cookies,
    pid: run.serverProc!.pid!,
    autocannon: createRequire(import.meta.url)('autocannon') as AutocannonFn,
  };
  const connections = Number(run.args.connections);
  const duration = Number(run.args.duration);
  // The feed route's module is loaded on its first request: warm it too (the page above already cached each
  // member's first feed page, so these are cache hits).
  await Promise.all(
    cookies.map((cookie) => fetch(`${base}/api/for-you`, { headers: { cookie } }).then((r) => r.text())),
  );
  const scenarios = {
    // What a member's browser asks for: the feed (first page) — served from the per-user cache after the warm-up.
    feedApi: await closedLoop(
      load,
      'GET /api/for-you (feed JSON, per-user cache warm)',
      () => '/api/for-you',
      connections,
      duration,
    ),
    // The uncached path: every request has a diversity setting never asked before, so each one is a cache miss that
    // folds the user in, scores the catalogue, re-ranks, explains and reads the cards from the database.
    feedApiUncached: await closedLoop(
      load,
      'GET /api/for-you?diversity=<random> (every request a cache miss)',
      (r) => `/api/for-you?diversity=${(0.05 + r() * 0.9).toFixed(6)}`,
      connections,
      duration,
    ),
    // The full server-rendered page (HTML + RSC payload) with the cached feed inside.
    page: await closedLoop(load, 'GET /for-you (server-rendered page)', () => '/for-you', connections, duration),
    pageSingleUser: await closedLoop(load, 'GET /for-you, one connection', () => '/for-you', 1, 10),
    // The same 50 members at a human pace rather than back to back (open loop, Poisson arrivals): each asks for
    // their feed 5 times a second on average (250 req/s overall), or reloads the whole page once a second.
    feedApiPaced: await openLoop(
      load,
      'GET /api/for-you, open loop, 50 members × 5/s (Poisson)',
      '/api/for-you',
      5,
      duration,
    ),
    pagePaced: await openLoop(load, 'GET /for-you, open loop, 50 members × 1/s (Poisson)', '/for-you', 1, duration),
  };
  const http = {
    ...scenarios,
    firstRequestMs: round(firstMs, 1),
    responseBytesPage: body.length,
    rebuiltServer: rebuilt,
  };
  return http;
}
