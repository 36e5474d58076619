/**
 * The ratings export a Spark MLlib ALS job reads (`npm run model:export-ratings`, docs/SCALING.md): CSV part files
 * with a header line `userId,movieId,rating`, in (userId, movieId) order, and the Spark ALS settings that correspond
 * to Reel's in-process implicit ALS. Pure: the script streams the text to files.
 */

/** Header of every part file (Spark's CSV reader with `header=true` drops it in each file). */
export const RATINGS_CSV_HEADER = 'userId,movieId,rating';

/**
 * The CSV lines of rows [from, to) as text chunks of about `linesPerChunk` lines, header first. Ratings print in
 * their shortest form (4.5, 3), which `rating FLOAT` parses exactly for half stars. O(to − from).
 */
export function* ratingsCsvChunks(
  userIds: Int32Array,
  movieIds: Int32Array,
  values: Float32Array,
  from: number,
  to: number,
  linesPerChunk = 16_384,
): Generator<string> {
  let out = RATINGS_CSV_HEADER + '\n';
  let n = 0;
  for (let r = from; r < to; r++) {
    out += `${userIds[r]},${movieIds[r]},${values[r]}\n`;
    if (++n === linesPerChunk) {
      yield out;
      out = '';
      n = 0;
    }
  }
  if (out !== '') yield out;
}

/** The in-process ALS settings the export maps (lib/recommender's implicit ALS config, passed in by the caller). */
export interface InProcessAls {
  factors: number;
  iterations: number;
  /** λ on every row of both factor matrices. */
  reg: number;
  alpha: number;
  /** Ratings ≥ threshold are positives (confidence 1 + α); the rest are dropped. */
  threshold: number;
}

/** Spark ML `ALS` params (org.apache.spark.ml.recommendation.ALS) for the same model, with how they were derived. */
export interface SparkAlsSettings {
  implicitPrefs: true;
  rank: number;
  maxIter: number;
  regParam: number;
  alpha: number;
  nonnegative: false;
  coldStartStrategy: 'drop';
  /** Filter the job applies before fitting: rows with rating ≥ threshold, with rating replaced by 1.0. */
  threshold: number;
  /** Median positives per user and per item, and the regParam that would match Reel's λ on the item side instead. */
  medianPositivesPerUser: number;
  medianPositivesPerItem: number;
  regParamItemSide: number;
}

function median(counts: Iterable<number>): number {
  const a = Float64Array.from(counts).sort();
  if (a.length === 0) return 0;
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
}

/**
 * Spark ALS settings matching the in-process model. Spark's implicit ALS solves each user with λ_s·n_u (n_u = the
 * user's positive ratings: "Weight lambda by the number of explicit ratings based on the ALS-WR paper", ALS.scala
 * computeFactors) and each item with λ_s·n_i, while Reel uses one λ everywhere. No λ_s matches both; regParam =
 * λ / median n_u gives the typical member the same penalty in Spark's user solve as in Reel's request-time fold-in
 * (which keeps λ), so the imported item factors and the fold-in agree. Rounded to 4 significant digits.
 * O(nnz + (users + items) log(users + items)).
 */
export function sparkAlsSettings(
  userIds: Int32Array,
  movieIds: Int32Array,
  values: Float32Array,
  als: InProcessAls,
): SparkAlsSettings {
  const perUser = new Map<number, number>();
  const perItem = new Map<number, number>();
  for (let r = 0; r < values.length; r++) {
    if (!(values[r] >= als.threshold)) continue;
    perUser.set(userIds[r], (perUser.get(userIds[r]) ?? 0) + 1);
    perItem.set(movieIds[r], (perItem.get(movieIds[r]) ?? 0) + 1);
  }
  const mu = median(perUser.values());
  const mi = median(perItem.values());
  const round = (x: number) => Number(x.toPrecision(4));
  return {
    implicitPrefs: true,
    rank: als.factors,
    maxIter: als.iterations,
    regParam: mu > 0 ? round(als.reg / mu) : als.reg,
    alpha: als.alpha,
    nonnegative: false,
    coldStartStrategy: 'drop',
    threshold: als.threshold,
    medianPositivesPerUser: mu,
    medianPositivesPerItem: mi,
    regParamItemSide: mi > 0 ? round(als.reg / mi) : als.reg,
  };
}
