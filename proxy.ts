import { getToken } from 'next-auth/jwt';
import { NextResponse, type NextRequest } from 'next/server';
import { env } from '@/lib/env';
import {
  API_CONTENT_SECURITY_POLICY,
  baseSecurityHeaders,
  createNonce,
  isHttpsRequest,
  pageContentSecurityPolicy,
  posterOrigins,
} from '@/lib/security-headers';
import { decodeSessionToken } from '@/lib/server/session-token';
import { parseIdParam } from '@/lib/validation/common';

const MEMBER_PATHS = [
  '/for-you',
  '/welcome',
  '/ratings',
  '/watchlist',
  '/admin',
  '/settings',
  '/diary',
  '/likes',
  '/rate',
];
/** Member-only pages whose sub-paths are not (a public list at /lists/[id] is readable by anyone with the link). */
const MEMBER_EXACT = ['/lists'];
const IMAGE_ORIGINS = posterOrigins(env.POSTER_BASE_URL);

/**
 * Pages with an id segment stream behind a loading.tsx skeleton, so once rendering starts the status is already 200
 * and the page's notFound() can only give a soft 404 (documented Next.js behaviour). A segment that can never be an
 * id (not 1 … 2³¹ − 1 in digits) is answered here, before streaming, with a real 404 (see `proxy`).
 */
const ID_PAGE = /^\/(?:movies|people|lists)\/([^/]*)\/?$/;

function hasMalformedId(pathname: string): boolean {
  const m = ID_PAGE.exec(pathname);
  if (!m) return false;
  let segment: string;
  try {
    segment = decodeURIComponent(m[1]!);
  } catch {
    return true;
  }
  return parseIdParam(segment) === null;
}

function isMemberPath(pathname: string): boolean {
  return MEMBER_EXACT.includes(pathname) || MEMBER_PATHS.some((p) => pathname === p || pathname.startsWith(`${p}/`));
}

/**
 * Every page and route: security headers, with a per-request CSP nonce for pages (Next reads it from the request's
 * CSP header and puts it on its own scripts; the pages are rendered per request anyway, since the layout reads the
 * session). Plus the coarse redirect: signed-out visitors of member pages go to sign-in. Real checks live in
 * lib/server.
 */
export async function proxy(req: NextRequest) {
  const https = isHttpsRequest(req.headers.get('x-forwarded-proto'), req.nextUrl.protocol);
  const dev = process.env.NODE_ENV === 'development';
  const isApi = req.nextUrl.pathname.startsWith('/api/');
  const nonce = isApi ? null : createNonce();
  const csp = nonce
    ? pageContentSecurityPolicy(nonce, { https, dev, imageOrigins: IMAGE_ORIGINS })
    : API_CONTENT_SECURITY_POLICY;

  let res: NextResponse;
  if (nonce && hasMalformedId(req.nextUrl.pathname)) {
    // No route matches this path: Next renders app/not-found.tsx with a 404 status.
    const requestHeaders = new Headers(req.headers);
    requestHeaders.set('x-nonce', nonce);
    requestHeaders.set('content-security-policy', csp);
    res = NextResponse.rewrite(new URL('/_not-an-id', req.url), { request: { headers: requestHeaders }, status: 404 });
  } else if (
    isMemberPath(req.nextUrl.pathname) &&
    !(await getToken({ req, secret: env.NEXTAUTH_SECRET, decode: decodeSessionToken }).catch(() => null))
  ) {
    const url = new URL('/sign-in', req.url);
    url.searchParams.set('callbackUrl', req.nextUrl.pathname);
    res = NextResponse.redirect(url);
  } else if (nonce) {
    const requestHeaders = new Headers(req.headers);
    requestHeaders.set('x-nonce', nonce);
    requestHeaders.set('content-security-policy', csp);
    res = NextResponse.next({ request: { headers: requestHeaders } });
  } else {
    res = NextResponse.next();
  }
  res.headers.set('content-security-policy', csp);
  for (const [k, v] of Object.entries(baseSecurityHeaders({ https }))) res.headers.set(k, v);
  return res;
}

// Everything but Next's static files (scripts/server.ts gives those the base headers in production).
export const config = { matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'] };
