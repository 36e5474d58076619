/**
 * The admin catalogue reload at scale, and what members feel during it (#24).
 *
 *   tsx --conditions=react-server scripts/bench/catalogue-reload.ts [--db server|embedded] [--movies 62000] [--writers 2]
 *
 * 1. A fresh database (server: `reel_bench_reload_<random>` on DATABASE_URL or the local test server; embedded: an
 *    in-memory PGlite behind the same socket server `npm start` uses), migrated.
 * 2. Loads the shipped catalogue (DATA_DIR or ../shared/data) as the "current" one.
 * 3. Writes the expanded catalogue into a temp folder (never committed): the shipped files plus synthetic, seeded
 *    movies with new ids up to --movies in total (tests/fixtures/synthetic-catalogue.ts).
 * 4. Times the dry run and the reload of the expanded catalogue, while --writers members rate movies in a loop
 *    (upsertRating through Prisma, as the app does), and records every write's latency: the longest is the stall.
 * 5. Times a second reload of the same files (must write nothing).
 * Prints one JSON summary (also written to results/bench/catalogue-reload-<db>-<date>.json).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { ensureDatabase, dropDatabase } from '../../lib/db/ensure-database';
import { migrate } from '../../lib/db/migrate';
import { startEmbeddedPostgres } from '../../lib/db/embedded';
import { writeSyntheticCatalogue } from '../../tests/fixtures/synthetic-catalogue';
import { freshDatabaseUrl } from '../../tests/db-urls';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'server' },
    movies: { type: 'string', default: '62000' },
    writers: { type: 'string', default: '2' },
    base: { type: 'string' },
  },
});
const log = (line: string) => console.log(`[reload-bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
const baseDir = resolve(args.base ?? process.env.DATA_DIR ?? join('..', 'shared', 'data'));
const total = Number(args.movies);

let stop: () => Promise<void>;
let url: string;
if (args.db === 'embedded') {
  const pgl = await startEmbeddedPostgres(null, 24);
  url = pgl.url;
  stop = pgl.stop;
} else {
  url = freshDatabaseUrl('reel_bench_reload', process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/test');
  await ensureDatabase(url);
  stop = () => dropDatabase(url);
}
process.env.DATABASE_URL = url;
process.env.NEXTAUTH_SECRET ??= 'bench-secret-0123456789abcdef0123456789';
process.env.DB_POOL_MAX = '4';
process.env.DATA_DIR = baseDir;
await migrate(url, resolve('prisma', 'migrations'));

const { applyCatalogue, previewCatalogue } = await import('../../lib/server/services/catalogue-import');
const { upsertRating } = await import('../../lib/server/data/ratings');
const { createMember } = await import('../../lib/server/data/users');
const { db } = await import('../../lib/server/db');

/** Seconds spent in each progress phase. */
function phaseTimer() {
  const phases: Record<string, number> = {};
  let phase = '';
  let start = performance.now();
  const onProgress = (p: { phase: string }) => {
    if (p.phase === phase) return;
    if (phase) phases[phase] = Number(((performance.now() - start) / 1000).toFixed(2));
    phase = p.phase;
    start = performance.now();
  };
  const end = () => {
    if (phase) phases[phase] = Number(((performance.now() - start) / 1000).toFixed(2));
    return phases;
  };
  return { onProgress, end };
}

