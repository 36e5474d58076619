import { getToken } from 'next-auth/jwt';
import { NextResponse, type NextRequest } from 'next/server';
import { decodeSessionToken } from '@/lib/server/session-token';

// Coarse redirect only: signed-out visitors of member pages go to sign-in. Real checks live in lib/server.
export async function proxy(req: NextRequest) {
  const token = await getToken({ req, secret: process.env.NEXTAUTH_SECRET, decode: decodeSessionToken });
  if (!token) {
    const url = new URL('/sign-in', req.url);
    url.searchParams.set('callbackUrl', req.nextUrl.pathname);
    return NextResponse.redirect(url);
  }
  return NextResponse.next();
}

export const config = { matcher: ['/for-you/:path*', '/welcome/:path*', '/ratings/:path*', '/watchlist/:path*', '/admin/:path*', '/settings/:path*', '/lists'] };
