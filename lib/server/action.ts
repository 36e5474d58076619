import 'server-only';
import { revalidatePath } from 'next/cache';
import type { z } from 'zod';
import type { ActionFailure, ActionResult } from '@/lib/validation/action-result';
import { getCurrentUser } from './auth';
import type { SessionUser } from './data/users';
import { AppError } from './errors';

export type ActionAuth = 'public' | 'user' | 'admin';
type Ctx<A extends ActionAuth> = A extends 'public' ? { user: SessionUser | null } : { user: SessionUser };

export interface ActionOptions<A extends ActionAuth> {
  /** Who may call it. Checked here, on every call: a page's own check does not protect the endpoint. */
  auth: A;
  /** Paths to revalidate after a successful call. */
  revalidate?: string[];
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

/** An expected failure (AppError) as a value; anything else is rethrown (reaches error.tsx and the logs). */
export function failureFrom(err: unknown): ActionFailure {
  if (err instanceof AppError) return { ok: false, code: err.code, error: err.message };
  throw err;
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
  return async (raw: unknown): Promise<Out> => {
    const user = await getCurrentUser();
    if (options.auth !== 'public') {
      if (!user) return { ok: false, code: 'UNAUTHORIZED', error: 'Please sign in first.' };
      if (options.auth === 'admin' && user.role !== 'ADMIN') {
        return { ok: false, code: 'FORBIDDEN', error: 'Only admins can do that.' };
      }
    }
    const input = schema.safeParse(toObject(raw));
    if (!input.success) return invalidInput(input.error);
    let data: R;
    try {
      data = await fn(input.data, { user } as Ctx<A>);
    } catch (err) {
      return failureFrom(err);
    }
    for (const path of options.revalidate ?? []) revalidatePath(path);
    return (data === undefined ? { ok: true } : { ok: true, data }) as Out;
  };
}
