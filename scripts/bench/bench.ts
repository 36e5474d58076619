/**
 * `npm run bench`: the serving benchmark of issue #10 on a fresh database of its own.
 *
 *   npm run bench [-- --shape ml-1m|ml-25m] [--seed S] [--duration 30] [--connections 50] [--keep] [--skip-http]
 *   npm run bench -- --db <url of a database kept by --keep>   (model load, fold-in and HTTP only)
 *
 * 1. Creates `reel_bench_<random>` on the server in DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test),
 *    migrates it and imports the catalogue (DATA_DIR).
 * 2. Generates the engine's synthetic rating set at the chosen shape (lib/recommender/eval/synth), maps its items onto
 *    the catalogue's movies (most-rated synthetic item → most-rated MovieLens movie; placeholder movies when the
 *    shape has more items than the catalogue), replaces the imported ratings with it, and times the bulk load.
 * 3. Creates the signed-in members (20 ratings each), times `recomputeModel` end to end (the nightly job), the
 *    active model load (model-cache), and the live fold-in.
 * 4. ml-1m only: starts the production server (scripts/start.ts → next start) on 127.0.0.1, signs the members in
 *    through next-auth's credentials endpoint and drives GET /for-you with autocannon.
 * Writes results/bench/<date>.json and drops the database unless --keep.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, freemem, getPriority, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { generateSynthetic, SYNTH_SHAPES } from '../../lib/recommender/eval/synth';
import { recalculateUser } from '../../lib/recommender/algorithms/implicit-als';
import { alsView, type ServingModel } from '../../lib/recommender/serving';
import { createRng } from '../../lib/recommender/core/rng';
import { ensureDatabase, dropDatabase } from '../../lib/db/ensure-database';
import { migrate } from '../../lib/db/migrate';
import { freePort } from '../free-port';

const { values: args } = parseArgs({
  options: {
    shape: { type: 'string', default: 'ml-1m' },
    seed: { type: 'string', default: '1' },
    duration: { type: 'string', default: '30' },
    connections: { type: 'string', default: '50' },
    members: { type: 'string', default: '50' },
    keep: { type: 'boolean', default: false },
    'skip-http': { type: 'boolean', default: false },
    /** Re-run only the model load, fold-in and HTTP parts on a database kept by an earlier `--keep` run. */
    db: { type: 'string' },
    out: { type: 'string' },
  },
});
const shapeName = args.shape as keyof typeof SYNTH_SHAPES;
const shape = SYNTH_SHAPES[shapeName];
if (!shape) throw new Error(`unknown --shape ${args.shape}; use ${Object.keys(SYNTH_SHAPES).join(' or ')}`);
const withHttp = shapeName === 'ml-1m' && !args['skip-http'];
const N_MEMBERS = Number(args.members);
const log = (line: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
const load1 = () => Number(loadavg()[0].toFixed(2));

/** A timing with the machine's 1-minute load average when it ended (the machine is shared). */
interface Timed {
  seconds: number;
  /** CPU seconds of this process (user + system; includes worker threads), comparable across machine loads. */
  cpuSeconds?: number;
  load1: number;
}
const timings: Record<string, Timed> = {};
async function timed<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
  const t = performance.now();
  const cpu = process.cpuUsage();
  const out = await fn();
  const used = process.cpuUsage(cpu);
  timings[name] = { seconds: Number(((performance.now() - t) / 1000).toFixed(3)), cpuSeconds: Number(((used.user + used.system) / 1e6).toFixed(3)), load1: load1() };
  log(`${name}: ${timings[name].seconds.toFixed(2)} s wall, ${timings[name].cpuSeconds} s CPU (load ${timings[name].load1})`);
  return out;
}

let peakRss = 0;
const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
rssTimer.unref();

