/**
 * What every server action returns (client-safe: no server imports). Expected failures are values with a message a
 * member can act on; `retryable` marks a busy database ("try again") that the client may retry once.
 */
export type ActionResult<T = undefined> =
  | (T extends undefined ? { ok: true; data?: undefined } : { ok: true; data: T })
  | ActionFailure;

export interface ActionFailure {
  ok: false;
  error: string;
  code?: 'INVALID' | 'UNAUTHORIZED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'BUSY' | 'RATE_LIMITED';
  /** Per-field messages for forms: the first problem of each field. */
  fieldErrors?: Record<string, string>;
  retryable?: boolean;
}
