import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/server/auth';
import { SignInForm } from './sign-in-form';

export const metadata = { title: 'Sign in' };

function safeCallback(raw: string | string[] | undefined): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  // Only same-site paths: an absolute URL here would be an open redirect.
  return value && value.startsWith('/') && !value.startsWith('//') ? value : '/for-you';
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const callbackUrl = safeCallback((await searchParams).callbackUrl);
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
