/**
 * Search latency on the demo catalogue, on either database: `searchCatalogue` (the trigram query for movies and people,
 * ranking, cards) timed over a fixed list of queries, plus the query plan of the movie query. Issue #22.
 *
 *   flock /tmp/bench.lock npx tsx --conditions=react-server scripts/measure-search.ts --mode server|embedded
 *
 * server: a fresh reel_search_<random> database on DATABASE_URL's server (default postgresql://postgres@127.0.0.1:5432/test),
 * dropped afterwards; embedded: an in-memory PGlite behind the socket server, as `npm start` runs it. Imports the
 * catalogue from DATA_DIR (default ../shared/data). Writes results/search/<date>-<mode>.json.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: { mode: { type: 'string', default: 'server' }, repeats: { type: 'string', default: '7' } },
});
const mode = args.mode === 'embedded' ? 'embedded' : 'server';
const QUERIES = [
  'the matrix',
  'godfater',
  'shawshank',
  'amelie',
  'star wars',
  'the lord of the rings',
  'tom hanks',
  'villeneuve',
  'spirited away',
  'x-men',
];
const log = (line: string) => console.log(`[search ${new Date().toISOString().slice(11, 19)}] ${line}`);

let url: string;
let stopEmbedded: (() => Promise<void>) | null = null;
if (mode === 'embedded') {
  const { startEmbeddedPostgres } = await import('../lib/db/embedded');
  const pg = await startEmbeddedPostgres(null);
  url = pg.url;
  stopEmbedded = pg.stop;
} else {
  const server = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
  url = server.replace(/\/[^/?]*(\?|$)/, `/reel_search_${randomBytes(4).toString('hex')}$1`);
}
process.env.DATABASE_URL = url;
process.env.DATA_DIR ??= resolve('..', 'shared', 'data');
process.env.NEXTAUTH_SECRET ??= 'measure-search-secret-0123456789abcdef';
process.env.LOG_LEVEL ??= 'warn';

const { ensureDatabase, dropDatabase } = await import('../lib/db/ensure-database');
const { migrate } = await import('../lib/db/migrate');
try {
  if (mode === 'server') await ensureDatabase(url);
  await migrate(url, resolve('prisma', 'migrations'));
  const { importCatalogue } = await import('../lib/server/services/catalogue-import');
  const report = await importCatalogue(process.env.DATA_DIR);
  log(`${mode}: imported ${report.movies} movies in ${report.seconds.toFixed(0)} s`);
  const { searchCatalogue } = await import('../lib/server/data/search');
  const rows: {
    query: string;
    topMovie: string | null;
    topPerson: string | null;
    medianMs: number;
    minMs: number;
    maxMs: number;
  }[] = [];
  for (const q of QUERIES) {
    const times: number[] = [];
    let first: Awaited<ReturnType<typeof searchCatalogue>> | null = null;
    for (let r = 0; r < Number(args.repeats); r++) {
      const t0 = performance.now();
      const res = await searchCatalogue(q, { movies: 24, people: 8 });
      times.push(performance.now() - t0);
      first ??= res;
    }
    times.sort((a, b) => a - b);
    rows.push({
      query: q,
      topMovie: first?.movies[0]?.title ?? null,
      topPerson: first?.people[0]?.name ?? null,
      medianMs: Number(times[Math.floor(times.length / 2)].toFixed(1)),
      minMs: Number(times[0].toFixed(1)),
      maxMs: Number(times.at(-1)!.toFixed(1)),
    });
    log(`${q}: median ${rows.at(-1)!.medianMs} ms → ${rows.at(-1)!.topMovie} / ${rows.at(-1)!.topPerson ?? '—'}`);
  }
  const { explainMovieSearch } = await import('../lib/server/data/search');
  const plan = await explainMovieSearch('godfater');
  const result = {
    date: new Date().toISOString(),
    mode,
    note: 'Shared 2-core machine; other helpers were running builds and tests (1-minute load average recorded).',
    loadAverage1m: Number(loadavg()[0].toFixed(2)),
    repeats: Number(args.repeats),
    queries: rows,
    moviePlan: plan,
  };
  mkdirSync(resolve('results', 'search'), { recursive: true });
  const out = resolve('results', 'search', `${result.date.replace(/[:.]/g, '-')}-${mode}.json`);
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  log(`written to ${out}`);
} finally {
  // The app's pool stays open (scripts do not reach the client itself); drop the database over its own connection.
  if (mode === 'server')
    await dropDatabase(url).catch((err) => log(`could not drop ${url}: ${(err as Error).message}`));
  if (stopEmbedded) await stopEmbedded().catch(() => undefined);
}
process.exit(0);