// --- database -------------------------------------------------------------------------------------------------
const reuse = args.db !== undefined;
const server = new URL(args.db ?? (process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/test'));
if (!reuse) server.pathname = `/reel_bench_${randomBytes(4).toString('hex')}`;
const dbUrl = server.toString();
process.env.DATABASE_URL = dbUrl; // before any lib/server import: lib/env reads it once
process.env.DB_POOL_MAX ??= '4';
await ensureDatabase(dbUrl);
log(`database ${server.pathname.slice(1)} on ${server.host}`);

const pgc = new pg.Client({ connectionString: dbUrl });
let serverProc: ChildProcess | null = null;
const result: Record<string, unknown> = {};

async function cleanup(): Promise<void> {
  if (serverProc?.pid !== undefined && serverProc.exitCode === null) {
    try {
      process.kill(-serverProc.pid, 'SIGTERM');
      await new Promise((r) => setTimeout(r, 5000));
      process.kill(-serverProc.pid, 'SIGKILL');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }
  await pgc.end().catch(() => undefined);
  const { db } = await import('../../lib/server/db');
  await db.$disconnect();
  if (!args.keep && !reuse) {
    await dropDatabase(dbUrl);
    log('database dropped');
  } else log(`kept ${dbUrl}`);
}

try {
  await pgc.connect();
  const { emails, password, memberIds } = reuse ? await reuseMembers() : await setUp();
  // --- nightly recompute, model load, fold-in -------------------------------------------------------------------
  const { recomputeModel } = await import('../../lib/server/services/model-training');
  const trained = reuse ? null : await timed('recompute', () => recomputeModel({ trigger: 'admin' }));
  const { getActiveVersion } = await import('../../lib/server/data/models');
  const version = await getActiveVersion();
  if (!version) throw new Error('no active model version');
  result.model = { versionId: version.id, activated: trained?.activated ?? true, metrics: version.metrics, phaseTimings: version.timings, dataCounts: version.dataCounts, reused: reuse };
  const artifactBytes = Number(
    (await pgc.query<{ b: string }>(`SELECT sum(octet_length(data)) AS b FROM "ModelArtifact" WHERE "modelVersionId" = $1`, [version.id]).catch(() => ({ rows: [{ b: '0' }] }))).rows[0].b ?? 0,
  );
  (result.model as Record<string, unknown>).artifactMegabytes = Number((artifactBytes / 1e6).toFixed(1));
  const rssBeforeLoad = process.memoryUsage().rss;
  const { getServingModel } = await import('../../lib/server/services/model-cache');
  const loaded = await timed('modelLoad', () => getServingModel());
  if (!loaded) throw new Error('no active model after the recompute');
  result.modelLoad = { seconds: timings.modelLoad.seconds, innerSeconds: loaded.loadSeconds, rssDeltaMb: Math.round((process.memoryUsage().rss - rssBeforeLoad) / 1e6) };

  result.foldIn = await measureFoldIn(loaded.model, loaded.itemIndex, memberIds[0]);

  // --- production server under load -----------------------------------------------------------------------------
  if (withHttp) result.http = await driveServer(emails, password);
  else log(`no HTTP latency run for --shape ${shapeName}${args['skip-http'] ? ' (--skip-http)' : ''}`);
} catch (err) {
  result.error = err instanceof Error ? (err.stack ?? err.message) : String(err);
  console.error(err);
  process.exitCode = 1;
} finally {
  await cleanup().catch((err) => console.error('cleanup failed', err));
  await writeResult();
  process.exit(); // pools and timers of the imported server modules would keep the process alive
}

/** Steps 1–3: schema, catalogue, the synthetic rating set and the members who will sign in. */
async function setUp(): Promise<{ emails: string[]; password: string; memberIds: number[] }> {
  await timed('migrate', () => migrate(dbUrl, resolve('prisma', 'migrations'), { log: () => undefined }));
  const { importCatalogue } = await import('../../lib/server/services/catalogue-import');
  const { resolveDataDir } = await import('../../lib/server/services/data-source');
  const dataDir = resolveDataDir();
  if (!dataDir) throw new Error('no data folder with movielens/ml-latest-small: set DATA_DIR');
  const catalogue = await timed('importCatalogue', () => importCatalogue(dataDir));
  log(`catalogue: ${catalogue.movies} movies from ${dataDir}`);

  // --- synthetic ratings ----------------------------------------------------------------------------------------
  const gen = await timed('generate', () => {
    const u = new Int32Array(shape.ratings);
    const i = new Int32Array(shape.ratings);
    const r = new Float32Array(shape.ratings);
    const ts = new Int32Array(shape.ratings);
    let n = 0;
    generateSynthetic({ ...shape, seed: Number(args.seed) }, (user, item, rating, t) => {
      u[n] = user;
      i[n] = item;
      r[n] = rating;
      ts[n++] = t;
    });
    return { u: u.subarray(0, n), i: i.subarray(0, n), r: r.subarray(0, n), ts: ts.subarray(0, n), n };
  });
  log(`generated ${gen.n.toLocaleString('en')} ratings (${shape.users} users × ${shape.items} items)`);

  // Most-rated synthetic item ↔ most-rated catalogue movie, so popular titles stay popular.
  const byPopularity = (
    await pgc.query<{ id: number }>(
      `SELECT m.id FROM "Movie" m LEFT JOIN "Rating" r ON r."movieId" = m.id GROUP BY m.id ORDER BY count(r.*) DESC, m.id`,
    )
  ).rows.map((x) => x.id);
  const itemCount = new Int32Array(shape.items + 1);
  for (let x = 0; x < gen.n; x++) itemCount[gen.i[x]]++;
  const synthOrder = Array.from({ length: shape.items }, (_, x) => x + 1).sort((a, b) => itemCount[b] - itemCount[a] || a - b);
  const movieOf = new Int32Array(shape.items + 1);
  const extra: number[] = [];
  synthOrder.forEach((item, rank) => {
    if (rank < byPopularity.length) movieOf[item] = byPopularity[rank];
    else extra.push((movieOf[item] = 10_000_000 + rank));
  });

  await timed('loadRatings', async () => {
    // The bench set replaces MovieLens' 100k ratings and 610 users: the model trains on exactly the synthetic set.
    await pgc.query(`DELETE FROM "User" WHERE kind = 'IMPORTED'`);
    if (extra.length) {
      await pgc.query(
        `INSERT INTO "Movie" (id, title, year, "updatedAt") SELECT id, 'Synthetic movie ' || id, 2000, now() FROM unnest($1::int[]) id`,
        [extra],
      );
    }
    const users = Array.from({ length: shape.users }, (_, x) => x + 1);
    const ids = (
      await pgc.query<{ id: number; movielensId: number }>(
        `INSERT INTO "User" (name, kind, "movielensId", "updatedAt") SELECT 'Synthetic ' || m, 'IMPORTED', m, now() FROM unnest($1::int[]) m RETURNING id, "movielensId"`,
        [users],
      )
    ).rows;
    const userOf = new Int32Array(shape.users + 1);
    for (const row of ids) userOf[row.movielensId] = row.id;
    // COPY FROM STDIN in 1 MB chunks: ~3× the rows per second of batched INSERT … unnest (25M rows at ML-25M shape).
    const sink = pgc.query(copyFrom(`COPY "Rating" ("userId", "movieId", value, "createdAt", "updatedAt") FROM STDIN`));
    async function* rows(): AsyncGenerator<string> {
      let chunk = '';
      for (let x = 0; x < gen.n; x++) {
        const at = new Date(gen.ts[x] * 1000).toISOString();
        chunk += `${userOf[gen.u[x]]}\t${movieOf[gen.i[x]]}\t${gen.r[x]}\t${at}\t${at}\n`;
        if (chunk.length > 1 << 20) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk) yield chunk;
    }
    await pipeline(Readable.from(rows()), sink);
    await pgc.query('ANALYZE "Rating"');
  });
  const ratingRows = Number((await pgc.query<{ n: string }>(`SELECT count(*) AS n FROM "Rating"`)).rows[0].n);
  log(`Rating table: ${ratingRows.toLocaleString('en')} rows`);

  // --- members who will sign in -----------------------------------------------------------------------------------
  const { hash } = await import('@node-rs/argon2');
  const password = `bench-${randomBytes(6).toString('hex')}`;
  const passwordHash = await hash(password);
  const emails = Array.from({ length: N_MEMBERS }, (_, x) => `bench-${x}@bench.reel.local`);
  const memberIds = (
    await pgc.query<{ id: number }>(
      `INSERT INTO "User" (name, email, "passwordHash", kind, "updatedAt") SELECT 'Bench ' || e, e, $2, 'MEMBER', now() FROM unnest($1::text[]) e RETURNING id`,
      [emails, passwordHash],
    )
  ).rows.map((x) => x.id);
  {
    const rng = createRng(Number(args.seed) + 7);
    const top = byPopularity.slice(0, 500);
    const mu: number[] = [];
    const mm: number[] = [];
    const vv: number[] = [];
    for (const id of memberIds) {
      const picked = new Set<number>();
      while (picked.size < 20) picked.add(top[rng.int(top.length)]);
      for (const m of picked) {
        mu.push(id);
        mm.push(m);
        vv.push(1 + rng.int(9) * 0.5);
      }
    }
    await pgc.query(
      `INSERT INTO "Rating" ("userId", "movieId", value, "updatedAt") SELECT u, m, v, now() FROM unnest($1::int[], $2::int[], $3::real[]) AS x(u, m, v)`,
      [mu, mm, vv],
    );
  }

  return { emails, password, memberIds };
}

/** --db: the members of a kept bench database, with a fresh password (the old one was never stored). */
async function reuseMembers(): Promise<{ emails: string[]; password: string; memberIds: number[] }> {
  await migrate(dbUrl, resolve('prisma', 'migrations'), { log: () => undefined });
  const { hash } = await import('@node-rs/argon2');
  const password = `bench-${randomBytes(6).toString('hex')}`;
  const rows = (
    await pgc.query<{ id: number; email: string }>(
      `UPDATE "User" SET "passwordHash" = $1 WHERE email LIKE 'bench-%@bench.reel.local' RETURNING id, email`,
      [await hash(password)],
    )
  ).rows.sort((x, y) => x.id - y.id);
  if (rows.length === 0) throw new Error(`${dbUrl} has no bench members: keep a full run's database with --keep`);
  log(`reusing ${dbUrl}: ${rows.length} members`);
  return { emails: rows.map((r) => r.email), password, memberIds: rows.map((r) => r.id) };
}

async function measureFoldIn(model: ServingModel, itemIndex: Map<number, number>, memberId: number) {
  const als = alsView(model);
  const rng = createRng(99);
  const solve: Record<string, number> = {};
  for (const n of [20, 200, 1000]) {
    const idx = Int32Array.from({ length: n }, () => rng.int(model.itemIds.length));
    const vals = Float32Array.from({ length: n }, () => 1 + rng.int(9) * 0.5);
    for (let w = 0; w < 20; w++) recalculateUser(als, idx, vals);
    const samples: number[] = [];
    for (let rep = 0; rep < 200; rep++) {
      const t = performance.now();
      recalculateUser(als, idx, vals);
      samples.push(performance.now() - t);
    }
    solve[`history${n}_p50_ms`] = round(quantile(samples, 0.5), 3);
    solve[`history${n}_p99_ms`] = round(quantile(samples, 0.99), 3);
  }
  // End to end in the app's code path: store one rating, then the next For You (which folds it in).
  const { buildForYouFeed } = await import('../../lib/server/services/for-you');
  const { upsertRating } = await import('../../lib/server/data/ratings');
  const { FeedQuery } = await import('../../lib/validation/feed');
  const query = FeedQuery.parse({});
  const ids = model.itemIds;
  for (let w = 0; w < 5; w++) await buildForYouFeed(memberId, query);
  const feed: number[] = [];
  const rateThenFeed: number[] = [];
  const rateOnly: number[] = [];
  for (let rep = 0; rep < 20; rep++) {
    let t = performance.now();
    await buildForYouFeed(memberId, query);
    feed.push(performance.now() - t);
    const movie = ids[rng.int(ids.length)];
    if (!itemIndex.has(movie)) continue;
    t = performance.now();
    await upsertRating(memberId, movie, 1 + rng.int(9) * 0.5);
    rateOnly.push(performance.now() - t);
    await buildForYouFeed(memberId, query);
    rateThenFeed.push(performance.now() - t);
  }
  const out = {
    solveMs: solve,
    forYouInProcessP50Ms: round(quantile(feed, 0.5), 2),
    upsertRatingP50Ms: round(quantile(rateOnly, 0.5), 2),
    rateThenForYouP50Ms: round(quantile(rateThenFeed, 0.5), 2),
    k: model.k,
    load1: load1(),
  };
  log(`fold-in: ${JSON.stringify(out)}`);
  return out;
}

function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}
function round(x: number, d: number): number {
  return Number(x.toFixed(d));
}

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
  const session = res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('next-auth.session-token='));
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

async function driveServer(emails: string[], password: string) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key === 'NODE_ENV' || key.startsWith('VITEST')) delete env[key];
  Object.assign(env, {
    DATABASE_URL: dbUrl,
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
    serverProc = spawn(resolve('node_modules', '.bin', 'tsx'), ['--conditions=react-server', 'scripts/start.ts'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    serverProc.stdout!.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-20_000)));
    serverProc.stderr!.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-20_000)));
  };
  launch();
  for (;;) {
    if (serverProc!.exitCode !== null) {
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
  result.serverStartAttempts = attempts;
  log(`server up on ${base} in ${timings.serverStart.seconds} s${rebuilt ? ' (including next build)' : ''}`);

  const cookies: string[] = [];
  for (const email of emails) cookies.push(await signIn(base, email, password));
  // Warm-up, not counted: every member's first page (server-side model load, JIT).
  const tw = performance.now();
  const first = await fetch(`${base}/for-you`, { headers: { cookie: cookies[0] }, redirect: 'manual' });
  const firstMs = performance.now() - tw;
  const body = await first.text();
  if (first.status !== 200 || !/For You/.test(body)) throw new Error(`GET /for-you as a member gave HTTP ${first.status}`);
  await Promise.all(cookies.map((cookie) => fetch(`${base}/for-you`, { headers: { cookie } }).then((r) => r.text())));

  const autocannon = createRequire(import.meta.url)('autocannon') as AutocannonFn;
  const connections = Number(args.connections);
  const duration = Number(args.duration);
  const pid = serverProc!.pid!;
  /** Runs one load scenario and adds the server's CPU per request and the load average around it. */
  const measured = async <T extends { requestsTotal: number }>(label: string, run: () => Promise<T>) => {
    const loadBefore = loadavg()[0];
    const cpuBefore = groupCpuSeconds(pid);
    const stats = await run();
    const serverCpu = groupCpuSeconds(pid) - cpuBefore;
    const out = {
      scenario: label,
      ...stats,
      serverCpuMsPerRequest: stats.requestsTotal > 0 ? round((serverCpu * 1000) / stats.requestsTotal, 2) : null,
      load1Before: round(loadBefore, 2),
      load1After: round(loadavg()[0], 2),
    };
    log(`${label}: ${JSON.stringify(out)}`);
    return out;
  };
  /** One closed-loop autocannon run: `connections` connections, one signed-in member each, `pathFor` per request. */
  const drive = (label: string, pathFor: (rng: () => number) => string, conns: number, seconds: number) =>
    measured(label, async () => {
      let next = 0;
      const rng = createRng(seconds * 1000 + conns);
      const run = await autocannon({
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
        latencyMs: { p50: run.latency.p50, p90: run.latency.p90, p99: run.latency.p99, max: run.latency.max, mean: run.latency.average, min: run.latency.min },
        requestsPerSecond: run.requests.average,
        requestsTotal: run.requests.total,
        errors: run.errors,
        timeouts: run.timeouts,
        non2xx: run.non2xx,
        statusCodes: run.statusCodeStats,
      };
    });
  /**
   * Open-loop load: every member sends requests at Poisson arrival times (mean `perMemberRate` per second) without
   * waiting for earlier answers, and latency runs from the scheduled send time (no coordinated omission).
   */
  const paced = (label: string, path: string, perMemberRate: number, seconds: number) =>
    measured(label, async () => {
      const rng = createRng(perMemberRate * 7919 + seconds);
      const latencies: number[] = [];
      let errors = 0;
      const start = performance.now() + 200;
      const end = start + seconds * 1000;
      await Promise.all(
        cookies.map(async (cookie) => {
          const inflight: Promise<void>[] = [];
          for (let at = start - Math.log(1 - rng.next()) * (1000 / perMemberRate); at < end; at -= Math.log(1 - rng.next()) * (1000 / perMemberRate)) {
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
  // The feed route's module is loaded on its first request: warm it too (the page above already cached each
  // member's first feed page, so these are cache hits).
  await Promise.all(cookies.map((cookie) => fetch(`${base}/api/for-you`, { headers: { cookie } }).then((r) => r.text())));
  const scenarios = {
    // What a member's browser asks for: the feed (first page) — served from the per-user cache after the warm-up.
    feedApi: await drive('GET /api/for-you (feed JSON, per-user cache warm)', () => '/api/for-you', connections, duration),
    // The uncached path: every request has a diversity setting never asked before, so each one is a cache miss that
    // folds the user in, scores the catalogue, re-ranks, explains and reads the cards from the database.
    feedApiUncached: await drive(
      'GET /api/for-you?diversity=<random> (every request a cache miss)',
      (r) => `/api/for-you?diversity=${(0.05 + r() * 0.9).toFixed(6)}`,
      connections,
      duration,
    ),
    // The full server-rendered page (HTML + RSC payload) with the cached feed inside.
    page: await drive('GET /for-you (server-rendered page)', () => '/for-you', connections, duration),
    pageSingleUser: await drive('GET /for-you, one connection', () => '/for-you', 1, 10),
    // The same 50 members at a human pace rather than back to back (open loop, Poisson arrivals): each asks for
    // their feed 5 times a second on average (250 req/s overall), or reloads the whole page once a second.
    feedApiPaced: await paced('GET /api/for-you, open loop, 50 members × 5/s (Poisson)', '/api/for-you', 5, duration),
    pagePaced: await paced('GET /for-you, open loop, 50 members × 1/s (Poisson)', '/for-you', 1, duration),
  };
  const http = {
    ...scenarios,
    firstRequestMs: round(firstMs, 1),
    responseBytesPage: body.length,
    rebuiltServer: rebuilt,
  };
  return http;
}

async function writeResult(): Promise<void> {
  const now = new Date();
  const cpu = cpus();
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout
  }
  const record = {
    date: now.toISOString(),
    commit,
    shape: shapeName,
    synthetic: { ...shape, seed: Number(args.seed) },
    machine: {
      cpu: cpu[0]?.model ?? 'unknown',
      cores: cpu.length,
      ramGb: Math.round(totalmem() / 2 ** 30),
      freeRamGbAtEnd: Math.round(freemem() / 2 ** 30),
      node: process.version,
      loadAverageAtEnd: loadavg().map((x) => round(x, 2)),
      /** The bench's scheduling priority (nice); the server it starts inherits it. */
      nice: getPriority(),
      note: 'shared machine: other benchmarks ran at the same time; load1 is recorded next to each timing',
    },
    targets: { p50Ms: 30, p99Ms: 100, errors: 0, foldInMs: 5, modelLoadSeconds: 3, recomputeSeconds: 60 },
    timings,
    peakRssMbBenchProcess: Math.round(peakRss / 1e6),
    ...result,
  };
  const dir = resolve('results', 'bench');
  mkdirSync(dir, { recursive: true });
  const file = args.out ?? join(dir, `${now.toISOString().slice(0, 19).replace(/:/g, '-')}${shapeName === 'ml-1m' ? '' : `-${shapeName}`}.json`);
  writeFileSync(file, JSON.stringify(record, null, 1) + '\n');
  log(`wrote ${file}`);
}
