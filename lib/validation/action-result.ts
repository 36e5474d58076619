/**
 * What every server action returns (client-safe: no server imports). Expected failures are values with a message a
 * member can act on; `retryable` marks a busy database ("try again") that the client may retry once.
 */
export type ActionResult<T = undefined> =
  (T extends undefined ? { ok: true; data?: undefined } : { ok: true; data: T }) | ActionFailure;

export interface ActionFailure {
  ok: false;
  error: string;
  code?: 'INVALID' | 'UNAUTHORIZED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'BUSY' | 'RATE_LIMITED' | 'INTERNAL';
  /** Per-field messages for forms: the first problem of each field. */
  fieldErrors?: Record<string, string>;
  retryable?: boolean;
}

/** The message of a failure nobody expected (logged on the server with its id; no details reach the client). */
export const INTERNAL_ERROR_MESSAGE = 'Something went wrong on our side and nothing was saved. Try again in a moment.';
export const BUSY_MESSAGE = 'Reel is busy — try again.';

/**
 * Runs a server action and, when it answers "busy" (retryable), runs it once more after a short pause. For the
 * client's mutation helpers: a busy database is usually a moment's wait (issue 19).
 */
export async function withRetryOnBusy<R extends { ok: boolean; retryable?: boolean }>(
  call: () => Promise<R>,
  delayMs = 400,
): Promise<R> {
  const first = await call();
  if (first.ok || !first.retryable) return first;
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  return call();
}
