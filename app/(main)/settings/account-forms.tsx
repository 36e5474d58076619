'use client';

import { signIn, signOut } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import type { AccountProfile } from '@/lib/validation/account';
import type { ActionResult } from '@/lib/validation/action-result';
import { changePasswordAction, deleteAccountAction, updateProfileAction } from './actions';

function useSubmit<T>() {
  const [result, setResult] = useState<ActionResult<T> | null>(null);
  const [pending, start] = useTransition();
  const run = (fn: () => Promise<ActionResult<T>>, after?: (r: ActionResult<T>) => void) =>
    start(async () => {
      const r = await fn();
      setResult(r);
      after?.(r);
    });
  const fieldError = (name: string) => (result && !result.ok ? result.fieldErrors?.[name] : undefined);
  return { result, pending, run, fieldError };
}

function Field(props: {
  id: string;
  label: string;
  type?: string;
  value: string;
  onChange: (v: string) => void;
  error?: string;
  autoComplete?: string;
  hint?: string;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.id}
        type={props.type ?? 'text'}
        value={props.value}
        autoComplete={props.autoComplete}
        onChange={(e) => props.onChange(e.target.value)}
        aria-invalid={!!props.error}
        aria-describedby={`${props.id}-msg`}
      />
      {props.error ? (
        <p id={`${props.id}-msg`} className="field-error">
          {props.error}
        </p>
      ) : props.hint ? (
        <p id={`${props.id}-msg`} className="muted small">
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}

function Outcome({
  result,
  ok,
}: {
  result: { ok: boolean; error?: string; fieldErrors?: Record<string, string> } | null;
  ok: string;
}) {
  if (!result) return null;
  if (result.ok)
    return (
      <p className="form-ok" role="status">
        {ok}
      </p>
    );
  return result.fieldErrors && Object.keys(result.fieldErrors).length ? null : (
    <p className="form-error" role="alert">
      {result.error}
    </p>
  );
}

export function ProfileForm({ initial }: { initial: AccountProfile }) {
  const router = useRouter();
  const [name, setName] = useState(initial.name ?? '');
  const [email, setEmail] = useState(initial.email ?? '');
  const { result, pending, run, fieldError } = useSubmit<AccountProfile>();
  return (
    <form
      className="form"
      noValidate
      data-testid="profile-form"
      onSubmit={(e) => {
        e.preventDefault();
        run(
          () => updateProfileAction({ name, email }),
          (r) => r.ok && router.refresh(),
        );
      }}
    >
      <Field
        id="profile-name"
        label="Name"
        value={name}
        onChange={setName}
        error={fieldError('name')}
        autoComplete="name"
      />
      <Field
        id="profile-email"
        label="Email"
        type="email"
        value={email}
        onChange={setEmail}
        error={fieldError('email')}
        autoComplete="email"
      />
      <Outcome result={result} ok="Saved." />
      <div>
        <button className="btn btn-primary" type="submit" disabled={pending}>
          {pending ? 'Saving…' : 'Save profile'}
        </button>
      </div>
    </form>
  );
}

export function PasswordForm({ minLength }: { minLength: number }) {
  const router = useRouter();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [renewing, setRenewing] = useState(false);
  const { result, pending, run, fieldError } = useSubmit<{ email: string }>();
  return (
    <form
      className="form"
      noValidate
      data-testid="password-form"
      onSubmit={(e) => {
        e.preventDefault();
        const password = next;
        run(
          () => changePasswordAction({ current, next, confirm }),
          (r) => {
            if (!r.ok) return;
            setCurrent('');
            setNext('');
            setConfirm('');
            // The change ended every session, this one included: sign this browser in again with the new password.
            setRenewing(true);
            void signIn('credentials', { email: r.data.email, password, redirect: false }).then((res) => {
              setRenewing(false);
              if (res?.ok) router.refresh();
              else router.push('/sign-in?callbackUrl=/settings');
            });
          },
        );
      }}
    >
      <Field
        id="current-password"
        label="Current password"
        type="password"
        value={current}
        onChange={setCurrent}
        error={fieldError('current')}
        autoComplete="current-password"
      />
      <Field
        id="new-password"
        label="New password"
        type="password"
        value={next}
        onChange={setNext}
        error={fieldError('next')}
        autoComplete="new-password"
        hint={`At least ${minLength} characters.`}
      />
      <Field
        id="confirm-password"
        label="New password again"
        type="password"
        value={confirm}
        onChange={setConfirm}
        error={fieldError('confirm')}
        autoComplete="new-password"
      />
      <Outcome
        result={result}
        ok={
          renewing ? 'Password changed. Signing you in again…' : 'Password changed. Your other devices are signed out.'
        }
      />
      <div>
        <button className="btn btn-primary" type="submit" disabled={pending || renewing}>
          {pending ? 'Changing…' : 'Change password'}
        </button>
      </div>
    </form>
  );
}

export function DeleteAccountForm() {
  const [confirmEmail, setConfirmEmail] = useState('');
  const { result, pending, run, fieldError } = useSubmit<undefined>();
  return (
    <form
      className="form"
      noValidate
      data-testid="delete-account-form"
      onSubmit={(e) => {
        e.preventDefault();
        run(
          () => deleteAccountAction({ confirmEmail }),
          (r) => {
            // The account is gone (every session already fails); clear this browser's cookie too.
            if (r.ok) void signOut({ callbackUrl: '/?deleted=1' });
          },
        );
      }}
    >
      <Field
        id="confirm-email"
        label="Type your email address to confirm"
        type="email"
        value={confirmEmail}
        onChange={setConfirmEmail}
        error={fieldError('confirmEmail')}
        autoComplete="off"
      />
      <Outcome result={result} ok="Your account was deleted. Signing you out…" />
      <div>
        <button
          className="btn btn-danger"
          type="submit"
          disabled={pending || result?.ok === true}
          data-testid="delete-account"
        >
          {pending ? 'Deleting…' : 'Delete my account'}
        </button>
      </div>
    </form>
  );
}
