import 'server-only';
import { randomUUID } from 'node:crypto';
import { cache } from 'react';
import { cookies, headers } from 'next/headers';
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { SignInInput } from '@/lib/validation/auth';
import { revokeSession, type SessionUser } from './data/users';
import { ForbiddenError, UnauthorizedError } from './errors';
import { decodeSessionToken } from './session-token';
import { getRequestUser } from './request-user';
import { signInWithPassword } from './services/sign-in';
import { clientIp, isThrottledError } from './throttle';
import { env } from '@/lib/env';
import { safeCallbackUrl } from '@/lib/validation/redirect';

export const authOptions: NextAuthOptions = {
  secret: env.NEXTAUTH_SECRET,
  session: { strategy: 'jwt', maxAge: 30 * 24 * 60 * 60 },
  jwt: { decode: decodeSessionToken },
  pages: { signIn: '/sign-in' },
  providers: [
    CredentialsProvider({
      name: 'Email and password',
      credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
      async authorize(credentials, req) {
        const input = SignInInput.safeParse(credentials ?? {});
        if (!input.success) return null;
        try {
          const user = await signInWithPassword(input.data.email, input.data.password, clientIp(req?.headers));
          return user
            ? {
                id: String(user.id),
                name: user.name,
                email: user.email,
                role: user.role,
                sessionVersion: user.sessionVersion,
              }
            : null;
        } catch (err) {
          // next-auth hands a thrown error's message to the form (signIn(...).error): "Too many attempts — try again in N s."
          if (isThrottledError(err)) throw new Error(err.message);
          console.error('[auth] sign-in failed:', err);
          throw new Error('Signing in is not possible right now. Try again in a moment.');
        }
      },
    }),
  ],
  callbacks: {
    // next-auth's own redirects (/api/auth/signin?callbackUrl=…, sign-out) follow the same rule as the sign-in page.
    redirect({ url, baseUrl }) {
      const path = url.startsWith(baseUrl) ? url.slice(baseUrl.length) || '/' : url;
      // Sign-out may land on /sign-in; the sign-in page applies the stricter rule to its own callback.
      return `${baseUrl}${safeCallbackUrl(path, baseUrl, '/', { allowAuthPages: true })}`;
    },
    jwt({ token, user }) {
      if (user) {
        const signedIn = user as { role?: 'USER' | 'ADMIN'; sessionVersion?: number };
        token.role = signedIn.role ?? 'USER';
        // Revocation claims, fixed for the token's life (re-encoding keeps them): the member's session version at
        // sign-in, and this session's own id for "sign out".
        token.sv = signedIn.sessionVersion ?? 0;
        token.sid = randomUUID();
      }
      return token;
    },
    session({ session, token }) {
      if (session.user) {
        session.user.id = Number(token.sub);
        session.user.role = token.role ?? 'USER';
      }
      return session;
    },
  },
  events: {
    // Sign-out ends this token on the server too: a copy of the cookie kept elsewhere stops working at once.
    async signOut({ token }) {
      const userId = Number(token?.sub);
      if (typeof token?.sid === 'string' && Number.isInteger(userId) && userId > 0) {
        const exp =
          typeof token.exp === 'number' ? new Date(token.exp * 1000) : new Date(Date.now() + 30 * 24 * 3600 * 1000);
        await revokeSession(token.sid, userId, exp);
      }
    },
  },
};

/**
 * The signed-in user, re-read from the database so a deleted account, a changed role or a revoked session takes
 * effect at once. Decodes the session cookie only (memoised decode; no re-encode), memoised per server render
 * (React `cache`), so the layout and the page share one decode and one query.
 */
export const getCurrentUser = cache(async (): Promise<SessionUser | null> => {
  return getRequestUser({ cookies: await cookies(), headers: await headers() });
});

export async function requireUser(): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (!user) throw new UnauthorizedError();
  return user;
}

export async function requireAdmin(): Promise<SessionUser> {
  const user = await requireUser();
  if (user.role !== 'ADMIN') throw new ForbiddenError('Only admins can do that.');
  return user;
}
