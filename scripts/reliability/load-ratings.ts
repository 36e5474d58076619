// Load test for docs/RELIABILITY.md: N members rate movies through the real server action over HTTP for D seconds,
// one request at a time each (as a person clicking stars), against a running `npm start` on 127.0.0.1. Then every
// member's ratings are read back from the database and compared with the last value the server acknowledged for each
// movie: nothing lost, nothing duplicated. Prints latency p50/p99 and the error breakdown as JSON.
//
//   tsx scripts/reliability/load-ratings.ts --base http://127.0.0.1:3000 --db postgres://… [--members 50]
//     [--seconds 60] [--label server] [--out results/reliability/x.json]
//
// Members are created directly in the database (argon2 hashes, like sign-up) and sign in through next-auth's
// credentials endpoint, so the run measures rating writes, not sign-up throttling.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { hash } from '@node-rs/argon2';
import pg from 'pg';

const { values: args } = parseArgs({
  options: {
    base: { type: 'string', default: 'http://127.0.0.1:3000' },
    db: { type: 'string' },
    members: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '60' },
    label: { type: 'string', default: 'run' },
    out: { type: 'string' },
    movies: { type: 'string', default: '40' },
  },
});
const base = args.base!;
if (!/^https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(base)) throw new Error('--base must be a loopback URL');
const nMembers = Number(args.members);
const seconds = Number(args.seconds);

/** The id of rateMovieAction in the production build's server-action manifest. */
function rateActionId(): string {
  const manifest = JSON.parse(readFileSync(resolve('.next', 'server', 'server-reference-manifest.json'), 'utf8')) as {
    node: Record<string, { workers: Record<string, unknown>; exportedName?: string; filename?: string }>;
  };
  for (const [id, entry] of Object.entries(manifest.node)) {
    const inMoviePage = Object.keys(entry.workers).some((w) => w.includes('movies/[movieId]/page'));
    if (inMoviePage && entry.exportedName === 'rateMovieAction') return id;
  }
  throw new Error('rateMovieAction not found in .next/server/server-reference-manifest.json (build first)');
}

async function signIn(email: string, password: string): Promise<string> {
  const csrfRes = await fetch(`${base}/api/auth/csrf`);
  const csrfCookie = (csrfRes.headers.getSetCookie() ?? []).map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie },
    body: new URLSearchParams({ csrfToken, email, password, json: 'true' }),
  });
  const session = (res.headers.getSetCookie() ?? [])
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('next-auth.session-token='));
  if (!session) throw new Error(`sign-in failed for ${email}: HTTP ${res.status}`);
  return session;
}

const pct = (xs: number[], p: number) =>
  xs.length ? xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] : NaN;

