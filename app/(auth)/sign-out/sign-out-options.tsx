'use client';

import { useState } from 'react';
import { signOut } from 'next-auth/react';
import { signOutEverywhereAction } from './actions';

export function SignOutOptions() {
  const [pending, setPending] = useState<'here' | 'everywhere' | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function everywhere() {
    setPending('everywhere');
    setError(null);
    let res = await signOutEverywhereAction(undefined);
    if (!res.ok && res.retryable) res = await signOutEverywhereAction(undefined);
    if (!res.ok && res.code !== 'UNAUTHORIZED') {
      setPending(null);
      setError(res.error);
      return;
    }
    await signOut({ callbackUrl: '/sign-in' });
  }

  return (
    <div className="form">
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <button
        type="button"
        className="btn btn-primary"
        disabled={pending !== null}
        onClick={() => {
          setPending('here');
          void signOut({ callbackUrl: '/' });
        }}
      >
        {pending === 'here' ? 'Signing out…' : 'Sign out of this device'}
      </button>
      <button
        type="button"
        className="btn btn-ghost"
        data-testid="sign-out-everywhere"
        disabled={pending !== null}
        onClick={() => void everywhere()}
      >
        {pending === 'everywhere' ? 'Signing out everywhere…' : 'Sign out everywhere'}
      </button>
      <p className="muted small">
        “Sign out everywhere” ends your sessions on every phone, tablet and computer at once, this one included. Use it
        if you signed in on a device you no longer have.
      </p>
    </div>
  );
}
