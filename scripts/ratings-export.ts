/**
 * `npm run model:export-ratings`: writes Reel's ratings in the layout a Spark job reads (docs/SCALING.md), the
 * other half of the scale-out contract whose import is `npm run model:import`.
 *
 *   npm run model:export-ratings -- --out DIR [--rows-per-file N] [--gzip]
 *
 * DIR gets CSV part files `part-NNNNN-reel.csv[.gz]`, each with the header `userId,movieId,rating`, in (userId,
 * movieId) order: the same snapshot of every rating the nightly recompute trains on. `_reel-export.json` describes
 * the export and the Spark ALS settings that correspond to the in-process model; `_SUCCESS` is written last, as Spark
 * does (Spark's file listing skips names starting with `_`). DIR must not exist yet or be empty.
 */
import { parseArgs } from 'node:util';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { parse } from 'dotenv';
import { LOCAL_ENV_FILE } from './local-env';
import { ratingsCsvChunks, RATINGS_CSV_HEADER, sparkAlsSettings } from '../lib/recommender/io/spark-export';
import { DEFAULT_IMPLICIT_ALS } from '../lib/recommender/algorithms/implicit-als';

const DEFAULT_ROWS_PER_FILE = 5_000_000;
const HELP = `npm run model:export-ratings -- --out DIR [--rows-per-file N] [--gzip]
  --out            directory to create (or an empty one): CSV parts with header ${RATINGS_CSV_HEADER}, _reel-export.json, _SUCCESS
  --rows-per-file  ratings per part file (default ${DEFAULT_ROWS_PER_FILE.toLocaleString('en')}); Spark reads the parts in parallel
  --gzip           write part-NNNNN-reel.csv.gz (Spark decompresses by extension; a gzip file is not split)
Exports from the database in DATABASE_URL.`;

function fail(message: string, code = 1): never {
  process.stderr.write(`[model:export-ratings] ${message}\n`);
  process.exit(code);
}

const { values: args } = parseArgs({
  options: {
    out: { type: 'string' },
    'rows-per-file': { type: 'string' },
    gzip: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  process.stdout.write(HELP + '\n');
  process.exit(0);
}
if (!args.out) fail(`--out is required\n${HELP}`, 2);
const rowsPerFile = args['rows-per-file'] === undefined ? DEFAULT_ROWS_PER_FILE : Number(args['rows-per-file']);
if (!Number.isInteger(rowsPerFile) || rowsPerFile < 1)
  fail(`--rows-per-file must be a positive integer, not "${args['rows-per-file']}"`, 2);
const out = args.out;
if (existsSync(out) && readdirSync(out).length > 0)
  fail(`${out} is not empty: pick a new directory so old part files cannot mix with this export`, 2);

if (existsSync(LOCAL_ENV_FILE)) {
  for (const [k, v] of Object.entries(parse(readFileSync(LOCAL_ENV_FILE)))) process.env[k] ??= v;
}
if (!process.env.DATABASE_URL) fail('Set DATABASE_URL to the database to export from.', 2);

const { snapshotRatings } = await import('../lib/server/data/models');
const { disconnectDatabase } = await import('../lib/server/data/connection');
try {
  const t = performance.now();
  const { userIds, movieIds, values } = await snapshotRatings();
  const n = values.length;
  if (n === 0) fail('there are no ratings to export');
  mkdirSync(out, { recursive: true });
  const files: string[] = [];
  for (let from = 0, part = 0; from < n; from += rowsPerFile, part++) {
    const name = `part-${String(part).padStart(5, '0')}-reel.csv${args.gzip ? '.gz' : ''}`;
    const text = Readable.from(ratingsCsvChunks(userIds, movieIds, values, from, Math.min(n, from + rowsPerFile)));
    if (args.gzip) await pipeline(text, createGzip(), createWriteStream(join(out, name)));
    else await pipeline(text, createWriteStream(join(out, name)));
    files.push(name);
  }
  const spark = sparkAlsSettings(userIds, movieIds, values, DEFAULT_IMPLICIT_ALS);
  const manifest = {
    format: args.gzip ? 'csv.gz' : 'csv',
    header: RATINGS_CSV_HEADER,
    schema: 'userId INT, movieId INT, rating FLOAT',
    rows: n,
    users: new Set(userIds).size,
    movies: new Set(movieIds).size,
    files,
    exportedAt: new Date().toISOString(),
    inProcessAls: {
      factors: DEFAULT_IMPLICIT_ALS.factors,
      iterations: DEFAULT_IMPLICIT_ALS.iterations,
      reg: DEFAULT_IMPLICIT_ALS.reg,
      alpha: DEFAULT_IMPLICIT_ALS.alpha,
      threshold: DEFAULT_IMPLICIT_ALS.threshold,
      confidence: DEFAULT_IMPLICIT_ALS.confidence,
    },
    sparkAls: spark,
    importWith: `npm run model:import -- --model <ALSModel.save dir> --reg ${DEFAULT_IMPLICIT_ALS.reg} --alpha ${DEFAULT_IMPLICIT_ALS.alpha}`,
  };
  writeFileSync(join(out, '_reel-export.json'), JSON.stringify(manifest, null, 2) + '\n');
  writeFileSync(join(out, '_SUCCESS'), '');
  console.log(
    `[model:export-ratings] wrote ${n} ratings in ${files.length} file(s) to ${out} in ${((performance.now() - t) / 1000).toFixed(1)} s\n` +
      `[model:export-ratings] Spark ALS: implicitPrefs=true rank=${spark.rank} maxIter=${spark.maxIter} regParam=${spark.regParam} ` +
      `alpha=${spark.alpha} nonnegative=false coldStartStrategy=drop, on rows with rating >= ${spark.threshold} as 1.0 (docs/SCALING.md)`,
  );
} finally {
  await disconnectDatabase();
}
