import 'server-only';
import type { IncomingHttpHeaders } from 'node:http';
import { getToken } from 'next-auth/jwt';
import { env } from '@/lib/env';
import { getSessionUserForToken, type SessionUser } from './data/users';
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
 * The signed-in user of a request: decodes the session cookie only (memoised; no session roll-over and no
 * Set-Cookie, which getServerSession does on every call), then re-reads the user in one query that also refuses a
 * revoked token (older session version, or a signed-out session id). getCurrentUser, the API routes and the
 * production server's fast path all come through here.
 */
export async function getRequestUser(req: RequestCredentials): Promise<SessionUser | null> {
  let token;
  try {
    token = await getToken({
      req: req as Parameters<typeof getToken>[0]['req'],
      secret: env.NEXTAUTH_SECRET,
      decode: decodeSessionToken,
    });
  } catch {
    return null; // a forged or corrupt cookie is the same as none (getToken already returns null for most)
  }
  const userId = Number(token?.sub);
  if (!Number.isInteger(userId) || userId <= 0 || userId > 2_147_483_647) return null;
  // Tokens minted before revocable sessions carry no session id: they cannot be revoked, so they are not accepted.
  if (typeof token?.sid !== 'string' || typeof token.sv !== 'number') return null;
  return getSessionUserForToken({ userId, sessionVersion: token.sv, sessionId: token.sid });
}
