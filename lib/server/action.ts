import 'server-only';
import { randomUUID } from 'node:crypto';
import { revalidatePath } from 'next/cache';
import { unstable_rethrow } from 'next/navigation';
import type { z } from 'zod';
import {
  BUSY_MESSAGE,
  INTERNAL_ERROR_MESSAGE,
  type ActionFailure,
  type ActionResult,
} from '@/lib/validation/action-result';
import { getCurrentUser } from './auth';
import type { SessionUser } from './data/users';
import { AppError, isBusyError } from './errors';

export type ActionAuth = 'public' | 'user' | 'admin';
type Ctx<A extends ActionAuth> = A extends 'public' ? { user: SessionUser | null } : { user: SessionUser };

export interface ActionOptions<A extends ActionAuth> {
  /** Who may call it. Checked here, on every call: a page's own check does not protect the endpoint. */
  auth: A;
  /** Paths to revalidate after a successful call. */
  revalidate?: string[];
  /** Name for the logs (defaults to the handler function's name). */
  name?: string;
}

/** FormData (a form post) or a plain object; FormData becomes an object with the last value of each key. */
function toObject(raw: unknown): unknown {
  if (typeof FormData !== 'undefined' && raw instanceof FormData) return Object.fromEntries(raw.entries());
  return raw;
}

/** zod issues → the first message overall and the first message per top-level field. */
export function invalidInput(error: z.ZodError): ActionFailure {
  const fieldErrors: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? '');
    if (key && !(key in fieldErrors)) fieldErrors[key] = issue.message;
  }
  return { ok: false, code: 'INVALID', error: error.issues[0]?.message ?? 'That request was not valid.', fieldErrors };
}

/**
 * Any failure as a value the client can show: an AppError with its own message; a busy database (transaction
 * timeout, write conflict, dropped connection — see isBusyError) as a retryable BUSY; anything else is logged
 * with an id and answered with a plain message (never a stack trace). Next's redirect / notFound signals pass through.
 */
export function failureFrom(err: unknown, label = 'server action'): ActionFailure {
  unstable_rethrow(err);
  if (err instanceof AppError) {
    return err.code === 'BUSY'
      ? { ok: false, code: 'BUSY', retryable: true, error: err.message }
      : { ok: false, code: err.code, error: err.message };
  }
  if (isBusyError(err)) {
    console.warn(`[action] ${label}: database busy or unreachable (${describe(err)})`);
    return { ok: false, code: 'BUSY', retryable: true, error: BUSY_MESSAGE };
  }
  const id = randomUUID().slice(0, 8);
  console.error(`[action] ${label} failed (error id ${id}):`, err);
  return { ok: false, code: 'INTERNAL', error: `${INTERNAL_ERROR_MESSAGE} (error ${id})` };
}

function describe(err: unknown): string {
  const o = err as { code?: unknown; message?: unknown };
  return [
    typeof o?.code === 'string' ? o.code : null,
    typeof o?.message === 'string' ? o.message.split('\n')[0].slice(0, 160) : null,
  ]
    .filter(Boolean)
    .join(': ');
}

/**
 * The one server-action wrapper: checks the session itself (never trusts a client user id), parses the input with
 * `schema`, runs `fn` with the parsed input and the signed-in user, revalidates, and returns one client-safe
 * result type. Usage, in a 'use server' file:
 *
 *   export const rateMovieAction = action(RateMovieInput, async ({ movieId, value }, { user }) => {
 *     await upsertRating(user.id, movieId, value);
 *   }, { auth: 'user', revalidate: ['/for-you'] });
 */
export function action<S extends z.ZodType, R, A extends ActionAuth>(
  schema: S,
  fn: (input: z.output<S>, ctx: Ctx<A>) => Promise<R>,
  options: ActionOptions<A>,
): (raw: unknown) => Promise<ActionResult<R extends void ? undefined : R>> {
  type Out = ActionResult<R extends void ? undefined : R>;
  const label = options.name || fn.name || 'server action';
  return async (raw: unknown): Promise<Out> => {
    let user: SessionUser | null;
    try {
      user = await getCurrentUser(); // a database outage here is "busy", not a 500
    } catch (err) {
      return failureFrom(err, label);
    }
    if (options.auth !== 'public') {
      if (!user) return { ok: false, code: 'UNAUTHORIZED', error: 'Please sign in first.' };
      if (options.auth === 'admin' && user.role !== 'ADMIN') {
        return { ok: false, code: 'FORBIDDEN', error: 'Only admins can do that.' };
      }
    }
    let input;
    try {
      input = schema.safeParse(toObject(raw));
    } catch (err) {
      return failureFrom(err, label); // a schema's transform threw: a bug, reported as such
    }
    if (!input.success) return invalidInput(input.error);
    let data: R;
    try {
      data = await fn(input.data, { user } as Ctx<A>);
    } catch (err) {
      return failureFrom(err, label);
    }
    for (const path of options.revalidate ?? []) revalidatePath(path);
    return (data === undefined ? { ok: true } : { ok: true, data }) as Out;
  };
}
