import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/server/auth';
import { SignUpForm } from './sign-up-form';

export const metadata = { title: 'Create account' };

export default async function SignUpPage() {
  if (await getCurrentUser()) redirect('/for-you');
  return (
    <div className="auth-card">
      <h1>Create your account</h1>
      <p className="muted">Rate a few movies and Reel learns what you like.</p>
      <SignUpForm />
      <p className="muted small" style={{ marginTop: 16 }}>
        Already have an account? <Link href="/sign-in">Sign in</Link>
      </p>
    </div>
  );
}
