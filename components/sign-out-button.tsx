'use client';

import { signOut } from 'next-auth/react';
import { useState } from 'react';
import { useRouter } from 'next/navigation';

export function SignOutButton() {
  const [busy, setBusy] = useState(false);
  const router = useRouter();
  return (
    <button
      type="button"
      className="btn btn-ghost"
      disabled={busy}
      onClick={async () => {
        setBusy(true);
        // next-auth builds its redirect from NEXTAUTH_URL (http://localhost:PORT by default), which sends a member who
        // came in through 127.0.0.1 or a LAN address to another host. Sign out without it and go home on this host.
        await signOut({ redirect: false });
        router.replace('/');
        router.refresh();
      }}
    >
      Sign out
    </button>
  );
}
