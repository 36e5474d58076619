import 'server-only';
import { notFound, redirect } from 'next/navigation';
import { NextResponse } from 'next/server';
import { getCurrentUser } from './auth';
import type { SessionUser } from './data/users';

/** For admin pages: visitors go to sign-in, members get the 404 page (an admin page does not exist for them). */
export async function requireAdminPage(path: string): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(path)}`);
  if (user.role !== 'ADMIN') notFound();
  return user;
}

/** For admin route handlers: the admin, or a 403 response for members and visitors alike. */
export async function adminOrForbidden(): Promise<SessionUser | NextResponse> {
  const user = await getCurrentUser();
  if (!user || user.role !== 'ADMIN') {
    return NextResponse.json(
      { error: 'Only admins can do that.' },
      { status: 403, headers: { 'cache-control': 'no-store' } },
    );
  }
  return user;
}
