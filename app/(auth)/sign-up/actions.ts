'use server';

import { SignUpInput } from '@/lib/validation/auth';
import { createMember } from '@/lib/server/data/users';
import { ConflictError, toActionError } from '@/lib/server/errors';

export interface SignUpState {
  ok: boolean;
  error?: string;
  fieldErrors?: Partial<Record<'name' | 'email' | 'password', string>>;
  values?: { name: string; email: string };
}

export async function signUpAction(_prev: SignUpState, form: FormData): Promise<SignUpState> {
  const raw = { name: String(form.get('name') ?? ''), email: String(form.get('email') ?? ''), password: String(form.get('password') ?? '') };
  const values = { name: raw.name, email: raw.email };
  const input = SignUpInput.safeParse(raw);
  if (!input.success) {
    const fieldErrors: SignUpState['fieldErrors'] = {};
    for (const issue of input.error.issues) {
      const key = issue.path[0] as 'name' | 'email' | 'password';
      fieldErrors[key] ??= issue.message;
    }
    return { ok: false, fieldErrors, values };
  }
  try {
    await createMember(input.data);
  } catch (err) {
    if (err instanceof ConflictError) return { ok: false, fieldErrors: { email: err.message }, values };
    return { ...toActionError(err), values };
  }
  return { ok: true, values };
}
