/**
 * How often a For You reason that names a movie ("Because you liked Aladdin") has real evidence behind it, over all
 * users: every imported MovieLens rater and every member. Issue #22.
 *
 *   npx tsx --conditions=react-server scripts/measure-reasons.ts [--db <url of a database with catalogue + model>]
 *
 * Without --db it creates reel_reasons_<random> on the server in DATABASE_URL (default
 * postgresql://postgres@127.0.0.1:5432/test), imports the catalogue from DATA_DIR (default ../shared/data), trains
 * the model, measures and drops the database. For each user it builds the first For You page (24 picks) twice: the
 * engine's raw reasons, and the reasons as served (lib/server/services/reasons.ts). Evidence = a shared director or
 * top-billed actor, genre overlap (Jaccard ≥ 0.5), or strong co-rating (≥ 5 raters liked both, ≥ 20 % of the named
 * movie's fans liked the pick, lift ≥ 1.5). Writes results/reasons/<date>.json.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({ options: { db: { type: 'string' }, limit: { type: 'string' } } });
const server = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const ownDb = !args.db;
const url = args.db ?? server.replace(/\/[^/?]*(\?|$)/, `/reel_reasons_${randomBytes(4).toString('hex')}$1`);
process.env.DATABASE_URL = url;
process.env.DATA_DIR ??= resolve('..', 'shared', 'data');
process.env.NEXTAUTH_SECRET ??= 'measure-reasons-secret-0123456789abcdef';
process.env.LOG_LEVEL ??= 'warn';
const log = (line: string) => console.log(`[reasons ${new Date().toISOString().slice(11, 19)}] ${line}`);

const { ensureDatabase, dropDatabase } = await import('../lib/db/ensure-database');
const { migrate } = await import('../lib/db/migrate');
try {
  if (ownDb) {
    await ensureDatabase(url);
    await migrate(url, resolve('prisma', 'migrations'));
    const { seed } = await import('../lib/server/services/seed');
    await seed({ demo: 'measure-demo-password', admin: 'measure-admin-password' }, log);
    const { recomputeModel } = await import('../lib/server/services/model-training');
    log('training the model …');
    const trained = await recomputeModel({ trigger: 'test' });
    log(`model v${trained.versionId} (activated: ${trained.activated})`);
  }
  const { buildForYouFeed } = await import('../lib/server/services/for-you');
  const { reasonEvidence, refineReasons } = await import('../lib/server/services/reasons');
  const { FeedQuery } = await import('../lib/validation/feed');
  const { listUserIdsWithRatings } = await import('../lib/server/data/evidence');
  const users = await listUserIdsWithRatings();
  const chosen = args.limit ? users.slice(0, Number(args.limit)) : users;
  const query = FeedQuery.parse({});
  const tally = {
    users: 0,
    picks: 0,
    raw: { naming: 0, supported: 0, byEvidence: { people: 0, genres: 0, 'co-rating': 0 } as Record<string, number> },
    served: { naming: 0, supported: 0, personReasons: 0, replaced: 0 },
  };
  const examples: { user: number; pick: string; rawReason: string; servedReason: string }[] = [];
  const t0 = Date.now();
  for (const userId of chosen) {
    const page = await buildForYouFeed(userId, query, { refineReasons: false });
    tally.users++;
    tally.picks += page.items.length;
    const naming = page.items.filter((i) => i.because != null);
    const evidence = await reasonEvidence(naming.map((i) => ({ pick: i.movie, named: i.because! })));
    tally.raw.naming += naming.length;
    evidence.forEach((e) => {
      if (e) {
        tally.raw.supported++;
        tally.raw.byEvidence[e]++;
      }
    });
    const served = await refineReasons(userId, page.items);
    const servedNaming = served.filter((i) => i.because != null);
    const servedEvidence = await reasonEvidence(servedNaming.map((i) => ({ pick: i.movie, named: i.because! })));
    tally.served.naming += servedNaming.length;
    tally.served.supported += servedEvidence.filter(Boolean).length;
    tally.served.personReasons += served.filter((i) =>
      /^(Directed by|With) .*, whose films you rate/.test(i.reason),
    ).length;
    served.forEach((item, x) => {
      if (item.reason !== page.items[x].reason) {
        tally.served.replaced++;
        if (examples.length < 15 && page.items[x].because != null)
          examples.push({
            user: userId,
            pick: item.movie.title,
            rawReason: page.items[x].reason,
            servedReason: item.reason,
          });
      }
    });
    if (tally.users % 100 === 0) log(`${tally.users}/${chosen.length} users`);
  }
  const share = (a: number, b: number) => (b === 0 ? null : Number((a / b).toFixed(4)));
  const result = {
    date: new Date().toISOString(),
    database: ownDb ? 'fresh PostgreSQL database, demo catalogue (ml-latest-small + TMDB), first model' : 'given --db',
    users: tally.users,
    picksPerUser: query.limit,
    seconds: Math.round((Date.now() - t0) / 1000),
    raw: {
      ...tally.raw,
      supportedShare: share(tally.raw.supported, tally.raw.naming),
      namingShareOfPicks: share(tally.raw.naming, tally.picks),
    },
    served: {
      ...tally.served,
      supportedShare: share(tally.served.supported, tally.served.naming),
      namingShareOfPicks: share(tally.served.naming, tally.picks),
    },
    examples,
  };
  mkdirSync(resolve('results', 'reasons'), { recursive: true });
  const out = resolve('results', 'reasons', `${result.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  log(
    `raw: ${tally.raw.supported}/${tally.raw.naming} movie-naming reasons supported (${((result.raw.supportedShare ?? 0) * 100).toFixed(1)} %)`,
  );
  log(
    `served: ${tally.served.supported}/${tally.served.naming} supported; ${tally.served.personReasons} person reasons; written to ${out}`,
  );
} finally {
  // The app's pool stays open (scripts do not reach the client itself); drop the database over its own connection.
  if (ownDb) await dropDatabase(url).catch((err) => log(`could not drop ${url}: ${(err as Error).message}`));
}
process.exit(0);
