import 'server-only';
import pg from 'pg';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { env, requireDatabaseUrl } from '@/lib/env';

/**
 * Sign-in and sign-up throttling, stored in PostgreSQL (table `rate_limit`, made by a migration) so the counts
 * survive a restart and hold across several app processes. rate-limiter-flexible's RateLimiterPostgres does the
 * atomic upsert per attempt; the app never creates tables at run time (`tableCreated: true`).
 *
 * Every attempt is counted BEFORE the password is checked, so parallel guesses cannot slip past a check-then-count
 * race; a successful sign-in clears the account's count and gives the IP its point back.
 */
export const THROTTLE_TABLE = 'rate_limit';

export interface AuthLimiters {
  signInAccount: RateLimiterPostgres;
  signInIp: RateLimiterPostgres;
  signUpIp: RateLimiterPostgres;
}

export interface ThrottleLimits {
  signInPerAccount: number;
  signInPerIp: number;
  signUpPerIp: number;
}

export function defaultLimits(): ThrottleLimits {
  return {
    signInPerAccount: env.THROTTLE_SIGNIN_PER_ACCOUNT,
    signInPerIp: env.THROTTLE_SIGNIN_PER_IP,
    signUpPerIp: env.THROTTLE_SIGNUP_PER_IP,
  };
}

/** Limiters on `pool` (a new process makes new ones; the counts stay in the table). */
export function createAuthLimiters(pool: pg.Pool, limits: ThrottleLimits = defaultLimits()): AuthLimiters {
  // The library names its prepared statements. On the embedded database every connection shares one PGlite
  // session, so a second connection preparing the same name fails (and can wedge the socket); unnamed statements
  // cost one parse each, which is nothing next to an argon2 check.
  const unnamed = { query: (q: pg.QueryConfig) => pool.query({ text: q.text, values: q.values }) };
  const common = {
    storeClient: unnamed,
    storeType: 'pool',
    tableName: THROTTLE_TABLE,
    tableCreated: true,
    clearExpiredByTimeout: false,
  } as const;
  return {
    // 10 attempts per account per 15 minutes; the 11th is refused until the window ends.
    signInAccount: new RateLimiterPostgres({
      ...common,
      keyPrefix: 'signin_acct',
      points: limits.signInPerAccount,
      duration: 15 * 60,
    }),
    signInIp: new RateLimiterPostgres({
      ...common,
      keyPrefix: 'signin_ip',
      points: limits.signInPerIp,
      duration: 15 * 60,
    }),
    signUpIp: new RateLimiterPostgres({
      ...common,
      keyPrefix: 'signup_ip',
      points: limits.signUpPerIp,
      duration: 60 * 60,
    }),
  };
}

const globalForThrottle = globalThis as unknown as { reelThrottle?: { pool: pg.Pool; limiters: AuthLimiters } };

/** The process's limiters on a small pool of their own (two connections: one statement per attempt). */
export function authLimiters(): AuthLimiters {
  if (!globalForThrottle.reelThrottle) {
    const pool = new pg.Pool({ connectionString: requireDatabaseUrl(), max: 2, idleTimeoutMillis: 30_000 });
    // A dropped connection (database restart) must not crash the process; the next query reconnects.
    pool.on('error', (err) => console.error('[throttle] idle connection error:', err.message));
    globalForThrottle.reelThrottle = { pool, limiters: createAuthLimiters(pool) };
  }
  return globalForThrottle.reelThrottle.limiters;
}

/** True for a ThrottledError, also one from another copy of this module (see isLimiterRefusal). */
export function isThrottledError(err: unknown): err is ThrottledError {
  return err instanceof ThrottledError || (err instanceof Error && err.name === 'ThrottledError');
}

export class ThrottledError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(throttleMessage(retryAfterSeconds));
    this.name = 'ThrottledError';
  }
}

export function throttleMessage(retryAfterSeconds: number): string {
  return `Too many attempts — try again in ${retryAfterSeconds} s.`;
}

/**
 * A limiter's "no" (a RateLimiterRes), recognised by shape: when the package is bundled more than once (Next's
 * server bundle and the module graph of scripts/server.ts), `instanceof` can see two different classes.
 */
function isLimiterRefusal(err: unknown): err is RateLimiterRes {
  if (err instanceof RateLimiterRes) return true;
  const o = err as Partial<RateLimiterRes> | null;
  return (
    typeof o === 'object' &&
    o !== null &&
    !(o instanceof Error) &&
    typeof o.msBeforeNext === 'number' &&
    typeof o.remainingPoints === 'number'
  );
}

/** Consumes one point per key; throws ThrottledError (with the longest wait) when any limiter is exhausted. */
export async function consumeAll(entries: [RateLimiterPostgres, string][]): Promise<void> {
  let waitMs = 0;
  for (const [limiter, key] of entries) {
    try {
      await limiter.consume(key);
    } catch (err) {
      if (isLimiterRefusal(err)) waitMs = Math.max(waitMs, err.msBeforeNext);
      else throw err;
    }
  }
  if (waitMs > 0) throw new ThrottledError(Math.max(1, Math.ceil(waitMs / 1000)));
}

/** Keys are normalised and capped so a long header or address cannot overflow the 255-character key column. */
export function throttleKey(value: string): string {
  return value.trim().toLowerCase().slice(0, 200);
}

/**
 * The caller's IP from request headers. scripts/server.ts replaces X-Forwarded-For with the socket's address unless
 * TRUST_PROXY=1, so a client cannot pick its own key.
 */
export function clientIp(headers: Headers | Record<string, unknown> | undefined): string {
  const read = (name: string): string | undefined => {
    if (!headers) return undefined;
    if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
    const v = (headers as Record<string, unknown>)[name];
    return Array.isArray(v) ? String(v[0]) : typeof v === 'string' ? v : undefined;
  };
  const forwarded = read('x-forwarded-for')?.split(',')[0]?.trim();
  return throttleKey(forwarded || read('x-real-ip') || 'unknown');
}