async function main() {
  const pool = new pg.Pool({ connectionString: args.db, max: 2 });
  pool.on('error', () => {}); // an idle connection dropped by a database restart (the restart test does that)
  const actionId = rateActionId();
  const movieIds = (
    await pool.query<{ id: number }>(`SELECT id FROM "Movie" ORDER BY id LIMIT $1`, [Number(args.movies)])
  ).rows.map((r) => r.id);
  const tag = randomBytes(3).toString('hex');
  const password = `load-${randomBytes(9).toString('base64url')}`;
  const passwordHash = await hash(password);
  const members: { id: number; email: string; cookie: string }[] = [];
  for (let i = 0; i < nMembers; i++) {
    const email = `load-${tag}-${i}@reliability.reel.local`;
    const { rows } = await pool.query<{ id: number }>(
      `INSERT INTO "User" (name, email, "passwordHash", kind, "updatedAt") VALUES ($1, $2, $3, 'MEMBER', now()) RETURNING id`,
      [`Load ${i}`, email, passwordHash],
    );
    members.push({ id: rows[0].id, email, cookie: await signIn(email, password) });
  }
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  const timeline: { t: number; ok: boolean }[] = [];
  const acknowledged = new Map<string, number>(); // "user:movie" → last value the server confirmed
  let requests = 0;
  const t0 = Date.now();
  const end = t0 + seconds * 1000;
  await Promise.all(
    members.map(async (m, k) => {
      let step = k;
      while (Date.now() < end) {
        const movieId = movieIds[(step * 7 + k) % movieIds.length];
        const value = ((step + k) % 10) / 2 + 0.5;
        step++;
        const t = performance.now();
        let outcome = 'ok';
        try {
          const res = await fetch(`${base}/movies/${movieId}`, {
            method: 'POST',
            headers: {
              'next-action': actionId,
              'content-type': 'text/plain;charset=UTF-8',
              accept: 'text/x-component',
              origin: base,
              cookie: m.cookie,
            },
            body: JSON.stringify([{ movieId, value }]),
          });
          const text = await res.text();
          if (res.status !== 200) outcome = `HTTP ${res.status}`;
          else if (text.includes('"ok":true')) acknowledged.set(`${m.id}:${movieId}`, value);
          else outcome = /"code":"([A-Z_]+)"/.exec(text)?.[1] ?? 'not ok';
        } catch (err) {
          outcome = `network: ${(err as Error).message}`;
        }
        latencies.push(performance.now() - t);
        requests++;
        timeline.push({ t: Date.now() - t0, ok: outcome === 'ok' });
        if (outcome !== 'ok') errors[outcome] = (errors[outcome] ?? 0) + 1;
      }
    }),
  );
  const elapsed = (Date.now() - t0) / 1000;
  // Read back: every acknowledged (member, movie) holds the last acknowledged value; no extra rows, no duplicates.
  const ids = members.map((m) => m.id);
  const { rows } = await pool.query<{ userId: number; movieId: number; value: number }>(
    `SELECT "userId", "movieId", value FROM "Rating" WHERE "userId" = ANY($1::int[])`,
    [ids],
  );
  const seen = new Set<string>();
  let duplicates = 0;
  let lost = 0;
  let wrong = 0;
  for (const r of rows) {
    const key = `${r.userId}:${r.movieId}`;
    if (seen.has(key)) duplicates++;
    seen.add(key);
  }
  const inDb = new Map(rows.map((r) => [`${r.userId}:${r.movieId}`, r.value]));
  for (const [key, value] of acknowledged) {
    if (!inDb.has(key)) lost++;
    else if (inDb.get(key) !== value) wrong++;
  }
  const extra = [...inDb.keys()].filter((k) => !acknowledged.has(k)).length;
  latencies.sort((a, b) => a - b);
  // Longest stretch with no successful request (recovery time after an outage).
  let longestGapMs = 0;
  let lastOk = 0;
  for (const e of timeline.sort((a, b) => a.t - b.t))
    if (e.ok) {
      longestGapMs = Math.max(longestGapMs, e.t - lastOk);
      lastOk = e.t;
    }
  const report = {
    label: args.label,
    base,
    members: nMembers,
    seconds: Number(elapsed.toFixed(1)),
    requests,
    okWrites: requests - Object.values(errors).reduce((a, b) => a + b, 0),
    errors,
    rowsChecked: rows.length,
    acknowledgedPairs: acknowledged.size,
    lost,
    wrongValue: wrong,
    duplicates,
    unacknowledgedRowsPresent: extra,
    latencyMs: {
      p50: Number(pct(latencies, 50).toFixed(1)),
      p90: Number(pct(latencies, 90).toFixed(1)),
      p99: Number(pct(latencies, 99).toFixed(1)),
      max: Number(latencies.at(-1)?.toFixed(1)),
    },
    throughputPerSecond: Number((requests / elapsed).toFixed(1)),
    longestGapWithoutSuccessMs: longestGapMs,
  };
  console.log(JSON.stringify(report, null, 2));
  if (args.out) {
    mkdirSync(dirname(args.out), { recursive: true });
    writeFileSync(args.out, `${JSON.stringify(report, null, 2)}\n`);
  }
  await pool.query(`DELETE FROM "User" WHERE id = ANY($1::int[])`, [ids]);
  await pool.end();
}

await main();
