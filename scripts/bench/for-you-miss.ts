/**
 * Cache-miss For You, in process: the CPU one `GET /api/for-you` miss costs this process (the feed as the app builds
 * it — the member's signals and dismissals from the database, fold-in, scoring, MMR, reasons, cards — and its JSON),
 * on a database kept by `npm run bench -- --keep` (ML-1M shape, 50 members). Like the HTTP scenario's misses, each
 * request has a random diversity. PostgreSQL's own CPU is not counted (as in the HTTP bench).
 *
 *   tsx --conditions=react-server scripts/bench/for-you-miss.ts --db <kept url> [--rounds 6] [--dump feeds.json]
 *
 * `--dump` writes every built page (the same requests in the same order every run, seed fixed) so two code versions can
 * be compared for identical lists. Writes results/bench/<date>-for-you-miss.json unless --no-save.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string' },
    rounds: { type: 'string', default: '6' },
    dump: { type: 'string' },
    'no-save': { type: 'boolean', default: false },
  },
});
if (!args.db) throw new Error('--db <url of a database kept by `npm run bench -- --keep`> is required');
process.env.DATABASE_URL = args.db; // before any lib/server import: lib/env reads it once
process.env.DB_POOL_MAX ??= '4';

const log = (line: string) => process.stderr.write(`[for-you-miss] ${line}\n`);
const { createRng } = await import('../../lib/recommender/core/rng');
const { db } = await import('../../lib/server/db');
const { getServingModel } = await import('../../lib/server/services/model-cache');
const { buildForYouFeed } = await import('../../lib/server/services/for-you');
const { FeedQuery } = await import('../../lib/validation/feed');

const members = (
  await db.user.findMany({
    where: { email: { endsWith: '@bench.reel.local' } },
    select: { id: true },
    orderBy: { id: 'asc' },
  })
).map((u) => u.id);
if (members.length === 0) throw new Error(`${args.db} has no bench members`);
const rssBefore = process.memoryUsage().rss;
const loadStart = performance.now();
const loaded = await getServingModel();
const loadSeconds = (performance.now() - loadStart) / 1000;
if (!loaded) throw new Error('no active model');
const rssAfterLoad = process.memoryUsage().rss;
/** Bytes of every typed array reachable from the served model (each buffer once): its memory as served. */
function typedArrayBytes(root: unknown): number {
  const seen = new Set<unknown>();
  const buffers = new Set<ArrayBufferLike>();
  const walk = (x: unknown): void => {
    if (x === null || typeof x !== 'object' || seen.has(x)) return;
    seen.add(x);
    if (ArrayBuffer.isView(x)) {
      buffers.add(x.buffer);
      return;
    }
    for (const v of Object.values(x)) walk(v);
  };
  walk(root);
  let total = 0;
  for (const b of buffers) total += b.byteLength;
  return total;
}
log(`${members.length} members, model ${loaded.versionId}: ${loaded.model.itemIds.length} items`);

const rounds = Number(args.rounds);
const rng = createRng(7);
// The same requests every run: member, diversity (two decimals, as a client would send).
const requests = Array.from({ length: rounds * members.length }, (_, r) => ({
  member: members[r % members.length],
  diversity: Math.round(rng.next() * 100) / 100,
}));
const warm = 2 * members.length;
const cpuMs: number[] = [];
const wallMs: number[] = [];
const pages: unknown[] = [];
for (let r = 0; r < requests.length; r++) {
  const { member, diversity } = requests[r];
  const c = process.cpuUsage();
  const t = performance.now();
  const page = await buildForYouFeed(member, FeedQuery.parse({ diversity }));
  const json = JSON.stringify(page);
  const wall = performance.now() - t;
  const used = process.cpuUsage(c);
  if (r >= warm) {
    cpuMs.push((used.user + used.system) / 1000);
    wallMs.push(wall);
  }
  if (args.dump) pages.push({ member, diversity, page: JSON.parse(json) });
}

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return {
    n: s.length,
    mean: Number((s.reduce((a, b) => a + b, 0) / s.length).toFixed(3)),
    p50: Number(q(0.5).toFixed(3)),
    p90: Number(q(0.9).toFixed(3)),
    p99: Number(q(0.99).toFixed(3)),
  };
}
let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
} catch {
  // not a git checkout
}
const doc = {
  benchmark: 'cache-miss For You in process (buildForYouFeed + JSON), CPU of this process per request',
  date: new Date().toISOString(),
  commit,
  items: loaded.model.itemIds.length,
  members: members.length,
  requests: requests.length,
  warmUpRequests: warm,
  modelLoad: {
    /** getServingModel() on a cold process: active id, artifacts read and viewed, serving path warmed. */
    seconds: Number(loadSeconds.toFixed(3)),
    rssDeltaMb: Math.round((rssAfterLoad - rssBefore) / 1e6),
    servedModelTypedArrayMb: Number((typedArrayBytes(loaded.model) / 1e6).toFixed(1)),
  },
  cpuMs: stats(cpuMs),
  wallMs: stats(wallMs),
  loadAverage: loadavg().map((x) => Number(x.toFixed(2))),
};
log(
  `CPU per miss: mean ${doc.cpuMs.mean} / p50 ${doc.cpuMs.p50} / p90 ${doc.cpuMs.p90} ms; wall p50 ${doc.wallMs.p50} ms (load ${doc.loadAverage.join(' ')})`,
);
if (args.dump) writeFileSync(args.dump, JSON.stringify(pages) + '\n');
if (!args['no-save']) {
  const dir = resolve('results', 'bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${doc.date.slice(0, 19).replace(/:/g, '-')}-for-you-miss.json`);
  writeFileSync(file, JSON.stringify(doc, null, 1) + '\n');
  log(`wrote ${file}`);
}
process.stdout.write(JSON.stringify(doc) + '\n');
await db.$disconnect();
process.exit(0);
