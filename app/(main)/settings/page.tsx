import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/server/auth';
import { getAccountProfile } from '@/lib/server/data/account';
import { NEW_PASSWORD_MIN } from '@/lib/validation/account';
import { DeleteAccountForm, PasswordForm, ProfileForm } from './account-forms';

export const metadata = { title: 'Settings' };

export default async function SettingsPage() {
  // A deleted or signed-out member goes to sign-in (the layout and the page render at the same time).
  const user = await getCurrentUser();
  if (!user) redirect('/sign-in?callbackUrl=/settings');
  const profile = await getAccountProfile(user.id);
  return (
    <>
      <h1>Settings</h1>
      <section className="settings-section">
        <h2>Profile</h2>
        <ProfileForm initial={profile} />
      </section>
      <section className="settings-section">
        <h2>Password</h2>
        <p className="muted">
          Changing your password signs you out on every other device; this browser stays signed in.
        </p>
        <PasswordForm minLength={NEW_PASSWORD_MIN} />
      </section>
      <section className="settings-section">
        <h2>Sessions</h2>
        <p className="muted">Signed in on a device you no longer use, or on a shared computer?</p>
        <p>
          <a href="/sign-out" data-testid="sign-out-everywhere-link">
            Sign out everywhere
          </a>
        </p>
      </section>
      <section className="settings-section danger-zone">
        <h2>Delete your account</h2>
        <p className="muted">
          Deletes your account and everything Reel holds about you: ratings, watchlist, lists, hidden movies and
          imports. You are signed out everywhere at once. This cannot be undone —{' '}
          <a href="/settings/export">export your data</a> first if you want a copy.
        </p>
        <DeleteAccountForm />
      </section>
    </>
  );
}
