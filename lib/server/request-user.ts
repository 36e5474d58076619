import 'server-only';
import type { IncomingHttpHeaders } from 'node:http';
import { getToken } from 'next-auth/jwt';
import { env } from '@/lib/env';
import { getSessionUser, type SessionUser } from './data/users';
import { decodeSessionToken } from './session-token';

/**
 * What a session is read from: the request's cookies (Next's `req.cookies` or a parsed Cookie header) and, for a
 * bearer token, its headers. next-auth's getToken reads nothing else of the request.
 */
export interface RequestCredentials {
  cookies: Partial<Record<string, string>> | { getAll(): { name: string; value: string }[] };
  headers?: Headers | IncomingHttpHeaders;
}

/**
 * The signed-in user of an API request: decodes the session cookie only (no session roll-over and no Set-Cookie,
 * which getServerSession does on every call), then re-reads the user like getCurrentUser. For hot JSON endpoints
 * such as GET /api/for-you; page renders keep getCurrentUser.
 */
export async function getRequestUser(req: RequestCredentials): Promise<SessionUser | null> {
  const token = await getToken({ req: req as Parameters<typeof getToken>[0]['req'], secret: env.NEXTAUTH_SECRET, decode: decodeSessionToken });
  const id = Number(token?.sub);
  if (!Number.isInteger(id) || id <= 0) return null;
  return getSessionUser(id);
}
