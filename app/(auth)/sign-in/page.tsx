import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/server/auth';
import { env } from '@/lib/env';
import { safeCallbackUrl } from '@/lib/validation/redirect';
import { SignInForm } from './sign-in-form';

export const metadata = { title: 'Sign in' };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  // Only same-site paths: anything else would be an open redirect (issue 19).
  const callbackUrl = safeCallbackUrl((await searchParams).callbackUrl, env.NEXTAUTH_URL ?? 'http://localhost');
  if (await getCurrentUser()) redirect(callbackUrl);
  return (
    <div className="auth-card">
      <h1>Welcome back</h1>
      <p className="muted">Sign in to see your For You picks.</p>
      <SignInForm callbackUrl={callbackUrl} />
      <p className="muted small" style={{ marginTop: 16 }}>
        New to Reel? <Link href="/sign-up">Create an account</Link>
      </p>
    </div>
  );
}
