'use client';

import { useState, type FormEvent } from 'react';
import { signIn } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { SignInInput } from '@/lib/validation/auth';
import { safeCallbackUrl } from '@/lib/validation/redirect';

export function SignInForm({ callbackUrl }: { callbackUrl: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<'email' | 'password', string>>>({});

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const input = SignInInput.safeParse({ email: form.get('email'), password: form.get('password') });
    if (!input.success) {
      const next: typeof fieldErrors = {};
      for (const i of input.error.issues) next[i.path[0] as 'email' | 'password'] ??= i.message;
      setFieldErrors(next);
      return;
    }
    setFieldErrors({});
    setPending(true);
    setError(null);
    const res = await signIn('credentials', { ...input.data, redirect: false });
    setPending(false);
    if (res?.ok) {
      // Checked again here: the prop came from the URL, and this is where the browser goes next.
      router.push(safeCallbackUrl(callbackUrl, window.location.origin));
      router.refresh();
    } else if (res?.error?.startsWith('Too many') || res?.error?.startsWith('Signing in is not possible')) {
      setError(res.error); // "Too many attempts — try again in N s."
    } else {
      setError('That email and password do not match an account. Check them and try again.');
    }
  }

  return (
    <form onSubmit={onSubmit} className="form" noValidate>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="field">
        <label htmlFor="email">Email</label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="email"
          aria-invalid={!!fieldErrors.email}
          aria-describedby={fieldErrors.email ? 'email-error' : undefined}
        />
        {fieldErrors.email && (
          <p id="email-error" className="field-error">
            {fieldErrors.email}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          aria-invalid={!!fieldErrors.password}
          aria-describedby={fieldErrors.password ? 'password-error' : undefined}
        />
        {fieldErrors.password && (
          <p id="password-error" className="field-error">
            {fieldErrors.password}
          </p>
        )}
      </div>
      <button className="btn btn-primary" type="submit" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