const dir = mkdtempSync(join(tmpdir(), 'reel-62k-'));
try {
  let t = performance.now();
  const baseTimer = phaseTimer();
  const first = await applyCatalogue(baseDir, baseTimer.onProgress, { maxRejectShare: 1 });
  const baseSeconds = (performance.now() - t) / 1000;
  const basePhases = baseTimer.end();
  log(
    `shipped catalogue loaded: ${first.movies} movies, ${first.ratings} ratings in ${baseSeconds.toFixed(1)} s ${JSON.stringify(basePhases)}`,
  );

  const synthetic = Math.max(0, total - first.movies);
  t = performance.now();
  writeSyntheticCatalogue(dir, { movies: synthetic, firstId: 500_000, seed: 62, baseDir, ratingsPerMovie: 2 });
  log(`wrote ${first.movies} + ${synthetic} movies to ${dir} in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  t = performance.now();
  const preview = await previewCatalogue(dir);
  const previewSeconds = (performance.now() - t) / 1000;
  log(
    `dry run: ${JSON.stringify({ movies: preview.movies, added: preview.added, updated: preview.updated, unchanged: preview.unchanged, rejected: preview.rejected })} in ${previewSeconds.toFixed(1)} s`,
  );

  // Members rating in a loop during the reload.
  const writers = Number(args.writers);
  const members = await Promise.all(
    Array.from({ length: writers }, (_, i) =>
      createMember({ name: `Bench ${i}`, email: `bench-${i}-${Date.now()}@reel.local`, password: 'bench-password-1' }),
    ),
  );
  const movieIds = (await db.movie.findMany({ select: { id: true }, take: 2000, orderBy: { id: 'asc' } })).map(
    (m) => m.id,
  );
  const latencies: number[] = [];
  const worstByPhase: Record<string, number> = {};
  let failures = 0;
  let currentPhase = 'before';
  let running = true;
  const loops = members.map(async (m, w) => {
    let i = w;
    while (running) {
      const s = performance.now();
      const phaseAtStart = currentPhase;
      try {
        await upsertRating(m.id, movieIds[(i * 37) % movieIds.length], ((i % 10) + 1) / 2);
      } catch (err) {
        failures++;
        log(
          `member write failed after ${(performance.now() - s).toFixed(0)} ms during "${phaseAtStart}": ${(err as Error).message.split('\n').pop()}`,
        );
      }
      const ms = performance.now() - s;
      latencies.push(ms);
      worstByPhase[phaseAtStart] = Math.max(worstByPhase[phaseAtStart] ?? 0, Number(ms.toFixed(1)));
      i++;
      await new Promise((r) => setTimeout(r, 20));
    }
  });
  await new Promise((r) => setTimeout(r, 1000)); // baseline writes before the reload
  const timer = phaseTimer();
  t = performance.now();
  const report = await applyCatalogue(dir, (p) => {
    currentPhase = p.phase;
    timer.onProgress(p);
  });
  currentPhase = 'after';
  const phases = timer.end();
  const applySeconds = (performance.now() - t) / 1000;
  running = false;
  await Promise.all(loops);
  latencies.sort((a, b) => a - b);
  const q = (p: number) =>
    Number(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(1));
  log(
    `reload: ${applySeconds.toFixed(1)} s; ${latencies.length} member writes, p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms`,
  );

  t = performance.now();
  const again = await applyCatalogue(dir);
  const againSeconds = (performance.now() - t) / 1000;
  log(
    `same files again: ${againSeconds.toFixed(1)} s, ${again.updated} updated, ${again.added} added, ${again.ratingsWritten} ratings written`,
  );

  const summary = {
    db: args.db,
    date: new Date().toISOString(),
    loadavg1AtEnd: Number(loadavg()[0].toFixed(2)),
    movies: report.movies,
    ratingRows: report.ratingRows,
    baseLoadSeconds: Number(baseSeconds.toFixed(1)),
    baseLoadPhasesSeconds: basePhases,
    previewSeconds: Number(previewSeconds.toFixed(1)),
    applySeconds: Number(applySeconds.toFixed(1)),
    applyPhasesSeconds: phases,
    added: report.added,
    updated: report.updated,
    unchanged: report.unchanged,
    batches: report.batches,
    longestTransactionMs: report.longestTransactionMs,
    memberWrites: latencies.length,
    memberWriteMs: { p50: q(0.5), p99: q(0.99), max: q(1) },
    memberWriteWorstMsByPhase: worstByPhase,
    memberWriteFailures: failures,
    secondRunSeconds: Number(againSeconds.toFixed(1)),
    secondRunWrites: { added: again.added, updated: again.updated, ratings: again.ratingsWritten },
  };
  console.log(JSON.stringify(summary, null, 2));
  mkdirSync(join('results', 'bench'), { recursive: true });
  writeFileSync(
    join('results', 'bench', `catalogue-reload-${args.db}-${summary.date.slice(0, 10)}.json`),
    JSON.stringify(summary, null, 2) + '\n',
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
  await db.$disconnect();
  await stop();
}
