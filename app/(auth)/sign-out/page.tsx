import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/server/auth';
import { SignOutOptions } from './sign-out-options';

export const metadata = { title: 'Sign out' };

/** Sign out of this device, or end every session of the account (password change and deletion do that too). */
export default async function SignOutPage() {
  const user = await getCurrentUser();
  if (!user) redirect('/sign-in');
  return (
    <div className="auth-card">
      <h1>Sign out</h1>
      <p className="muted">Signed in as {user.email ?? user.name}.</p>
      <SignOutOptions />
    </div>
  );
}
