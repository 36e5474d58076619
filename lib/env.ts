import { z } from 'zod';

// The only reader of process.env. Parsed once; a bad variable stops the boot with a message naming it.
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** Unset → `npm start` runs an embedded PostgreSQL (PGlite) and passes its URL to the server. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /** Where the embedded database keeps its files (default .data/pglite). */
  PGLITE_DATA_DIR: z.string().min(1).optional(),
  /** Max connections of the app's Prisma pool. */
  DB_POOL_MAX: z.coerce.number().int().min(1).max(100).default(5),
  NEXTAUTH_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters (npm start generates one into .env.local)')
    .optional(),
  NEXTAUTH_URL: z.url().optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Folder with movielens/ and tmdb/ (see README); defaults to ../shared/data when present. */
  DATA_DIR: z.string().min(1).optional(),
  /** Where the official ml-latest-small.zip is fetched from when no data folder exists. */
  MOVIELENS_URL: z.url().default('https://files.grouplens.org/datasets/movielens/ml-latest-small.zip'),
  /** When set, the downloaded archive must have this sha256 (hex). */
  MOVIELENS_SHA256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be a hex sha256')
    .optional(),
  /** Base URL for real posters (e.g. https://image.tmdb.org/t/p/w342); unset → generated placeholders. */
  POSTER_BASE_URL: z.url().optional(),
  /** History imports with at least this many rows are confirmed by a background job with a progress bar. */
  IMPORT_JOB_MIN_ROWS: z.coerce.number().int().min(1).default(2000),
  /** Cron for the nightly model recompute (server local time). */
  MODEL_CRON: z.string().default('0 3 * * *'),
  /** Demo account passwords; `npm start` generates them into .env.local on first run. */
  REEL_DEMO_PASSWORD: z.string().min(10, 'must be at least 10 characters (the password policy)').optional(),
  REEL_ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters (the password policy)').optional(),
  /** A retrained model is activated only if its validation NDCG@10 is at least (1 − tolerance) × the active one's. */
  MODEL_TOLERANCE: z.coerce.number().min(0).max(1).default(0.05),
  /** Model versions whose tables are kept (older ones are archived). */
  MODEL_KEEP_VERSIONS: z.coerce.number().int().min(2).max(100).default(5),
  /** Lines of a model version's training log kept in the database (its error line is always kept). */
  MODEL_LOG_MAX_LINES: z.coerce.number().int().min(10).max(100_000).default(500),
  /** Uploaded or downloaded catalogue folders older than this are deleted when the worker starts. */
  CATALOGUE_UPLOAD_MAX_AGE_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 365)
    .default(24),
  /** Rejected rows of a catalogue dry run or reload kept for the downloadable CSV (per file group; the count is exact). */
  CATALOGUE_MAX_REJECT_ROWS: z.coerce.number().int().min(100).max(10_000_000).default(250_000),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** 1 when a reverse proxy in front of the server sets X-Forwarded-For / X-Forwarded-Proto (else they are replaced). */
  TRUST_PROXY: z.enum(['0', '1']).default('0'),
  /** Sign-in throttling: failed attempts per account per 15 min, per IP per 15 min; sign-ups per IP per hour. */
  THROTTLE_SIGNIN_PER_ACCOUNT: z.coerce.number().int().min(1).max(10_000).default(10),
  THROTTLE_SIGNIN_PER_IP: z.coerce.number().int().min(1).max(100_000).default(100),
  THROTTLE_SIGNUP_PER_IP: z.coerce.number().int().min(1).max(100_000).default(10),
  /** For You cache misses one member may cause per second (other requests wait for the cached pages). */
  FEED_MISSES_PER_SECOND: z.coerce.number().int().min(1).max(1_000).default(4),
});

export type Env = z.infer<typeof EnvSchema>;

export function parseEnv(source: Record<string, string | undefined>): Env {
  // Empty strings count as unset, as in most .env tooling.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

export const env: Env = parseEnv(process.env);

/** The app server always runs with a database URL (npm start provides the embedded one). */
export function requireDatabaseUrl(): string {
  if (!env.DATABASE_URL)
    throw new Error('DATABASE_URL is not set: start the app with `npm start`, which provides one.');
  return env.DATABASE_URL;
}
