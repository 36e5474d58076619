'use client';

import { useActionState, useEffect, useRef, useState } from 'react';
import { signIn } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { PASSWORD_MIN_LENGTH } from '@/lib/validation/auth';
import { signUpAction, type SignUpState } from './actions';

export function SignUpForm() {
  const [state, formAction, pending] = useActionState<SignUpState, FormData>(signUpAction, { ok: false });
  const [signInError, setSignInError] = useState<string | null>(null);
  const password = useRef<HTMLInputElement>(null);
  // React resets the form once the action settles, so the password is captured at submit time.
  const submittedPassword = useRef('');
  const router = useRouter();

  useEffect(() => {
    if (!state.ok || !state.values) return;
    // The account exists; sign in with what was just typed so the user lands in the app.
    void signIn('credentials', {
      email: state.values.email,
      password: submittedPassword.current,
      redirect: false,
    }).then((res) => {
      if (res?.ok) {
        router.push('/welcome');
        router.refresh();
      } else if (res?.error?.startsWith('Too many')) setSignInError(res.error);
      // Also what someone sees who tries an email that already has an account (sign-up does not say which).
      else
        setSignInError(
          'We could not sign you in with that email and password. If you already have an account, sign in instead.',
        );
    });
  }, [state, router]);

  const err = state.fieldErrors ?? {};
  return (
    <form
      action={formAction}
      onSubmit={() => {
        submittedPassword.current = password.current?.value ?? '';
        setSignInError(null);
      }}
      className="form"
      noValidate
    >
      {state.error && (
        <p className="form-error" role="alert">
          {state.error}
        </p>
      )}
      {signInError && (
        <p className="form-error" role="alert">
          {signInError}
        </p>
      )}
      <div className="field">
        <label htmlFor="name">Name</label>
        <input
          id="name"
          name="name"
          autoComplete="name"
          defaultValue={state.values?.name}
          aria-invalid={!!err.name}
          aria-describedby={err.name ? 'name-error' : undefined}
        />
        {err.name && (
          <p id="name-error" className="field-error">
            {err.name}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor="email">Email</label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="email"
          defaultValue={state.values?.email}
          aria-invalid={!!err.email}
          aria-describedby={err.email ? 'email-error' : undefined}
        />
        {err.email && (
          <p id="email-error" className="field-error">
            {err.email}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="new-password"
          ref={password}
          aria-invalid={!!err.password}
          aria-describedby={err.password ? 'password-error' : 'password-hint'}
        />
        {err.password ? (
          <p id="password-error" className="field-error">
            {err.password}
          </p>
        ) : (
          <p id="password-hint" className="muted small">
            At least {PASSWORD_MIN_LENGTH} characters, and not a common password.
          </p>
        )}
      </div>
      <button className="btn btn-primary" type="submit" disabled={pending || (state.ok && !signInError)}>
        {pending || (state.ok && !signInError) ? 'Creating your account…' : 'Create account'}
      </button>
    </form>
  );
}
