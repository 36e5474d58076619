/**
 * `npx tsx --conditions=react-server scripts/bench/history-import.ts --mode server|embedded [--rows 10000]`
 * Times the history import of issue #21 on a fresh database of its own: a generated Letterboxd export of `rows` rows
 * (ratings.csv 80 %, diary.csv 10 %, watchlist.csv 10 %; titles from the demo catalogue written the way Letterboxd
 * writes them, 5 % a year off, 2 % unknown films, 0.5 % malformed) is previewed (parse + match + stored preview)
 * and confirmed as the worker does it (queued, then the job's one transaction) while another member rates a film
 * every 20 ms (their write latency shows the stall the import's transaction causes); the same file is then previewed
 * and confirmed again (a no-op), and a third member confirms it in the request (the path of small files).
 *   --mode server    a new reel_benchimp_<random> database on DATABASE_URL (default the local test server)
 *   --mode embedded  PGlite in memory behind the wire-protocol socket, as `npm start` without DATABASE_URL
 *   --out FILE       only write the generated export (a .zip) and exit
 * Prints the timings and writes results/bench/history-import-<mode>-<date>.json.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateLetterboxdExport } from '../../lib/import/test-helpers';
import { parse } from 'csv-parse/sync';

const { values: args } = parseArgs({
  options: {
    mode: { type: 'string', default: 'server' },
    rows: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '7' },
    out: { type: 'string' },
  },
});
const ROWS = Number(args.rows);
const DATA_DIR = resolve(process.env.DATA_DIR ?? resolve('..', 'shared', 'data'));
const log = (s: string) => console.log(`[bench-import ${new Date().toISOString().slice(11, 19)}] ${s}`);

const films = (
  parse(readFileSync(resolve(DATA_DIR, 'movielens', 'ml-latest-small', 'movies.csv')), { columns: true }) as {
    title: string;
  }[]
).map((m) => {
  const y = /^(.*?)\s*\((\d{4})\)\s*$/.exec(m.title.trim());
  return y ? { title: y[1], year: Number(y[2]) } : { title: m.title.trim(), year: null };
});
const file = generateLetterboxdExport(films, ROWS, Number(args.seed));
if (args.out) {
  writeFileSync(args.out, file);
  log(`wrote ${args.out} (${ROWS} rows, ${(file.byteLength / 1024).toFixed(0)} KB)`);
  process.exit(0);
}

const mode = args.mode === 'embedded' ? 'embedded' : 'server';
let url: string;
let cleanup: () => Promise<void>;
if (mode === 'embedded') {
  const { startEmbeddedPostgres } = await import('../../lib/db/embedded');
  const pg = await startEmbeddedPostgres(null);
  url = pg.url;
  cleanup = () => pg.stop();
} else {
  const base = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test');
  base.pathname = `/reel_benchimp_${randomBytes(4).toString('hex')}`;
  url = base.toString();
  const { ensureDatabase, dropDatabase } = await import('../../lib/db/ensure-database');
  await ensureDatabase(url);
  cleanup = () => dropDatabase(url);
}
process.env.DATABASE_URL = url;
process.env.DATA_DIR = DATA_DIR;
process.env.NEXTAUTH_SECRET ??= 'bench-secret-0123456789abcdef0123456789';
process.env.DB_POOL_MAX = mode === 'embedded' ? '4' : '8';
try {
  const { migrate } = await import('../../lib/db/migrate');
  await migrate(url, resolve('prisma', 'migrations'));
  const { importCatalogue } = await import('../../lib/server/services/catalogue-import');
  const t0 = performance.now();
  const report = await importCatalogue(DATA_DIR);
  log(`catalogue: ${report.movies} movies in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const { createMember } = await import('../../lib/server/data/users');
  const { previewHistoryImport, confirmHistoryImport } = await import('../../lib/server/services/history-import');
  const { getMemberImport } = await import('../../lib/server/data/member-imports');
  const member = await createMember({
    name: 'Bench',
    email: `bench-${randomBytes(3).toString('hex')}@bench.reel.local`,
    password: 'bench-password-1',
  });
  const timings: Record<string, number> = {};
  const time = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const out = await fn();
    timings[label] = Number(((performance.now() - t) / 1000).toFixed(3));
    log(`${label}: ${timings[label].toFixed(2)} s (load ${loadavg()[0].toFixed(2)})`);
    return out;
  };
  // A fresh server start: the server builds the matcher's catalogue index once it is up (scripts/server.ts), then the
  // member's first preview runs cold (JIT) on the warm index.
  const { warmCatalogueIndex } = await import('../../lib/server/services/history-import');
  await time('server start: matcher index built', () => warmCatalogueIndex());
  const warm = await time('preview (first after the start)', () =>
    previewHistoryImport(member.id, 'letterboxd-bench.zip', file),
  );
  const first = await time('preview', () => previewHistoryImport(member.id, 'letterboxd-bench.zip', file));
  const { payload } = await getMemberImport(member.id, first);
  const counts = {
    rows: payload.rows.length,
    matched: payload.rows.filter((r) => r.match === 'matched').length,
    ambiguous: payload.rows.filter((r) => r.match === 'ambiguous').length,
    unmatched: payload.rows.filter((r) => r.match === 'unmatched').length,
    malformed: payload.malformed.length,
  };
  log(`rows ${JSON.stringify(counts)}`);
  const { queueImportJob, getImportJob, listCatalogueForMatching } =
    await import('../../lib/server/data/member-imports');
  const { runImportJob } = await import('../../lib/server/jobs/member-import');
  const { upsertRating } = await import('../../lib/server/data/ratings');
  // Another member rating a film every 20 ms meanwhile: how long their writes wait while the import writes.
  const other = await createMember({
    name: 'Bench other',
    email: `bench-other-${randomBytes(3).toString('hex')}@bench.reel.local`,
    password: 'bench-password-1',
  });
  const probeIds = (await listCatalogueForMatching()).slice(0, 200).map((m) => m.id);
  const probe = () => {
    let stop = false;
    const lat: number[] = [];
    const loop = (async () => {
      for (let k = 0; !stop; k++) {
        const t = performance.now();
        await upsertRating(other.id, probeIds[k % probeIds.length], ((k % 10) + 1) / 2);
        lat.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    return async () => {
      stop = true;
      await loop;
      const sorted = [...lat].sort((x, y) => x - y);
      const q = (f: number) => Number(sorted[Math.min(sorted.length - 1, Math.floor(f * sorted.length))].toFixed(1));
      return {
        writes: lat.length,
        p50Ms: q(0.5),
        p99Ms: q(0.99),
        maxMs: q(1),
        over100Ms: lat.filter((x) => x > 100).length,
      };
    };
  };
  const idle = probe();
  await new Promise((r) => setTimeout(r, 2000));
  const probeIdle = await idle();
  log(`other member's writes, idle: ${JSON.stringify(probeIdle)}`);
  const CHOICES = { conflicts: 'keep' as const, perRow: {}, picks: {} };
  const busy = probe();
  const writeMs = await time('confirm as a job (queue + run; one transaction)', async () => {
    await queueImportJob(member.id, first, CHOICES, counts.rows);
    return runImportJob(first);
  });
  const probeDuringImport = await busy();
  timings['of which the write transaction'] = Number(((writeMs ?? 0) / 1000).toFixed(3));
  log(`the write transaction: ${timings['of which the write transaction'].toFixed(2)} s`);
  log(`other member's writes during the import: ${JSON.stringify(probeDuringImport)}`);
  const summary = (await getImportJob(member.id, first)).summary;
  log(`summary ${JSON.stringify(summary)}`);
  const again = await time('re-import preview', () => previewHistoryImport(member.id, 'letterboxd-bench.zip', file));
  await time('re-import confirm as a job (no-op)', async () => {
    await queueImportJob(member.id, again, CHOICES, counts.rows);
    return runImportJob(again);
  });
  const noop = (await getImportJob(member.id, again)).summary;
  // The same file confirmed in the request (the path below IMPORT_JOB_MIN_ROWS rows), by a third member.
  const third = await createMember({
    name: 'Bench third',
    email: `bench-third-${randomBytes(3).toString('hex')}@bench.reel.local`,
    password: 'bench-password-1',
  });
  const direct = await previewHistoryImport(third.id, 'letterboxd-bench.zip', file);
  await time('confirm in the request (one transaction), another member', () =>
    confirmHistoryImport(third.id, { importId: direct, ...CHOICES }),
  );
  void warm;
  const out = {
    mode,
    rows: ROWS,
    fileBytes: file.byteLength,
    counts,
    timings,
    probeIdle,
    probeDuringImport,
    summary,
    noop,
    load1: loadavg()[0],
    at: new Date().toISOString(),
  };
  mkdirSync(resolve('results', 'bench'), { recursive: true });
  const path = resolve('results', 'bench', `history-import-${mode}-${new Date().toISOString().slice(0, 10)}.json`);
  writeFileSync(path, JSON.stringify(out, null, 2) + '\n');
  log(`wrote ${path}`);
  const { db } = await import('../../lib/server/db');
  await db.$disconnect();
} finally {
  await cleanup();
}
