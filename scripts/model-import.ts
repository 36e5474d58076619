/**
 * `npm run model:import`: the scale-out trainer contract (docs/SCALING.md). Reads an ALS model written by Spark
 * MLlib — the directory `ALSModel.save(path)` writes (metadata + Parquet factors), or the two factor DataFrames
 * `ALSModel.itemFactors` / `userFactors` written as Parquet, JSON lines or CSV — validates every row, then trains
 * the rest of the serving model around them (kNN and content neighbours, popularity, blend) and stores it as a new
 * model version, activated when its validation metrics are within tolerance of the active one.
 *
 *   npm run model:import -- --model DIR [--reg λ] [--alpha α]
 *   npm run model:import -- --item-factors DIR_OR_FILE --user-factors DIR_OR_FILE [--format parquet|jsonl|csv]
 *                           [--reg λ] [--alpha α]
 *
 * Nothing is written when a file is malformed: the message names the file and line.
 */
import { parseArgs } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'dotenv';
import { LOCAL_ENV_FILE } from './local-env';
import {
  readSparkAlsModel,
  readSparkFactors,
  SparkFactorsError,
  type FactorTable,
  type SparkFactorFormat,
} from '../lib/recommender/io/spark-factors';
import { DEFAULT_IMPLICIT_ALS } from '../lib/recommender/algorithms/implicit-als';
import type { ExternalFactors } from '../lib/recommender/serving';

const HELP = `npm run model:import -- --model DIR [--reg λ] [--alpha α]
npm run model:import -- --item-factors PATH --user-factors PATH [--format parquet|jsonl|csv] [--reg λ] [--alpha α]
  --model DIR    the directory ALSModel.save(DIR) wrote: metadata/, userFactors/, itemFactors/ (Parquet), each
                 with its _SUCCESS; the metadata rank must equal the features' length
  PATH           a file, or a Spark output directory (all part-* files, which needs its _SUCCESS; .crc files are
                 ignored); .gz, .deflate and Hadoop .snappy text parts are decompressed
  --format       parquet (df.write.parquet), jsonl (df.write.json) or csv (id,features with features as
                 "[a,b,…]", [a;b;…] or a;b;…); default: from the part files' extensions
  --reg          λ the live fold-in uses with these item factors (default ${DEFAULT_IMPLICIT_ALS.reg})
  --alpha        confidence weight α of the fold-in (default ${DEFAULT_IMPLICIT_ALS.alpha})
                 (ALSModel.save stores neither regParam nor alpha: they are estimator params; see docs/SCALING.md)
Imports into the database in DATABASE_URL.`;

function fail(message: string, code = 1): never {
  process.stderr.write(`[model:import] ${message}\n`);
  process.exit(code);
}

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    'item-factors': { type: 'string' },
    'user-factors': { type: 'string' },
    format: { type: 'string' },
    reg: { type: 'string' },
    alpha: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(HELP + '\n');
  process.exit(0);
}
if (values.model !== undefined && (values['item-factors'] || values['user-factors'] || values.format)) {
  fail(
    `--model reads the whole ALSModel.save directory: leave out --item-factors, --user-factors and --format\n${HELP}`,
    2,
  );
}
if (values.model === undefined && (!values['item-factors'] || !values['user-factors']))
  fail(`pass --model, or both --item-factors and --user-factors\n${HELP}`, 2);
if (values.format !== undefined && !['parquet', 'jsonl', 'csv'].includes(values.format))
  fail(`--format must be parquet, jsonl or csv, not "${values.format}"`, 2);
const positive = (s: string | undefined, name: string, fallback: number): number => {
  if (s === undefined) return fallback;
  const n = Number(s);
  if (!Number.isFinite(n) || n <= 0) fail(`--${name} must be a positive number, not "${s}"`, 2);
  return n;
};
const reg = positive(values.reg, 'reg', DEFAULT_IMPLICIT_ALS.reg);
const alpha = positive(values.alpha, 'alpha', DEFAULT_IMPLICIT_ALS.alpha);
const format = values.format as SparkFactorFormat | undefined;

// Settings from .env.local (real env wins), without generating the secrets `npm start` would.
if (existsSync(LOCAL_ENV_FILE)) {
  for (const [k, v] of Object.entries(parse(readFileSync(LOCAL_ENV_FILE)))) process.env[k] ??= v;
}
if (!process.env.DATABASE_URL) fail('Set DATABASE_URL to the database to import into.', 2);

let external: ExternalFactors;
try {
  const t = performance.now();
  let items: FactorTable;
  let users: FactorTable;
  if (values.model !== undefined) {
    const model = await readSparkAlsModel(values.model);
    ({ items, users } = model);
    const cols = model.metadata.paramMap;
    console.log(
      `[model:import] ${model.metadata.class} ${model.metadata.uid} from Spark ${model.metadata.sparkVersion}, rank ${model.metadata.rank}` +
        (cols.userCol || cols.itemCol
          ? ` (userCol ${String(cols.userCol ?? 'user')}, itemCol ${String(cols.itemCol ?? 'item')})`
          : ''),
    );
  } else {
    items = await readSparkFactors(values['item-factors']!, format);
    users = await readSparkFactors(values['user-factors']!, format);
    if (items.k !== users.k) {
      throw new SparkFactorsError(
        `item factors have k = ${items.k} but user factors have k = ${users.k}`,
        values['user-factors']!,
        0,
      );
    }
  }
  external = {
    k: items.k,
    itemIds: items.ids,
    itemFactors: items.factors,
    userIds: users.ids,
    userFactors: users.factors,
    reg,
    alpha,
  };
  console.log(
    `[model:import] read ${items.ids.length} item and ${users.ids.length} user factor rows (k = ${items.k}) from ` +
      `${items.files.length + users.files.length} files in ${((performance.now() - t) / 1000).toFixed(2)} s`,
  );
} catch (err) {
  if (err instanceof SparkFactorsError) fail(`${err.message}\nNothing was imported.`);
  throw err;
}

const { recomputeModel, SERVING_ALGORITHM } = await import('../lib/server/services/model-training');
const { countMoviesIn } = await import('../lib/server/data/movies');
const { disconnectDatabase } = await import('../lib/server/data/connection');
try {
  const known = await countMoviesIn(external.itemIds);
  if (known === 0)
    fail("none of the item ids is a movie in the catalogue: were the factors trained on this database's ratings?");
  if (known < external.itemIds.length)
    console.log(`[model:import] ${external.itemIds.length - known} item ids are not in the catalogue and are ignored`);
  const t = performance.now();
  const result = await recomputeModel({
    trigger: 'import',
    algorithm: `${SERVING_ALGORITHM}+spark-als`,
    externalFactors: external,
  });
  const metrics = Object.entries(result.metrics)
    .map(([k, v]) => `${k} ${v.toFixed(4)}`)
    .join(', ');
  console.log(
    `[model:import] model version ${result.versionId} ${result.activated ? 'is now active' : `was stored but not activated: ${result.reason}`} ` +
      `(${((performance.now() - t) / 1000).toFixed(1)} s; ${metrics})`,
  );
} finally {
  await disconnectDatabase();
}
