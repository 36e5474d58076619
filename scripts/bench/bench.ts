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
 * Writes results/bench/<date>.json and drops the database unless --keep. Phases: setup.ts (1–3), fold-in.ts, http.ts (4);
 * common.ts holds the shared run state and timings.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, freemem, getPriority, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { SYNTH_SHAPES } from '../../lib/recommender/eval/synth';
import { ensureDatabase, dropDatabase } from '../../lib/db/ensure-database';
import { log, round, timed, timings, type BenchRun } from './common';
import { measureFoldIn } from './fold-in';
import { driveServer } from './http';
import { reuseMembers, setUp } from './setup';

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
const run: BenchRun = {
  args: { seed: args.seed!, duration: args.duration!, connections: args.connections! },
  shape,
  nMembers: N_MEMBERS,
  dbUrl,
  pgc,
  result: {},
  serverProc: null,
};
const result = run.result;

async function cleanup(): Promise<void> {
  const serverProc = run.serverProc;
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
  const { emails, password, memberIds } = reuse ? await reuseMembers(run) : await setUp(run);
  // --- nightly recompute, model load, fold-in -------------------------------------------------------------------
  const { recomputeModel } = await import('../../lib/server/services/model-training');
  const trained = reuse ? null : await timed('recompute', () => recomputeModel({ trigger: 'admin' }));
  const { getActiveVersion } = await import('../../lib/server/data/models');
  const version = await getActiveVersion();
  if (!version) throw new Error('no active model version');
  result.model = {
    versionId: version.id,
    activated: trained?.activated ?? true,
    metrics: version.metrics,
    phaseTimings: version.timings,
    dataCounts: version.dataCounts,
    reused: reuse,
  };
  const artifactBytes = Number(
    (
      await pgc
        .query<{ b: string }>(`SELECT sum(octet_length(data)) AS b FROM "ModelArtifact" WHERE "modelVersionId" = $1`, [
          version.id,
        ])
        .catch(() => ({ rows: [{ b: '0' }] }))
    ).rows[0].b ?? 0,
  );
  (result.model as Record<string, unknown>).artifactMegabytes = Number((artifactBytes / 1e6).toFixed(1));
  const rssBeforeLoad = process.memoryUsage().rss;
  const { getServingModel } = await import('../../lib/server/services/model-cache');
  const loaded = await timed('modelLoad', () => getServingModel());
  if (!loaded) throw new Error('no active model after the recompute');
  result.modelLoad = {
    seconds: timings.modelLoad.seconds,
    innerSeconds: loaded.loadSeconds,
    rssDeltaMb: Math.round((process.memoryUsage().rss - rssBeforeLoad) / 1e6),
  };

  result.foldIn = await measureFoldIn(loaded.model, loaded.itemIndex, memberIds[0]);

  // --- production server under load -----------------------------------------------------------------------------
  if (withHttp) result.http = await driveServer(run, emails, password);
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
  const file =
    args.out ??
    join(
      dir,
      `${now.toISOString().slice(0, 19).replace(/:/g, '-')}${shapeName === 'ml-1m' ? '' : `-${shapeName}`}.json`,
    );
  writeFileSync(file, JSON.stringify(record, null, 1) + '\n');
  log(`wrote ${file}`);
}
