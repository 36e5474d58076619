'use server';

import { headers } from 'next/headers';
import { SignUpInput } from '@/lib/validation/auth';
import { createMember } from '@/lib/server/data/users';
import { failureFrom } from '@/lib/server/action';
import { ConflictError } from '@/lib/server/errors';
import { passwordPolicyProblem } from '@/lib/server/passwords/policy';
import { countSignUpAttempt } from '@/lib/server/services/sign-in';
import { clientIp, isThrottledError } from '@/lib/server/throttle';

export interface SignUpState {
  ok: boolean;
  error?: string;
  fieldErrors?: Partial<Record<'name' | 'email' | 'password', string>>;
  values?: { name: string; email: string };
}

/**
 * Creates a member account. The answer is the same whether or not the email already has an account (the form then
 * signs in with what was typed, which works only for the owner), so sign-up cannot be used to find out who is a
 * member; the work is the same too (the password is hashed either way). Throttled per IP.
 */
export async function signUpAction(_prev: SignUpState, form: FormData): Promise<SignUpState> {
  const raw = {
    name: String(form.get('name') ?? ''),
    email: String(form.get('email') ?? ''),
    password: String(form.get('password') ?? ''),
  };
  const values = { name: raw.name.slice(0, 200), email: raw.email.slice(0, 300) };
  const input = SignUpInput.safeParse(raw);
  if (!input.success) {
    const fieldErrors: SignUpState['fieldErrors'] = {};
    for (const issue of input.error.issues) {
      const key = issue.path[0] as 'name' | 'email' | 'password';
      fieldErrors[key] ??= issue.message;
    }
    return { ok: false, fieldErrors, values };
  }
  const policy = passwordPolicyProblem(input.data.password, input.data.email);
  if (policy) return { ok: false, fieldErrors: { password: policy }, values };
  try {
    await countSignUpAttempt(clientIp(await headers()));
    await createMember(input.data);
  } catch (err) {
    if (isThrottledError(err)) return { ok: false, error: err.message, values };
    // Same answer as a new account: the form's sign-in succeeds only for the account's owner.
    if (err instanceof ConflictError) return { ok: true, values };
    const failure = failureFrom(err, 'signUpAction');
    return { ok: false, error: failure.error, values };
  }
  return { ok: true, values };
}
