/**
 * `npx tsx --conditions=react-server scripts/bench/history-import.ts --mode server|embedded [--rows 10000]`
 * Times the history import of issue #21 on a fresh database of its own: a generated Letterboxd export of `rows` rows
 * (ratings.csv 80 %, diary.csv 10 %, watchlist.csv 10 %; titles from the demo catalogue written the way Letterboxd
 * writes them, 3 % a year off, 2 % unknown films, 0.5 % malformed) is previewed (parse + match + stored preview)
 * and confirmed (one transaction), then the same file is previewed and confirmed again (a no-op).
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
import { strToU8, zipSync } from 'fflate';
import { csvLine } from '../../lib/import/csv';
import { letterboxdTitle } from '../../lib/import/match';
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

/** A Letterboxd-shaped export of `rows` rows over the given films (deterministic for a seed). */
export function generateLetterboxdExport(
  films: { title: string; year: number | null }[],
  rows: number,
  seed: number,
): Uint8Array {
  // mulberry32: a small seeded generator, so the same seed gives the same file.
  let state = seed >>> 0;
  const rng = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = () => films[Math.floor(rng() * films.length)];
  const date = () => new Date(Date.UTC(2012, 0, 1) + Math.floor(rng() * 4000) * 86_400_000).toISOString().slice(0, 10);
  const name = (f: { title: string; year: number | null }) => {
    const r = rng();
    if (r < 0.02) return { name: `Unmade Film ${Math.floor(rng() * 1e9)}`, year: 2001 };
    return { name: letterboxdTitle(f.title), year: f.year === null ? '' : r < 0.05 ? f.year + 1 : f.year };
  };
  const halfStars = () => (1 + Math.floor(rng() * 10)) / 2;
  const nRatings = Math.round(rows * 0.8);
  const nDiary = Math.round(rows * 0.1);
  const nWatchlist = rows - nRatings - nDiary;
  const ratings = ['Date,Name,Year,Letterboxd URI,Rating'];
  for (let i = 0; i < nRatings; i++) {
    const f = name(pick());
    const bad = rng() < 0.005;
    ratings.push(csvLine([date(), f.name, f.year, `https://boxd.it/g${i}`, bad ? '7' : halfStars()]));
  }
  const diary = ['Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date'];
  for (let i = 0; i < nDiary; i++) {
    const f = name(pick());
    const d = date();
    diary.push(csvLine([d, f.name, f.year, `https://boxd.it/d${i}`, halfStars(), rng() < 0.1 ? 'Yes' : '', '', d]));
  }
  const watchlist = ['Date,Name,Year,Letterboxd URI'];
  for (let i = 0; i < nWatchlist; i++) {
    const f = name(pick());
    watchlist.push(csvLine([date(), f.name, f.year, `https://boxd.it/w${i}`]));
  }
  return zipSync({
    'letterboxd-bench/ratings.csv': strToU8(ratings.join('\n') + '\n'),
    'letterboxd-bench/diary.csv': strToU8(diary.join('\n') + '\n'),
    'letterboxd-bench/watchlist.csv': strToU8(watchlist.join('\n') + '\n'),
  });
}

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
  // The first preview also builds the matcher's catalogue index (once per catalogue version); timed apart.
  const warm = await time('preview (first, builds the catalogue index)', () =>
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
  const summary = await time('confirm (one transaction)', () =>
    confirmHistoryImport(member.id, { importId: first, conflicts: 'keep', perRow: {}, picks: {} }),
  );
  log(`summary ${JSON.stringify(summary)}`);
  const again = await time('re-import preview', () => previewHistoryImport(member.id, 'letterboxd-bench.zip', file));
  const noop = await time('re-import confirm (no-op)', () =>
    confirmHistoryImport(member.id, { importId: again, conflicts: 'keep', perRow: {}, picks: {} }),
  );
  void warm;
  const out = {
    mode,
    rows: ROWS,
    fileBytes: file.byteLength,
    counts,
    timings,
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
