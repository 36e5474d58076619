import 'server-only';
import type { ActionFailure } from '@/lib/validation/action-result';
import { AppError, isBusyError } from './errors';

/** The expected-failure codes (shared with ActionResult) plus INTERNAL for everything unexpected. */
export type ErrorCode = NonNullable<ActionFailure['code']>;

/**
 * The one mapping from error codes to HTTP statuses, used by every route handler (through `withHttpErrors` or
 * `toHttpError`) and by the For You API's framework-neutral handler. A new code fails the type-check until it has
 * a status here.
 */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  INVALID: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  BUSY: 503,
  INTERNAL: 500,
};

/** What an unexpected failure tells the client: nothing about the cause (that goes to the server log). */
export const INTERNAL_ERROR_MESSAGE = 'Something went wrong on our side. Please try again in a moment.';

export interface HttpError {
  status: number;
  body: { error: string; code: ErrorCode };
}

/** An expected failure with a message for the client (e.g. a bad query parameter → 400). */
export function httpError(code: ErrorCode, message: string): HttpError {
  return { status: HTTP_STATUS[code], body: { error: message, code } };
}

/**
 * Any thrown value as an HTTP error: an AppError keeps its code and user-safe message; anything else is logged with
 * its cause (and `context`, e.g. "GET /api/admin/status") and becomes a 500 with a generic message, never the
 * error's own message or stack.
 */
export function toHttpError(err: unknown, context: string): HttpError {
  if (err instanceof AppError) return httpError(err.code, err.message);
  // A transaction timeout or a dropped connection is "busy, try again", not a bug (issue 19).
  if (isBusyError(err)) return httpError('BUSY', 'Reel is busy — try again in a moment.');
  console.error(`[http] ${context} failed:`, err);
  return { status: 500, body: { error: INTERNAL_ERROR_MESSAGE, code: 'INTERNAL' } };
}

/** An HttpError as a JSON response (never cached: errors describe this request only). */
export function errorResponse(e: HttpError): Response {
  return Response.json(e.body, { status: e.status, headers: { 'cache-control': 'no-store' } });
}

/**
 * Wraps a route handler so that whatever it throws becomes the mapped JSON error: `requireAdmin()` failing is a
 * 401/403, a NotFoundError a 404, a bug a logged 500 with a generic body.
 *
 *   export const GET = withHttpErrors(async (req: Request) => Response.json(await load()));
 */
export function withHttpErrors<Req extends Request, Ctx>(
  handler: (req: Req, ctx: Ctx) => Promise<Response>,
): (req: Req, ctx: Ctx) => Promise<Response> {
  return async (req, ctx) => {
    try {
      return await handler(req, ctx);
    } catch (err) {
      return errorResponse(toHttpError(err, `${req.method} ${new URL(req.url).pathname}`));
    }
  };
}
