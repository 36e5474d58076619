import 'server-only';
import { cache } from 'react';
import { getServerSession, type NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { SignInInput } from '@/lib/validation/auth';
import { getSessionUser, verifyCredentials, type SessionUser } from './data/users';
import { ForbiddenError, UnauthorizedError } from './errors';
import { decodeSessionToken } from './session-token';
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
      async authorize(credentials) {
        const input = SignInInput.safeParse(credentials ?? {});
        if (!input.success) return null;
        const user = await verifyCredentials(input.data.email, input.data.password);
        return user ? { id: String(user.id), name: user.name, email: user.email, role: user.role } : null;
      },
    }),
  ],
  callbacks: {
    // next-auth's own redirects (/api/auth/signin?callbackUrl=…, sign-out) follow the same rule as the sign-in page.
    redirect({ url, baseUrl }) {
      const path = url.startsWith(baseUrl) ? url.slice(baseUrl.length) || '/' : url;
      return `${baseUrl}${safeCallbackUrl(path, baseUrl, '/')}`;
    },
    jwt({ token, user }) {
      if (user) token.role = (user as { role?: 'USER' | 'ADMIN' }).role ?? 'USER';
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
};

/**
 * The signed-in user, re-read from the database so a deleted account or changed role takes effect at once. Memoised
 * per server render (React `cache`), so the layout and the page share one session decode and one query.
 */
export const getCurrentUser = cache(async (): Promise<SessionUser | null> => {
  const session = await getServerSession(authOptions);
  const id = session?.user?.id;
  if (!id || !Number.isInteger(id)) return null;
  return getSessionUser(id);
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
